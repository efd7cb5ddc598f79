package spl

import (
	"strings"
	"unicode/utf8"
)

var (
	vv  = []Type{TypeVarchar}
	vvv = []Type{TypeVarchar, TypeVarchar}
)

func strFn(f func(string) string) func(c *evalCtx, e *Call, a []Value) Value {
	return func(c *evalCtx, e *Call, a []Value) Value {
		s, ok := c.str(e, 0, a[0])
		if !ok {
			return nullValue
		}
		return strV(f(s))
	}
}

func stringFuncs() map[string]*funcDef {
	return map[string]*funcDef{
		"lower":   {min: 1, max: 1, args: vv, ret: TypeVarchar, impl: strFn(strings.ToLower)},
		"upper":   {min: 1, max: 1, args: vv, ret: TypeVarchar, impl: strFn(strings.ToUpper)},
		"trim":    {min: 1, max: 1, args: vv, ret: TypeVarchar, impl: strFn(func(s string) string { return strings.Trim(s, " ") })},
		"ltrim":   {min: 1, max: 1, args: vv, ret: TypeVarchar, impl: strFn(func(s string) string { return strings.TrimLeft(s, " ") })},
		"rtrim":   {min: 1, max: 1, args: vv, ret: TypeVarchar, impl: strFn(func(s string) string { return strings.TrimRight(s, " ") })},
		"reverse": {min: 1, max: 1, args: vv, ret: TypeVarchar, impl: strFn(reverseString)},
		"length": {min: 1, max: 1, args: vv, ret: TypeBigint, impl: func(c *evalCtx, e *Call, a []Value) Value {
			s, ok := c.str(e, 0, a[0])
			if !ok {
				return nullValue
			}
			return intV(int64(utf8.RuneCountInString(s)))
		}},
		"substr":    {min: 2, max: 3, args: []Type{TypeVarchar, TypeBigint, TypeBigint}, ret: TypeVarchar, impl: substr},
		"substring": {min: 2, max: 3, args: []Type{TypeVarchar, TypeBigint, TypeBigint}, ret: TypeVarchar, impl: substr},
		"strpos": {min: 2, max: 2, args: vvv, ret: TypeBigint, impl: func(c *evalCtx, e *Call, a []Value) Value {
			s, ok1 := c.str(e, 0, a[0])
			sub, ok2 := c.str(e, 1, a[1])
			if !ok1 || !ok2 {
				return nullValue
			}
			i := strings.Index(s, sub)
			if i < 0 {
				return intV(0)
			}
			return intV(int64(utf8.RuneCountInString(s[:i]) + 1)) // 1-based, in characters
		}},
		"starts_with": {min: 2, max: 2, args: vvv, ret: TypeBoolean, impl: func(c *evalCtx, e *Call, a []Value) Value {
			s, ok1 := c.str(e, 0, a[0])
			p, ok2 := c.str(e, 1, a[1])
			if !ok1 || !ok2 {
				return nullValue
			}
			return boolV(strings.HasPrefix(s, p))
		}},
		"split_part": {min: 3, max: 3, args: []Type{TypeVarchar, TypeVarchar, TypeBigint}, ret: TypeVarchar, impl: splitPart},
		"concat": {min: 1, max: -1, args: vv, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			n := 0
			for i, v := range a {
				s, ok := c.str(e, i, v)
				if !ok {
					return nullValue
				}
				n += len(s)
			}
			var b strings.Builder
			b.Grow(n)
			for _, v := range a {
				b.WriteString(v.s)
			}
			return strV(b.String())
		}},
		"replace": {min: 2, max: 3, args: []Type{TypeVarchar, TypeVarchar, TypeVarchar}, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			s, ok1 := c.str(e, 0, a[0])
			old, ok2 := c.str(e, 1, a[1])
			if !ok1 || !ok2 {
				return nullValue
			}
			repl := ""
			if len(a) == 3 {
				var ok bool
				if repl, ok = c.str(e, 2, a[2]); !ok {
					return nullValue
				}
			}
			if old == "" {
				return strV(s) // Presto inserts between characters; SLS does not say, keep the text
			}
			return strV(strings.ReplaceAll(s, old, repl))
		}},
		"lpad": {min: 3, max: 3, args: []Type{TypeVarchar, TypeBigint, TypeVarchar}, ret: TypeVarchar, impl: pad(true)},
		"rpad": {min: 3, max: 3, args: []Type{TypeVarchar, TypeBigint, TypeVarchar}, ret: TypeVarchar, impl: pad(false)},
		"chr": {min: 1, max: 1, args: []Type{TypeBigint}, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			n, ok := c.integer(e, 0, a[0])
			if !ok {
				return nullValue
			}
			if n < 0 || n > utf8.MaxRune || !utf8.ValidRune(rune(n)) {
				return c.fail(e, "chr(): %d is not a valid code point", n)
			}
			return strV(string(rune(n)))
		}},
		"codepoint": {min: 1, max: 1, args: vv, ret: TypeBigint, impl: func(c *evalCtx, e *Call, a []Value) Value {
			s, ok := c.str(e, 0, a[0])
			if !ok {
				return nullValue
			}
			if utf8.RuneCountInString(s) != 1 {
				return c.fail(e, "codepoint() needs a single character, got %d", utf8.RuneCountInString(s))
			}
			r, _ := utf8.DecodeRuneInString(s)
			return intV(int64(r))
		}},
		"to_utf8": {min: 1, max: 1, args: vv, ret: TypeVarbinary, impl: func(c *evalCtx, e *Call, a []Value) Value {
			s, ok := c.str(e, 0, a[0])
			if !ok {
				return nullValue
			}
			return bytesV(s)
		}},
		"from_utf8": {min: 1, max: 2, args: []Type{TypeVarbinary, TypeVarchar}, ret: TypeVarchar, impl: func(c *evalCtx, e *Call, a []Value) Value {
			if a[0].t != TypeVarbinary {
				return c.fail(e.Args[0], "from_utf8() needs varbinary, got %s", a[0].t)
			}
			repl := "\ufffd"
			if len(a) == 2 {
				repl = a[1].s
			}
			return strV(strings.ToValidUTF8(a[0].s, repl))
		}},
	}
}

func reverseString(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}

// substr is 1-based and counts characters; a negative start counts from
// the end; a start of 0 or past the end gives ”.
func substr(c *evalCtx, e *Call, a []Value) Value {
	s, ok := c.str(e, 0, a[0])
	if !ok {
		return nullValue
	}
	start, ok := c.integer(e, 1, a[1])
	if !ok {
		return nullValue
	}
	n := int64(utf8.RuneCountInString(s))
	length := n
	if len(a) == 3 {
		if length, ok = c.integer(e, 2, a[2]); !ok {
			return nullValue
		}
	}
	if start == 0 || length <= 0 {
		return strV("")
	}
	if start < 0 {
		start = n + start + 1
		if start < 1 {
			return strV("")
		}
	}
	if start > n {
		return strV("")
	}
	end := start - 1 + length
	if end > n || end < 0 {
		end = n
	}
	if n == int64(len(s)) { // ASCII
		return strV(s[start-1 : end])
	}
	rs := []rune(s)
	return strV(string(rs[start-1 : end]))
}

func splitPart(c *evalCtx, e *Call, a []Value) Value {
	s, ok1 := c.str(e, 0, a[0])
	d, ok2 := c.str(e, 1, a[1])
	idx, ok3 := c.integer(e, 2, a[2])
	if !ok1 || !ok2 || !ok3 {
		return nullValue
	}
	if idx < 1 {
		return c.fail(e.Args[2], "split_part(): index must be greater than zero, got %d", idx)
	}
	if d == "" {
		if idx == 1 {
			return strV(s)
		}
		return nullValue
	}
	for i := int64(1); ; i++ {
		j := strings.Index(s, d)
		if i == idx {
			if j < 0 {
				return strV(s)
			}
			return strV(s[:j])
		}
		if j < 0 {
			return nullValue
		}
		s = s[j+len(d):]
	}
}

func pad(left bool) func(c *evalCtx, e *Call, a []Value) Value {
	return func(c *evalCtx, e *Call, a []Value) Value {
		s, ok1 := c.str(e, 0, a[0])
		n, ok2 := c.integer(e, 1, a[1])
		p, ok3 := c.str(e, 2, a[2])
		if !ok1 || !ok2 || !ok3 {
			return nullValue
		}
		if n < 0 || n > 1<<20 {
			return c.fail(e.Args[1], "%s(): target length %d out of range", e.Name, n)
		}
		rs := []rune(s)
		if int64(len(rs)) >= n {
			return strV(string(rs[:n]))
		}
		if p == "" {
			return c.fail(e.Args[2], "%s(): padding string must not be empty", e.Name)
		}
		pr := []rune(p)
		fill := make([]rune, 0, n-int64(len(rs)))
		for i := 0; int64(len(fill)) < n-int64(len(rs)); i++ {
			fill = append(fill, pr[i%len(pr)])
		}
		if left {
			return strV(string(fill) + s)
		}
		return strV(s + string(fill))
	}
}
