package spl

import (
	"strings"
	"unicode/utf8"
)

// like compiles "x [not] like pattern [escape e]": '%' matches any run of
// characters, '_' exactly one; the match is case-sensitive and covers the
// whole value.
func (cc *compiler) like(e *Like) cexpr {
	x, pat := cc.expr(e.X), cc.expr(e.Pattern)
	for _, o := range []cexpr{x, pat} {
		if o.t != TypeUnknown && o.t != TypeNull && o.t != TypeVarchar {
			cc.failf(o.node, "like needs varchar operands, got %s", o.t)
		}
	}
	var escFn evalFn
	esc := rune(-1)
	if e.Esc != nil {
		ec := cc.expr(e.Esc)
		if !ec.konst {
			escFn = ec.fn
		} else if v := ec.fn(nil); !v.isNull() {
			if v.t != TypeVarchar || utf8.RuneCountInString(v.s) != 1 {
				cc.failf(e.Esc, "escape must be a single character")
			}
			esc, _ = utf8.DecodeRuneInString(v.s)
		}
	}
	xf, not := x.fn, e.Not
	var match func(c *evalCtx, s string) Value
	if pat.konst && escFn == nil {
		pv := pat.fn(nil)
		if pv.isNull() {
			return constant(nullValue, e)
		}
		if esc >= 0 && !validEscapes(pv.s, esc) {
			cc.failf(e.Pattern, "escape character must be followed by '%%', '_' or itself")
		}
		m := compileLike(pv.s, esc)
		match = func(_ *evalCtx, s string) Value { return boolV(m(s) != not) }
	} else {
		pf := pat.fn
		match = func(c *evalCtx, s string) Value {
			pv := pf(c)
			if pv.isNull() {
				return nullValue
			}
			es := esc
			if escFn != nil {
				ev := escFn(c)
				if ev.isNull() {
					return nullValue
				}
				if utf8.RuneCountInString(ev.s) != 1 {
					return c.fail(e.Esc, "escape must be a single character")
				}
				es, _ = utf8.DecodeRuneInString(ev.s)
			}
			if es >= 0 && !validEscapes(pv.s, es) {
				return c.fail(e.Pattern, "escape character must be followed by '%%', '_' or itself")
			}
			return boolV(likeMatch(s, pv.s, es) != not)
		}
	}
	return cc.fold(cexpr{t: TypeBoolean, konst: x.konst && pat.konst && escFn == nil, node: e, fn: func(c *evalCtx) Value {
		v := xf(c)
		if v.isNull() {
			return nullValue
		}
		if v.t != TypeVarchar {
			return c.fail(e.X, "like needs a varchar, got %s", v.t)
		}
		return match(c, v.s)
	}})
}

func validEscapes(p string, esc rune) bool {
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		if rs[i] == esc {
			if i+1 >= len(rs) || (rs[i+1] != '%' && rs[i+1] != '_' && rs[i+1] != esc) {
				return false
			}
			i++
		}
	}
	return true
}

// compileLike specialises the common shapes ('abc', 'abc%', '%abc',
// '%abc%') into plain string tests.
func compileLike(p string, esc rune) func(string) bool {
	if esc < 0 && !strings.Contains(p, "_") {
		inner := strings.Trim(p, "%")
		if !strings.Contains(inner, "%") {
			lead, trail := strings.HasPrefix(p, "%"), strings.HasSuffix(p, "%") && len(p) > 1
			switch {
			case lead && trail:
				return func(s string) bool { return strings.Contains(s, inner) }
			case lead:
				return func(s string) bool { return strings.HasSuffix(s, inner) }
			case trail:
				return func(s string) bool { return strings.HasPrefix(s, inner) }
			default:
				return func(s string) bool { return s == p }
			}
		}
	}
	return func(s string) bool { return likeMatch(s, p, esc) }
}

// likeMatch is wildcard matching with backtracking to the last '%', linear
// in practice and never exponential.
func likeMatch(s, p string, esc rune) bool {
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			pr, pn := utf8.DecodeRuneInString(p[pi:])
			switch {
			case pr == esc && pi+pn < len(p):
				lr, ln := utf8.DecodeRuneInString(p[pi+pn:])
				sr, sn := utf8.DecodeRuneInString(s[si:])
				if sr == lr {
					pi += pn + ln
					si += sn
					continue
				}
			case pr == '%':
				starP, starS = pi+pn, si
				pi += pn
				continue
			case pr == '_':
				_, sn := utf8.DecodeRuneInString(s[si:])
				si += sn
				pi += pn
				continue
			default:
				sr, sn := utf8.DecodeRuneInString(s[si:])
				if sr == pr {
					si += sn
					pi += pn
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, sn := utf8.DecodeRuneInString(s[starS:])
		starS += sn
		si, pi = starS, starP
	}
	for pi < len(p) {
		pr, pn := utf8.DecodeRuneInString(p[pi:])
		if pr != '%' {
			return false
		}
		pi += pn
	}
	return true
}
