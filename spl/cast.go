package spl

import (
	"math"
	"strings"
	"time"
)

// cast compiles cast(x as T) and try_cast(x as T). A failed cast is a row
// error (the log is counted as failed); try_cast yields NULL instead.
func (cc *compiler) cast(e *Cast) cexpr {
	if e.Try {
		cc.requireSQLOnly(Span{e.Start, e.Start + len("try_cast")}, "try_cast")
	}
	x := cc.expr(e.X)
	target := castTypes[e.Type.Name]
	if !castAllowed(x.t, target) {
		cc.failf(e, "cannot cast %s to %s", x.t, e.Type.Name)
	}
	lo, hi := intRange(e.Type.Name)
	xf, try := x.fn, e.Try
	typeName := e.Type.Name
	var fn evalFn
	if target == TypeBigint && x.t == TypeVarchar && lo == math.MinInt64 {
		// Fast path: cast(field as bigint), the most common filter.
		fn = func(c *evalCtx) Value {
			v := xf(c)
			if v.t == TypeVarchar {
				if n, ok := parseIntText(v.s); ok {
					return intV(n)
				}
			}
			return castValue(c, e, v, target, typeName, lo, hi, try)
		}
	} else {
		fn = func(c *evalCtx) Value {
			return castValue(c, e, xf(c), target, typeName, lo, hi, try)
		}
	}
	return cc.fold(cexpr{t: target, konst: x.konst, fn: fn, node: e})
}

func castAllowed(from, to Type) bool {
	switch from {
	case TypeUnknown, TypeNull, TypeVarchar, TypeJSON:
		return true
	case TypeArray, TypeMap:
		return to == TypeVarchar || to == TypeJSON
	case TypeTimestamp:
		return to == TypeTimestamp || to == TypeVarchar || to == TypeBigint || to == TypeDouble
	case TypeVarbinary:
		return to == TypeVarbinary || to == TypeVarchar
	}
	return to != TypeVarbinary
}

func intRange(name string) (lo, hi int64) {
	switch name {
	case "integer", "int":
		return math.MinInt32, math.MaxInt32
	case "smallint":
		return math.MinInt16, math.MaxInt16
	case "tinyint":
		return math.MinInt8, math.MaxInt8
	}
	return math.MinInt64, math.MaxInt64
}

func castValue(c *evalCtx, n Node, v Value, to Type, name string, lo, hi int64, try bool) Value {
	if v.isNull() {
		return nullValue
	}
	r, ok := convert(c, v, to, lo, hi)
	if ok {
		return r
	}
	if try {
		return nullValue
	}
	s, _ := v.text(c.prog.loc)
	if v.t == TypeVarchar || v.t == TypeJSON {
		return c.fail(n, "cannot cast '%s' to %s", clip(s), name)
	}
	return c.fail(n, "cannot cast %s %s to %s", v.t, clip(s), name)
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// convert implements the conversions of cast, with Presto's rules where SLS
// documents none: double to integer rounds half away from zero, varchar to
// boolean accepts true/false/t/f/1/0.
func convert(c *evalCtx, v Value, to Type, lo, hi int64) (Value, bool) {
	switch to {
	case TypeBigint:
		var n int64
		switch v.t {
		case TypeBigint:
			n = v.i
		case TypeBoolean:
			n = v.i
		case TypeDouble:
			if math.IsNaN(v.f) || math.IsInf(v.f, 0) {
				return Value{}, false
			}
			r := math.Round(v.f)
			if r < -9.223372036854775808e18 || r >= 9.223372036854775808e18 {
				return Value{}, false
			}
			n = int64(r)
		case TypeTimestamp:
			n = v.i / 1e9
		case TypeVarchar, TypeJSON:
			s := v.s
			if v.t == TypeJSON {
				s = jsonScalarText(s)
			}
			var ok bool
			if n, ok = parseIntText(s); !ok {
				return Value{}, false
			}
		default:
			return Value{}, false
		}
		if n < lo || n > hi {
			return Value{}, false
		}
		return intV(n), true
	case TypeDouble:
		switch v.t {
		case TypeDouble:
			return v, true
		case TypeBigint, TypeBoolean:
			return dblV(float64(v.i)), true
		case TypeTimestamp:
			return dblV(float64(v.i) / 1e9), true
		case TypeVarchar, TypeJSON:
			s := v.s
			if v.t == TypeJSON {
				s = jsonScalarText(s)
			}
			if f, ok := parseDoubleText(s); ok {
				return dblV(f), true
			}
		}
		return Value{}, false
	case TypeVarchar:
		if v.t == TypeJSON {
			// cast(json as varchar) unwraps a JSON string, as in Presto.
			return strV(jsonScalarText(v.s)), true
		}
		s, _ := v.text(c.prog.loc)
		return strV(s), true
	case TypeBoolean:
		switch v.t {
		case TypeBoolean:
			return v, true
		case TypeBigint:
			return boolV(v.i != 0), true
		case TypeDouble:
			return boolV(v.f != 0), true
		case TypeVarchar, TypeJSON:
			s := v.s
			if v.t == TypeJSON {
				s = jsonScalarText(s)
			}
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "true", "t", "1":
				return boolV(true), true
			case "false", "f", "0":
				return boolV(false), true
			}
		}
		return Value{}, false
	case TypeTimestamp:
		switch v.t {
		case TypeTimestamp:
			return v, true
		case TypeVarchar:
			if ns, ok := parseTimestampText(v.s, c.prog.loc); ok {
				return tsV(ns), true
			}
		}
		return Value{}, false
	case TypeJSON:
		switch v.t {
		case TypeJSON:
			return v, true
		case TypeVarchar:
			// Presto: cast('abc' as json) is the JSON string "abc".
			return jsonV(string(appendJSONString(nil, v.s))), true
		}
		return jsonV(string(appendJSONValue(nil, v, c.prog.loc))), true
	case TypeVarbinary:
		if v.t == TypeVarchar || v.t == TypeVarbinary {
			return bytesV(v.s), true
		}
	}
	return Value{}, false
}

// timestampLayouts are the text forms cast(x as timestamp) reads.
var timestampLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseTimestampText reads a timestamp written as text; a time without a zone
// is wall time in the session zone.
func parseTimestampText(s string, loc *time.Location) (int64, bool) {
	s = strings.TrimSpace(s)
	for _, l := range timestampLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}
