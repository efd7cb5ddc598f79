package spl

func condFuncs() map[string]*funcDef {
	return map[string]*funcDef{
		"coalesce": {min: 1, max: -1, special: coalesceSpecial},
		"if":       {min: 2, max: 3, args: []Type{TypeBoolean, TypeUnknown}, special: ifSpecial},
		"try":      {min: 1, max: 1, special: trySpecial},
		"nullif": {min: 2, max: 2, sqlOnly: true, nullOK: true, retFn: func(a []cexpr) Type { return a[0].t }, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].isNull() || a[1].isNull() {
				return a[0]
			}
			if r, ok, _ := compare(c, a[0], a[1]); ok && r == 0 {
				return nullValue
			}
			return a[0]
		}},
		"typeof": {min: 1, max: 1, sqlOnly: true, nullOK: true, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].isNull() {
				return strV("unknown")
			}
			return strV(a[0].t.String())
		}},
		"map": {min: 2, max: 2, args: []Type{TypeArray, TypeArray}, ret: TypeMap, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t != TypeArray || a[1].t != TypeArray {
				return c.fail(e, "map() needs two arrays")
			}
			ks, vs := a[0].c.vals, a[1].c.vals
			if len(ks) != len(vs) {
				return c.fail(e, "map(): key and value arrays must have the same length, got %d and %d", len(ks), len(vs))
			}
			for _, k := range ks {
				if k.isNull() {
					return c.fail(e, "map(): keys must not be null")
				}
			}
			return Value{t: TypeMap, c: &composite{keys: ks, vals: vs}}
		}},
		"cardinality": {min: 1, max: 1, args: []Type{TypeUnknown}, ret: TypeBigint, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t != TypeArray && a[0].t != TypeMap {
				return c.fail(e.Args[0], "cardinality() needs an array or a map, got %s", a[0].t)
			}
			return intV(int64(len(a[0].c.vals)))
		}},
	}
}

func unifyTypes(args []cexpr) Type {
	t := TypeNull
	for _, a := range args {
		switch {
		case a.t == TypeNull || a.t == t:
		case t == TypeNull:
			t = a.t
		case t.numeric() && a.t.numeric():
			t = TypeDouble
		default:
			return TypeUnknown
		}
	}
	return t
}

func coalesceSpecial(cc *compiler, e *Call, args []cexpr) cexpr {
	fns := make([]evalFn, len(args))
	konst := true
	for i, a := range args {
		fns[i] = a.fn
		konst = konst && a.konst
	}
	toDouble := unifyTypes(args) == TypeDouble
	return cc.fold(cexpr{t: unifyTypes(args), konst: konst, node: e, fn: func(c *evalCtx) Value {
		for _, f := range fns {
			if v := f(c); !v.isNull() {
				return promote(v, toDouble)
			}
		}
		return nullValue
	}})
}

func ifSpecial(cc *compiler, e *Call, args []cexpr) cexpr {
	cond, then := args[0].fn, args[1].fn
	var els evalFn
	konst := args[0].konst && args[1].konst
	branches := args[1:]
	if len(args) == 3 {
		els = args[2].fn
		konst = konst && args[2].konst
	}
	t := unifyTypes(branches)
	toDouble := t == TypeDouble
	return cc.fold(cexpr{t: t, konst: konst, node: e, fn: func(c *evalCtx) Value {
		cv := cond(c)
		if !cv.isNull() && cv.t != TypeBoolean {
			return c.fail(e.Args[0], "if() condition must be boolean, got %s", cv.t)
		}
		if cv.truthy() {
			return promote(then(c), toDouble)
		}
		if els != nil {
			return promote(els(c), toDouble)
		}
		return nullValue
	}})
}

// trySpecial compiles try(x): a row error inside x becomes NULL.
func trySpecial(cc *compiler, e *Call, args []cexpr) cexpr {
	x := args[0].fn
	return cexpr{t: args[0].t, node: e, fn: func(c *evalCtx) Value {
		if c.err != nil {
			return nullValue
		}
		v := x(c)
		if c.err != nil {
			c.err = nil
			return nullValue
		}
		return v
	}}
}
