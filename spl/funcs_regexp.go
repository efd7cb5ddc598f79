package spl

import (
	"regexp"
	"strconv"
	"strings"
)

// Regular expressions are RE2, which Go's regexp implements. A constant
// pattern is compiled once, and a bad one is a query error pointing at it.

func regexpFuncs() map[string]*funcDef {
	return map[string]*funcDef{
		"regexp_like":    {min: 2, max: 2, args: vvv, special: regexpSpecial(TypeBoolean, regexpLike)},
		"regexp_extract": {min: 2, max: 3, args: []Type{TypeVarchar, TypeVarchar, TypeBigint}, special: regexpSpecial(TypeVarchar, regexpExtract)},
		"regexp_replace": {min: 2, max: 3, args: []Type{TypeVarchar, TypeVarchar, TypeVarchar}, special: regexpSpecial(TypeVarchar, regexpReplace)},
	}
}

type regexpImpl func(c *evalCtx, e *Call, re *regexp.Regexp, s string, rest []Value) Value

func compilePattern(p string) (*regexp.Regexp, error) {
	return regexp.Compile(p)
}

func regexpSpecial(ret Type, impl regexpImpl) func(cc *compiler, e *Call, args []cexpr) cexpr {
	return func(cc *compiler, e *Call, args []cexpr) cexpr {
		xf, pat := args[0].fn, args[1]
		rest := make([]evalFn, len(args)-2)
		konst := args[0].konst && pat.konst
		for i, a := range args[2:] {
			rest[i] = a.fn
			konst = konst && a.konst
		}
		var fixed *regexp.Regexp
		if pat.konst {
			pv := pat.fn(nil)
			if pv.isNull() {
				return constant(nullValue, e)
			}
			re, err := compilePattern(pv.s)
			if err != nil {
				cc.failf(e.Args[1], "invalid regular expression: %v", reErr(err))
			}
			fixed = re
			if e.Name == "regexp_extract" && len(args) == 3 && args[2].konst {
				if g := args[2].fn(nil); g.t == TypeBigint && (g.i < 0 || g.i > int64(re.NumSubexp())) {
					cc.failf(e.Args[2], "regexp_extract(): group %d does not exist, the pattern has %d", g.i, re.NumSubexp())
				}
			}
		}
		pf := pat.fn
		fn := func(c *evalCtx) Value {
			v := xf(c)
			if v.isNull() {
				return nullValue
			}
			s, ok := c.str(e, 0, v)
			if !ok {
				return nullValue
			}
			re := fixed
			if re == nil {
				pv := pf(c)
				if pv.isNull() {
					return nullValue
				}
				var err error
				if re, err = compilePattern(pv.s); err != nil {
					return c.fail(e.Args[1], "invalid regular expression: %v", reErr(err))
				}
			}
			base := len(c.stack)
			for _, f := range rest {
				rv := f(c)
				if rv.isNull() {
					c.stack = c.stack[:base]
					return nullValue
				}
				c.stack = append(c.stack, rv)
			}
			r := impl(c, e, re, s, c.stack[base:])
			c.stack = c.stack[:base]
			return r
		}
		return cc.fold(cexpr{t: ret, konst: konst, fn: fn, node: e})
	}
}

// reErr drops Go's "error parsing regexp: " prefix, which repeats our own.
func reErr(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

// regexpLike is a search, not a full match: anchor with ^...$ for that.
func regexpLike(_ *evalCtx, _ *Call, re *regexp.Regexp, s string, _ []Value) Value {
	return boolV(re.MatchString(s))
}

func regexpExtract(c *evalCtx, e *Call, re *regexp.Regexp, s string, rest []Value) Value {
	group := int64(0)
	if len(rest) == 1 {
		var ok bool
		if group, ok = c.integer(e, 2, rest[0]); !ok {
			return nullValue
		}
		if group < 0 || group > int64(re.NumSubexp()) {
			return c.fail(e.Args[2], "regexp_extract(): group %d does not exist, the pattern has %d", group, re.NumSubexp())
		}
	}
	if group == 0 {
		loc := re.FindStringIndex(s)
		if loc == nil {
			return nullValue
		}
		return strV(s[loc[0]:loc[1]])
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil || m[2*group] < 0 {
		return nullValue
	}
	return strV(s[m[2*group]:m[2*group+1]])
}

func regexpReplace(c *evalCtx, e *Call, re *regexp.Regexp, s string, rest []Value) Value {
	repl := ""
	if len(rest) == 1 {
		var ok bool
		if repl, ok = c.str(e, 2, rest[0]); !ok {
			return nullValue
		}
	}
	return strV(re.ReplaceAllString(s, goReplacement(repl)))
}

// goReplacement translates SLS group references (\1, as the SLS examples
// write them, and $1, as Presto does) to Go's ${1}, and escapes every other
// '$' so it stays literal.
func goReplacement(r string) string {
	if !strings.ContainsAny(r, `\$`) {
		return r
	}
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		c := r[i]
		if (c == '\\' || c == '$') && i+1 < len(r) && isDigit(r[i+1]) {
			j := i + 1
			for j < len(r) && isDigit(r[j]) && j < i+3 {
				j++
			}
			n, _ := strconv.Atoi(r[i+1 : j])
			b.WriteString("${" + strconv.Itoa(n) + "}")
			i = j - 1
			continue
		}
		if c == '$' {
			b.WriteString("$$")
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
