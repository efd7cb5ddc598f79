package spl

import (
	"sort"
	"strconv"
)

// funcDef describes an SQL function available in SPL.
type funcDef struct {
	min, max int    // argument count; max < 0 means variadic
	args     []Type // expected static types by position (the last repeats); TypeUnknown accepts anything
	ret      Type   // result type; TypeUnknown with retFn for argument-dependent results
	retFn    func(args []cexpr) Type
	// impl computes the result. Unless nullOK, a NULL argument makes the
	// result NULL without calling impl.
	impl   func(c *evalCtx, e *Call, a []Value) Value
	nullOK bool
	// impure functions (now, rand) are never folded into constants.
	impure bool
	// sqlOnly functions exist in SLS SQL but not in SPL; Compile refuses them
	// unless Options.AllowSQLOnlyFunctions.
	sqlOnly bool
	// special compiles the call itself (regular expressions compiled once,
	// try()).
	special func(cc *compiler, e *Call, args []cexpr) cexpr
}

var funcs map[string]*funcDef

func init() {
	funcs = map[string]*funcDef{}
	for _, group := range []map[string]*funcDef{stringFuncs(), regexpFuncs(), jsonFuncs(), mathFuncs(), timeFuncs(), condFuncs(), urlFuncs(), hashFuncs()} {
		for n, f := range group {
			funcs[n] = f
		}
	}
}

// notInSPL are functions SLS documents as unavailable in SPL that slstail
// does not implement either.
var notInSPL = map[string]bool{
	"levenshtein_distance": true, "normalize": true, "split": true, "split_to_map": true, "position": true,
	"regexp_extract_all": true, "regexp_split": true, "regexp_extract_bool": true, "regexp_extract_long": true,
	"json_array_get": true, "json_extract_bool": true, "json_extract_long": true, "json_extract_double": true,
	"current_date": true, "current_time": true, "current_timestamp": true, "current_timezone": true,
	"date": true, "from_iso8601_date": true, "from_iso8601_timestamp": true, "localtime": true,
	"localtimestamp": true, "greatest": true, "least": true,
}

var aggregateFuncs = map[string]bool{
	"count": true, "count_if": true, "sum": true, "avg": true, "min": true, "max": true, "approx_distinct": true,
	"approx_percentile": true, "arbitrary": true, "array_agg": true, "bool_and": true, "bool_or": true,
	"every": true, "skewness": true, "kurtosis": true, "stddev": true, "variance": true, "max_by": true, "min_by": true,
}

func (cc *compiler) requireSQLOnly(sp Span, name string) {
	if !cc.opts.AllowSQLOnlyFunctions {
		cc.failSpan(sp, "unsupported function in SPL: %s (SLS supports it only in SQL analysis)", name)
	}
}

func (cc *compiler) call(e *Call) cexpr {
	nameSpan := Span{e.Start, e.NameEnd}
	if notInSPL[e.Name] {
		cc.failSpan(nameSpan, "unsupported function in SPL: %s (SLS supports it only in SQL analysis)", e.Name)
	}
	if aggregateFuncs[e.Name] {
		cc.failSpan(nameSpan, "aggregate function %s is not available in real-time consumption", e.Name)
	}
	def := funcs[e.Name]
	if def == nil {
		if s := suggest(e.Name); s != "" {
			cc.failSpan(nameSpan, "unknown function '%s', did you mean '%s'?", e.Name, s)
		}
		cc.failSpan(nameSpan, "unknown function '%s'", e.Name)
	}
	if def.sqlOnly {
		cc.requireSQLOnly(nameSpan, e.Name)
	}
	n := len(e.Args)
	if n < def.min || (def.max >= 0 && n > def.max) {
		cc.failf(e, "%s() takes %s, got %d", e.Name, arity(def), n)
	}
	args := make([]cexpr, n)
	for i, a := range e.Args {
		args[i] = cc.expr(a)
		if want := argType(def, i); want != TypeUnknown && !argTypeOK(args[i].t, want) {
			cc.failf(a, "argument %d of %s() must be %s, got %s", i+1, e.Name, want, args[i].t)
		}
	}
	if def.special != nil {
		return def.special(cc, e, args)
	}
	ret := def.ret
	if def.retFn != nil {
		ret = def.retFn(args)
	}
	fns := make([]evalFn, n)
	konst := !def.impure
	for i, a := range args {
		fns[i] = a.fn
		konst = konst && a.konst
	}
	impl, nullOK := def.impl, def.nullOK
	var fn evalFn
	switch n {
	case 1:
		f0 := fns[0]
		fn = func(c *evalCtx) Value {
			base := len(c.stack)
			v := f0(c)
			if v.isNull() && !nullOK {
				return nullValue
			}
			c.stack = append(c.stack, v)
			r := impl(c, e, c.stack[base:])
			c.stack = c.stack[:base]
			return r
		}
	default:
		fn = func(c *evalCtx) Value {
			base := len(c.stack)
			for _, f := range fns {
				v := f(c)
				if v.isNull() && !nullOK {
					c.stack = c.stack[:base]
					return nullValue
				}
				c.stack = append(c.stack, v)
			}
			r := impl(c, e, c.stack[base:])
			c.stack = c.stack[:base]
			return r
		}
	}
	return cc.fold(cexpr{t: ret, konst: konst, fn: fn, node: e})
}

func argType(def *funcDef, i int) Type {
	if len(def.args) == 0 {
		return TypeUnknown
	}
	if i >= len(def.args) {
		return def.args[len(def.args)-1]
	}
	return def.args[i]
}

// argTypeOK allows NULL and not-yet-known types everywhere, bigint where a
// double is expected, and JSON text where a varchar is expected.
func argTypeOK(got, want Type) bool {
	switch {
	case got == TypeUnknown || got == TypeNull || got == want:
		return true
	case want == TypeDouble && got == TypeBigint:
		return true
	case want == TypeVarchar && got == TypeJSON:
		return true
	case want == TypeJSON && got == TypeVarchar:
		return true
	}
	return false
}

func arity(def *funcDef) string {
	switch {
	case def.max < 0:
		return plural(def.min, "or more arguments")
	case def.min == def.max:
		if def.min == 1 {
			return "1 argument"
		}
		return plural(def.min, "arguments")
	}
	return strconv.Itoa(def.min) + " to " + strconv.Itoa(def.max) + " arguments"
}

func plural(n int, what string) string { return strconv.Itoa(n) + " " + what }

// suggest returns the known function closest to a misspelt name.
func suggest(name string) string {
	best, bestD := "", 3
	names := make([]string, 0, len(funcs))
	for n := range funcs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if d := editDistance(name, n); d < bestD && d <= max(1, len(name)/4) {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// str returns the text of a varchar (or JSON) argument, recording a row
// error for other types, which only reach here when the static type was
// unknown.
func (c *evalCtx) str(e *Call, i int, v Value) (string, bool) {
	switch v.t {
	case TypeVarchar, TypeJSON:
		return v.s, true
	}
	c.fail(e.Args[i], "argument %d of %s() must be varchar, got %s", i+1, e.Name, v.t)
	return "", false
}

func (c *evalCtx) integer(e *Call, i int, v Value) (int64, bool) {
	if v.t == TypeBigint {
		return v.i, true
	}
	c.fail(e.Args[i], "argument %d of %s() must be bigint, got %s", i+1, e.Name, v.t)
	return 0, false
}

func (c *evalCtx) number(e *Call, i int, v Value) (float64, bool) {
	if v.t.numeric() {
		return v.asFloat(), true
	}
	c.fail(e.Args[i], "argument %d of %s() must be a number, got %s", i+1, e.Name, v.t)
	return 0, false
}
