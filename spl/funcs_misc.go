package spl

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash/crc32"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// --- JSON ---

func jsonFuncs() map[string]*funcDef {
	jv := []Type{TypeJSON, TypeVarchar}
	return map[string]*funcDef{
		"json_extract":        {min: 2, max: 2, args: jv, special: jsonPathSpecial(TypeJSON, false)},
		"json_extract_scalar": {min: 2, max: 2, args: jv, special: jsonPathSpecial(TypeVarchar, true)},
		"json_size": {min: 2, max: 2, args: jv, special: jsonPathSpecialWith(TypeBigint, func(raw string) Value {
			n := int64(0)
			switch {
			case strings.HasPrefix(raw, "{"):
				_ = objectEach(raw, func(string, string) error { n++; return nil })
			case strings.HasPrefix(raw, "["):
				_ = arrayEach(raw, func(string) error { n++; return nil })
			}
			return intV(n)
		})},
		"json_array_length": {min: 1, max: 1, args: []Type{TypeJSON}, ret: TypeBigint, impl: func(c *evalCtx, e *Call, a []Value) Value {
			n := int64(0)
			if err := arrayEach(a[0].s, func(string) error { n++; return nil }); err != nil {
				return nullValue
			}
			return intV(n)
		}},
		"json_array_contains": {min: 2, max: 2, args: []Type{TypeJSON, TypeUnknown}, ret: TypeBoolean, impl: func(c *evalCtx, e *Call, a []Value) Value {
			found := false
			err := arrayEach(a[0].s, func(raw string) error {
				var hit bool
				switch a[1].t {
				case TypeVarchar:
					hit = strings.HasPrefix(raw, `"`) && jsonScalarText(raw) == a[1].s
				case TypeBigint, TypeDouble:
					f, ok := parseDoubleText(raw)
					hit = ok && !strings.HasPrefix(raw, `"`) && f == a[1].asFloat()
				case TypeBoolean:
					hit = raw == strconv.FormatBool(a[1].i != 0)
				}
				if hit {
					found = true
					return errStop
				}
				return nil
			})
			if err != nil && err != errStop {
				return nullValue
			}
			return boolV(found)
		}},
		"json_parse": {min: 1, max: 1, args: vv, ret: TypeJSON, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if !validJSON(a[0].s) {
				return c.fail(e, "json_parse(): invalid JSON: %s", clip(a[0].s))
			}
			return jsonV(compactJSON(strings.TrimSpace(a[0].s)))
		}},
		"json_format": {min: 1, max: 1, args: []Type{TypeJSON}, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			return strV(compactJSON(a[0].s))
		}},
	}
}

func jsonPathSpecial(ret Type, scalar bool) func(cc *compiler, e *Call, args []cexpr) cexpr {
	return jsonPathSpecialWith(ret, func(raw string) Value {
		if !scalar {
			return jsonV(compactJSON(raw))
		}
		switch {
		case strings.HasPrefix(raw, "{"), strings.HasPrefix(raw, "["), raw == "null":
			return nullValue
		}
		return strV(jsonScalarText(raw))
	})
}

// jsonPathSpecialWith compiles f(json, path): a constant path is parsed once.
// Unparsable JSON or a path that leads nowhere gives NULL, as in SLS.
func jsonPathSpecialWith(ret Type, result func(raw string) Value) func(cc *compiler, e *Call, args []cexpr) cexpr {
	return func(cc *compiler, e *Call, args []cexpr) cexpr {
		var fixed []jsonPathStep
		if args[1].konst {
			pv := args[1].fn(nil)
			if pv.isNull() {
				return constant(nullValue, e)
			}
			steps, err := parseJSONPath(pv.s)
			if err != nil {
				cc.failf(e.Args[1], "%s(): %v", e.Name, err)
			}
			fixed = steps
		}
		xf, pf := args[0].fn, args[1].fn
		fn := func(c *evalCtx) Value {
			v := xf(c)
			if v.isNull() {
				return nullValue
			}
			doc, ok := c.str(e, 0, v)
			if !ok {
				return nullValue
			}
			steps := fixed
			if steps == nil {
				pv := pf(c)
				if pv.isNull() {
					return nullValue
				}
				var err error
				if steps, err = parseJSONPath(pv.s); err != nil {
					return c.fail(e.Args[1], "%s(): %v", e.Name, err)
				}
			}
			raw, found := jsonExtract(doc, steps)
			if !found {
				return nullValue
			}
			return result(raw)
		}
		return cc.fold(cexpr{t: ret, konst: args[0].konst && args[1].konst, fn: fn, node: e})
	}
}

// --- math ---

func mathFuncs() map[string]*funcDef {
	num := []Type{TypeDouble}
	sameAsArg := func(args []cexpr) Type {
		if args[0].t == TypeBigint || args[0].t == TypeDouble {
			return args[0].t
		}
		return TypeUnknown
	}
	float1 := func(f func(float64) float64) *funcDef {
		return &funcDef{min: 1, max: 1, args: num, ret: TypeDouble, impl: func(c *evalCtx, e *Call, a []Value) Value {
			x, ok := c.number(e, 0, a[0])
			if !ok {
				return nullValue
			}
			return dblV(f(x))
		}}
	}
	// intOrFloat keeps a bigint argument bigint (abs, floor, ceil, round).
	intOrFloat := func(fi func(int64) (int64, bool), ff func(float64) float64) *funcDef {
		return &funcDef{min: 1, max: 1, args: num, retFn: sameAsArg, impl: func(c *evalCtx, e *Call, a []Value) Value {
			switch a[0].t {
			case TypeBigint:
				r, ok := fi(a[0].i)
				if !ok {
					return c.fail(e, "%s(): bigint overflow", e.Name)
				}
				return intV(r)
			case TypeDouble:
				return dblV(ff(a[0].f))
			}
			return c.fail(e.Args[0], "argument 1 of %s() must be a number, got %s", e.Name, a[0].t)
		}}
	}
	ident := func(x int64) (int64, bool) { return x, true }
	m := map[string]*funcDef{
		"abs": intOrFloat(func(x int64) (int64, bool) {
			if x == minInt64 {
				return 0, false
			}
			if x < 0 {
				return -x, true
			}
			return x, true
		}, math.Abs),
		"floor":   intOrFloat(ident, math.Floor),
		"ceil":    intOrFloat(ident, math.Ceil),
		"ceiling": intOrFloat(ident, math.Ceil),
		"sqrt":    float1(math.Sqrt),
		"cbrt":    float1(math.Cbrt),
		"exp":     float1(math.Exp),
		"ln":      float1(math.Log),
		"log2":    float1(math.Log2),
		"log10":   float1(math.Log10),
		"sin":     float1(math.Sin),
		"cos":     float1(math.Cos),
		"tan":     float1(math.Tan),
		"asin":    float1(math.Asin),
		"acos":    float1(math.Acos),
		"atan":    float1(math.Atan),
		"sinh":    float1(math.Sinh),
		"cosh":    float1(math.Cosh),
		"tanh":    float1(math.Tanh),
		"degrees": float1(func(x float64) float64 { return x * 180 / math.Pi }),
		"radians": float1(func(x float64) float64 { return x * math.Pi / 180 }),
		"pi":      {min: 0, max: 0, ret: TypeDouble, impl: func(*evalCtx, *Call, []Value) Value { return dblV(math.Pi) }},
		"e":       {min: 0, max: 0, ret: TypeDouble, impl: func(*evalCtx, *Call, []Value) Value { return dblV(math.E) }},
		"sign": {min: 1, max: 1, args: num, retFn: sameAsArg, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t == TypeBigint {
				return intV(int64(cmpInt(a[0].i, 0)))
			}
			x, ok := c.number(e, 0, a[0])
			if !ok {
				return nullValue
			}
			switch {
			case x > 0:
				return dblV(1)
			case x < 0:
				return dblV(-1)
			}
			return dblV(x)
		}},
		"atan2": {min: 2, max: 2, args: num, ret: TypeDouble, impl: func(c *evalCtx, e *Call, a []Value) Value {
			return dblV(math.Atan2(a[0].asFloat(), a[1].asFloat()))
		}},
		"pow":   {min: 2, max: 2, args: num, ret: TypeDouble, impl: powImpl},
		"power": {min: 2, max: 2, args: num, ret: TypeDouble, impl: powImpl},
		"mod": {min: 2, max: 2, args: num, retFn: func(args []cexpr) Type {
			if args[0].t == TypeBigint && args[1].t == TypeBigint {
				return TypeBigint
			}
			if args[0].t == TypeDouble || args[1].t == TypeDouble {
				return TypeDouble
			}
			return TypeUnknown
		}, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t == TypeBigint && a[1].t == TypeBigint {
				return arithInt(c, e, '%', a[0].i, a[1].i)
			}
			x, ok1 := c.number(e, 0, a[0])
			y, ok2 := c.number(e, 1, a[1])
			if !ok1 || !ok2 {
				return nullValue
			}
			return dblV(math.Mod(x, y))
		}},
		"round": {min: 1, max: 2, args: []Type{TypeDouble, TypeBigint}, retFn: sameAsArg, impl: roundImpl},
		"truncate": {min: 1, max: 1, args: num, ret: TypeDouble, impl: func(c *evalCtx, e *Call, a []Value) Value {
			x, ok := c.number(e, 0, a[0])
			if !ok {
				return nullValue
			}
			return dblV(math.Trunc(x))
		}},
	}
	return m
}

func powImpl(c *evalCtx, e *Call, a []Value) Value {
	x, ok1 := c.number(e, 0, a[0])
	y, ok2 := c.number(e, 1, a[1])
	if !ok1 || !ok2 {
		return nullValue
	}
	return dblV(math.Pow(x, y))
}

// roundImpl rounds half away from zero, to d decimal places (d may be negative).
func roundImpl(c *evalCtx, e *Call, a []Value) Value {
	d := int64(0)
	if len(a) == 2 {
		var ok bool
		if d, ok = c.integer(e, 1, a[1]); !ok {
			return nullValue
		}
	}
	switch a[0].t {
	case TypeBigint:
		if d >= 0 {
			return a[0]
		}
		if d < -18 {
			return intV(0)
		}
		p := int64(math.Pow10(int(-d)))
		x := a[0].i
		r := (x / p) * p
		if rem := x % p; rem*2 >= p {
			r += p
		} else if rem*2 <= -p {
			r -= p
		}
		return intV(r)
	case TypeDouble:
		x := a[0].f
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return a[0]
		}
		if d > 300 {
			return a[0]
		}
		p := math.Pow10(int(d))
		return dblV(math.Round(x*p) / p)
	}
	return c.fail(e.Args[0], "argument 1 of round() must be a number, got %s", a[0].t)
}

// --- conditional ---

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

// --- URL ---

func urlFuncs() map[string]*funcDef {
	part := func(f func(u *url.URL) (string, bool)) *funcDef {
		return &funcDef{min: 1, max: 1, args: vv, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			u, err := url.Parse(a[0].s)
			if err != nil {
				return nullValue
			}
			s, ok := f(u)
			if !ok {
				return nullValue
			}
			return strV(s)
		}}
	}
	return map[string]*funcDef{
		"url_encode": {min: 1, max: 1, args: vv, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			// Presto: RFC 3986 unreserved characters stay, space becomes '+'.
			return strV(url.QueryEscape(a[0].s))
		}},
		"url_decode": {min: 1, max: 1, args: vv, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			s, err := url.QueryUnescape(a[0].s)
			if err != nil {
				return c.fail(e, "url_decode(): %v", err)
			}
			return strV(s)
		}},
		"url_extract_host":     part(func(u *url.URL) (string, bool) { return u.Hostname(), u.Host != "" }),
		"url_extract_path":     part(func(u *url.URL) (string, bool) { return u.EscapedPath(), true }),
		"url_extract_protocol": part(func(u *url.URL) (string, bool) { return u.Scheme, u.Scheme != "" }),
		"url_extract_query":    part(func(u *url.URL) (string, bool) { return u.RawQuery, true }),
		"url_extract_fragment": part(func(u *url.URL) (string, bool) { return u.Fragment, true }),
		"url_extract_port": {min: 1, max: 1, args: vv, ret: TypeBigint, impl: func(c *evalCtx, e *Call, a []Value) Value {
			u, err := url.Parse(a[0].s)
			if err != nil || u.Port() == "" {
				return nullValue
			}
			n, err := strconv.ParseInt(u.Port(), 10, 64)
			if err != nil {
				return nullValue
			}
			return intV(n)
		}},
		"url_extract_parameter": {min: 2, max: 2, args: vvv, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			u, err := url.Parse(a[0].s)
			if err != nil {
				return nullValue
			}
			vals, err := url.ParseQuery(u.RawQuery)
			if err != nil && len(vals) == 0 {
				return nullValue
			}
			v, ok := vals[a[1].s]
			if !ok || len(v) == 0 {
				return nullValue
			}
			return strV(v[0])
		}},
	}
}

// --- hashes and encodings ---

func hashFuncs() map[string]*funcDef {
	vb := []Type{TypeVarbinary}
	bin := func(f func(string) string) *funcDef {
		return &funcDef{min: 1, max: 1, args: vb, ret: TypeVarbinary, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t != TypeVarbinary {
				return c.fail(e.Args[0], "%s() needs varbinary (use to_utf8(x)), got %s", e.Name, a[0].t)
			}
			return bytesV(f(a[0].s))
		}}
	}
	return map[string]*funcDef{
		"md5":    bin(func(s string) string { h := md5.Sum([]byte(s)); return string(h[:]) }),
		"sha1":   bin(func(s string) string { h := sha1.Sum([]byte(s)); return string(h[:]) }),
		"sha256": bin(func(s string) string { h := sha256.Sum256([]byte(s)); return string(h[:]) }),
		"sha512": bin(func(s string) string { h := sha512.Sum512([]byte(s)); return string(h[:]) }),
		"to_hex": {min: 1, max: 1, args: vb, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			return strV(strings.ToUpper(hex.EncodeToString([]byte(a[0].s))))
		}},
		"from_hex": {min: 1, max: 1, args: vv, ret: TypeVarbinary, impl: func(c *evalCtx, e *Call, a []Value) Value {
			b, err := hex.DecodeString(a[0].s)
			if err != nil {
				return c.fail(e, "from_hex(): %v", err)
			}
			return bytesV(string(b))
		}},
		"to_base64": {min: 1, max: 1, args: vb, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			return strV(base64.StdEncoding.EncodeToString([]byte(a[0].s)))
		}},
		"from_base64": {min: 1, max: 1, args: vv, ret: TypeVarbinary, impl: func(c *evalCtx, e *Call, a []Value) Value {
			b, err := base64.StdEncoding.DecodeString(a[0].s)
			if err != nil {
				return c.fail(e, "from_base64(): %v", err)
			}
			return bytesV(string(b))
		}},
		"crc32": {min: 1, max: 1, args: vb, ret: TypeBigint, impl: func(c *evalCtx, e *Call, a []Value) Value {
			return intV(int64(crc32.ChecksumIEEE([]byte(a[0].s))))
		}},
	}
}
