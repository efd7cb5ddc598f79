package spl

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Type is an SQL type, used both for static checking (where TypeUnknown
// means "decided per row") and as the kind of a runtime Value.
type Type uint8

const (
	TypeUnknown Type = iota
	TypeNull
	TypeBoolean
	TypeBigint
	TypeDouble
	TypeVarchar
	TypeTimestamp
	TypeJSON
	TypeVarbinary
	TypeArray
	TypeMap
)

var typeNames = [...]string{"unknown", "null", "boolean", "bigint", "double", "varchar", "timestamp", "json", "varbinary", "array", "map"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "type(?)"
}

func (t Type) numeric() bool { return t == TypeBigint || t == TypeDouble }

// Value is one SQL value. It is a plain struct, passed by value, so that
// evaluating an expression allocates nothing for scalars.
type Value struct {
	t Type
	i int64   // bigint; boolean (0/1); timestamp (unix nanoseconds)
	f float64 // double
	s string  // varchar; json text; varbinary bytes
	c *composite
}

// composite holds ARRAY elements, or MAP keys and values.
type composite struct {
	keys []Value // map only
	vals []Value
}

var nullValue = Value{t: TypeNull}

func strV(s string) Value     { return Value{t: TypeVarchar, s: s} }
func intV(i int64) Value      { return Value{t: TypeBigint, i: i} }
func dblV(f float64) Value    { return Value{t: TypeDouble, f: f} }
func jsonV(s string) Value    { return Value{t: TypeJSON, s: s} }
func bytesV(s string) Value   { return Value{t: TypeVarbinary, s: s} }
func tsV(nanos int64) Value   { return Value{t: TypeTimestamp, i: nanos} }
func arrV(vals []Value) Value { return Value{t: TypeArray, c: &composite{vals: vals}} }
func (v Value) isNull() bool  { return v.t == TypeNull || v.t == TypeUnknown }
func (v Value) truthy() bool  { return v.t == TypeBoolean && v.i != 0 }
func (v Value) asFloat() float64 {
	if v.t == TypeBigint {
		return float64(v.i)
	}
	return v.f
}

func boolV(b bool) Value {
	if b {
		return Value{t: TypeBoolean, i: 1}
	}
	return Value{t: TypeBoolean}
}

// text renders a value the way it is written into a log field. ok is false
// for NULL, which is not written at all.
func (v Value) text(loc *time.Location) (s string, ok bool) {
	switch v.t {
	case TypeVarchar, TypeJSON:
		return v.s, true
	case TypeBigint:
		return strconv.FormatInt(v.i, 10), true
	case TypeDouble:
		return formatDouble(v.f), true
	case TypeBoolean:
		if v.i != 0 {
			return "true", true
		}
		return "false", true
	case TypeTimestamp:
		return formatTimestamp(v.i, loc), true
	case TypeVarbinary:
		return strings.ToUpper(hexString(v.s)), true
	case TypeArray, TypeMap:
		var b []byte
		b = appendJSONValue(b, v, loc)
		return string(b), true
	}
	return "", false
}

// formatDouble renders a double as Presto/Velox do (Java's Double.toString):
// plain decimal with at least one fractional digit for 1e-3 <= |x| < 1e7,
// scientific "1.0E10" otherwise.
func formatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.ContainsRune(s, '.') {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, 64) // 1.5E+10
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.ContainsRune(mant, '.') {
		mant += ".0"
	}
	exp = strings.TrimPrefix(exp, "+")
	if strings.HasPrefix(exp, "-") {
		exp = "-" + strings.TrimLeft(exp[1:], "0")
	} else {
		exp = strings.TrimLeft(exp, "0")
	}
	return mant + "E" + exp
}

// formatTimestamp renders a timestamp in the session zone as
// "2006-01-02 15:04:05.000", the form SLS shows for TIMESTAMP values.
func formatTimestamp(nanos int64, loc *time.Location) string {
	return time.Unix(0, nanos).In(loc).Format("2006-01-02 15:04:05.000")
}

func hexString(s string) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 2*len(s))
	for i := 0; i < len(s); i++ {
		b[2*i] = digits[s[i]>>4]
		b[2*i+1] = digits[s[i]&15]
	}
	return string(b)
}

// appendJSONValue renders arrays and maps as JSON, the closest thing to a
// documented text form for them.
func appendJSONValue(b []byte, v Value, loc *time.Location) []byte {
	switch v.t {
	case TypeNull, TypeUnknown:
		return append(b, "null"...)
	case TypeBigint:
		return strconv.AppendInt(b, v.i, 10)
	case TypeDouble:
		if math.IsNaN(v.f) || math.IsInf(v.f, 0) {
			return appendJSONString(b, formatDouble(v.f))
		}
		return strconv.AppendFloat(b, v.f, 'g', -1, 64)
	case TypeBoolean:
		return strconv.AppendBool(b, v.i != 0)
	case TypeJSON:
		return append(b, v.s...)
	case TypeArray:
		b = append(b, '[')
		for i, e := range v.c.vals {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONValue(b, e, loc)
		}
		return append(b, ']')
	case TypeMap:
		b = append(b, '{')
		for i, k := range v.c.keys {
			if i > 0 {
				b = append(b, ',')
			}
			ks, _ := k.text(loc)
			b = appendJSONString(b, ks)
			b = append(b, ':')
			b = appendJSONValue(b, v.c.vals[i], loc)
		}
		return append(b, '}')
	}
	s, _ := v.text(loc)
	return appendJSONString(b, s)
}

// parseIntText parses a bigint the way cast(varchar as bigint) does:
// surrounding spaces allowed, nothing else.
func parseIntText(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	t := strings.TrimSpace(s)
	if t == s || t == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(t, 10, 64)
	return n, err == nil
}

func parseDoubleText(s string) (float64, bool) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "nan":
		return math.NaN(), true
	case "infinity", "+infinity":
		return math.Inf(1), true
	case "-infinity":
		return math.Inf(-1), true
	}
	if t == "" || strings.ContainsAny(t, "xXpP_") { // refuse Go-only syntaxes (hex floats, underscores)
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}
