package spl

import (
	"strconv"
	"strings"
)

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
