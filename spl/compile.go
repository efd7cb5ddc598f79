package spl

import (
	"fmt"
	"math"
	"strings"
	"sync/atomic"
)

// The compiler checks the AST and turns it into closures in one pass: every
// expression becomes an evalFn with a static type (TypeUnknown when only the
// row can tell), and every stage an execFn chained to the next.

type evalFn func(c *evalCtx) Value

type cexpr struct {
	fn    evalFn
	t     Type
	konst bool // fn returns the same value for every row
	node  Expr
}

type compiler struct {
	q    string
	opts Options
	// env holds the static type of fields assigned earlier in the pipeline.
	// A field not in env has its input type: varchar (a log's contents), or
	// bigint for the time fields.
	env map[string]Type
}

type compileError struct{ err *Error }

func newCompiler(q string, opts Options) *compiler {
	return &compiler{q: q, opts: opts, env: map[string]Type{}}
}

func (cc *compiler) failf(n Node, format string, args ...any) {
	sp := n.span()
	panic(compileError{errorf(cc.q, sp.Start, sp.End, format, args...)})
}

func (cc *compiler) failSpan(sp Span, format string, args ...any) {
	panic(compileError{errorf(cc.q, sp.Start, sp.End, format, args...)})
}

func (cc *compiler) compileQuery(q *Query) (head execFn, err *Error) {
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			head, err = nil, ce.err
		}
	}()
	builders := make([]func(next execFn) execFn, len(q.Stages))
	for i, st := range q.Stages {
		builders[i] = cc.compileStage(st)
	}
	head = func(c *evalCtx, r *row) { c.output(r) }
	for i := len(builders) - 1; i >= 0; i-- {
		head = builders[i](head)
	}
	return head, nil
}

// fieldType is the static type of field name at this point of the pipeline.
func (cc *compiler) fieldType(name string) Type {
	if t, ok := cc.env[name]; ok {
		return t
	}
	if isTimeField(name) {
		return TypeBigint
	}
	return TypeVarchar
}

// dynamicWrite records that a stage may have written varchar values under
// names only the data knows (parse-json, parse-kv): a field typed by an
// earlier extend may now hold either type.
func (cc *compiler) dynamicWrite() {
	for k, t := range cc.env {
		if t != TypeVarchar && !isTimeField(k) {
			cc.env[k] = TypeUnknown
		}
	}
}

// --- runtime errors ---

func (c *evalCtx) fail(n Node, format string, args ...any) Value {
	if c.err == nil {
		line, col := lineCol(c.prog.query, n.span().Start)
		c.err = &RuntimeError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
	}
	return nullValue
}

// stageErr names the instruction in a runtime error raised by one of its expressions.
func (c *evalCtx) stageErr(name string) {
	if re, ok := c.err.(*RuntimeError); ok && re.Instruction == "" {
		re.Instruction = name
	}
}

// --- expressions ---

func (cc *compiler) expr(e Expr) cexpr {
	var ce cexpr
	switch e := e.(type) {
	case *Literal:
		ce = cc.literal(e)
	case *FieldRef:
		ce = cc.fieldRef(e)
	case *Unary:
		ce = cc.unary(e)
	case *Binary:
		ce = cc.binary(e)
	case *Between:
		ce = cc.between(e)
	case *Like:
		ce = cc.like(e)
	case *In:
		ce = cc.in(e)
	case *IsNull:
		ce = cc.isNull(e)
	case *Case:
		ce = cc.caseExpr(e)
	case *Cast:
		ce = cc.cast(e)
	case *Call:
		ce = cc.call(e)
	case *Subscript:
		ce = cc.subscript(e)
	case *ArrayLit:
		ce = cc.arrayLit(e)
	default:
		cc.failf(e, "unsupported expression")
	}
	ce.node = e
	return ce
}

// fold evaluates a constant expression once at compile time. A constant
// that fails (cast('x' as bigint)) is left to fail per row, as SLS would.
func (cc *compiler) fold(ce cexpr) cexpr {
	if !ce.konst {
		return ce
	}
	c := &evalCtx{prog: &Program{query: cc.q, loc: cc.opts.Location, now: cc.opts.Now}}
	v := ce.fn(c)
	if c.err != nil {
		ce.konst = false
		return ce
	}
	return constant(v, ce.node)
}

func constant(v Value, n Expr) cexpr {
	t := v.t
	return cexpr{fn: func(*evalCtx) Value { return v }, t: t, konst: true, node: n}
}

func (cc *compiler) literal(l *Literal) cexpr {
	switch l.Kind {
	case LitNull:
		return constant(nullValue, l)
	case LitString:
		return constant(strV(l.Text), l)
	case LitBool:
		return constant(boolV(l.Text == "true"), l)
	case LitInt:
		if n, ok := parseIntText(l.Text); ok {
			return constant(intV(n), l)
		}
		// Too large for bigint: SQL reads it as a decimal; we use double.
		f, _ := parseDoubleText(l.Text)
		return constant(dblV(f), l)
	case LitDouble:
		f, ok := parseDoubleText(l.Text)
		if !ok {
			cc.failf(l, "invalid number %s", l.Text)
		}
		return constant(dblV(f), l)
	}
	cc.failf(l, "unknown literal")
	return cexpr{}
}

func (cc *compiler) fieldRef(f *FieldRef) cexpr {
	name := f.Name
	// Logs of one logstore mostly share a shape, so the field's index in
	// the previous row is a good first guess. The hint is shared by all
	// goroutines running the program, hence atomic.
	var hint atomic.Int32
	fn := func(c *evalCtx) Value {
		fs := c.cur.fields
		if h := int(hint.Load()); h < len(fs) && fs[h].key == name {
			return fs[h].val
		}
		for i := range fs {
			if fs[i].key == name {
				hint.Store(int32(i))
				return fs[i].val
			}
		}
		return nullValue
	}
	return cexpr{fn: fn, t: cc.fieldType(name)}
}

func (cc *compiler) unary(u *Unary) cexpr {
	x := cc.expr(u.X)
	switch u.Op {
	case "not":
		cc.wantBool(x, "not")
		xf := x.fn
		return cc.fold(cexpr{t: TypeBoolean, konst: x.konst, fn: func(c *evalCtx) Value {
			v := xf(c)
			if v.isNull() {
				return nullValue
			}
			if v.t != TypeBoolean {
				return c.fail(u, "'not' needs a boolean, got %s", v.t)
			}
			return boolV(v.i == 0)
		}, node: u})
	case "+":
		cc.wantNumeric(x, "unary '+'")
		return x
	default: // "-"
		cc.wantNumeric(x, "unary '-'")
		xf := x.fn
		return cc.fold(cexpr{t: x.t, konst: x.konst, node: u, fn: func(c *evalCtx) Value {
			v := xf(c)
			switch v.t {
			case TypeBigint:
				if v.i == -v.i && v.i != 0 {
					return c.fail(u, "bigint overflow negating %d", v.i)
				}
				return intV(-v.i)
			case TypeDouble:
				return dblV(-v.f)
			case TypeNull:
				return nullValue
			}
			return c.fail(u, "unary '-' needs a number, got %s", v.t)
		}})
	}
}

func (cc *compiler) wantBool(x cexpr, what string) {
	if x.t != TypeUnknown && x.t != TypeNull && x.t != TypeBoolean {
		cc.failf(x.node, "%s needs a boolean operand, got %s", what, x.t)
	}
}

func (cc *compiler) wantNumeric(x cexpr, what string) {
	if x.t != TypeUnknown && x.t != TypeNull && !x.t.numeric() {
		hint := ""
		if x.t == TypeVarchar {
			hint = "; cast it first, e.g. cast(x as bigint)"
		}
		cc.failf(x.node, "%s needs a number, got %s%s", what, x.t, hint)
	}
}

func (cc *compiler) binary(b *Binary) cexpr {
	switch b.Op {
	case "and", "or":
		return cc.logical(b)
	case "=", "<>", "<", ">", "<=", ">=":
		return cc.comparison(b)
	case "||":
		return cc.concatOp(b)
	default:
		return cc.arithmetic(b)
	}
}

func (cc *compiler) logical(b *Binary) cexpr {
	l, r := cc.expr(b.L), cc.expr(b.R)
	cc.wantBool(l, "'"+b.Op+"'")
	cc.wantBool(r, "'"+b.Op+"'")
	lf, rf := l.fn, r.fn
	isAnd := b.Op == "and"
	fn := func(c *evalCtx) Value {
		// SQL three-valued logic with short-circuit.
		lv := lf(c)
		if lv.t == TypeBoolean && (lv.i != 0) != isAnd {
			return lv // false and ... / true or ...
		}
		if !lv.isNull() && lv.t != TypeBoolean {
			return c.fail(b.L, "'%s' needs a boolean operand, got %s", b.Op, lv.t)
		}
		rv := rf(c)
		if !rv.isNull() && rv.t != TypeBoolean {
			return c.fail(b.R, "'%s' needs a boolean operand, got %s", b.Op, rv.t)
		}
		if rv.t == TypeBoolean && (rv.i != 0) != isAnd {
			return rv
		}
		if lv.isNull() || rv.isNull() {
			return nullValue
		}
		return rv
	}
	return cc.fold(cexpr{t: TypeBoolean, konst: l.konst && r.konst, fn: fn, node: b})
}

// comparable reports whether two static types can be compared; unknown
// types are checked per row.
func comparableTypes(a, b Type) bool {
	if a == TypeUnknown || b == TypeUnknown || a == TypeNull || b == TypeNull || a == b {
		return true
	}
	if a.numeric() && b.numeric() {
		return true
	}
	// slstail rule (spl.md §5.2): varchar compares with numbers by reading the
	// varchar as a number, and with timestamps by parsing it.
	if a == TypeVarchar && (b.numeric() || b == TypeTimestamp || b == TypeJSON) ||
		b == TypeVarchar && (a.numeric() || a == TypeTimestamp || a == TypeJSON) {
		return true
	}
	return false
}

func (cc *compiler) comparison(b *Binary) cexpr {
	l, r := cc.expr(b.L), cc.expr(b.R)
	if !comparableTypes(l.t, r.t) || l.t == TypeArray || l.t == TypeMap || r.t == TypeArray || r.t == TypeMap {
		cc.failSpan(Span{b.OpAt, b.OpAt + len(b.Op)}, "cannot compare %s with %s", l.t, r.t)
	}
	test := cmpTest(b.Op)
	lf, rf := l.fn, r.fn
	// Fast path for the common filter "cast(x as bigint) >= 500".
	if r.konst && l.t == TypeBigint {
		if k := r.fn(nil); k.t == TypeBigint {
			ki := k.i
			return cexpr{t: TypeBoolean, node: b, fn: func(c *evalCtx) Value {
				v := lf(c)
				if v.t == TypeBigint {
					switch {
					case v.i < ki:
						return boolV(test(-1))
					case v.i > ki:
						return boolV(test(1))
					}
					return boolV(test(0))
				}
				return compareValues(c, b, v, k, test)
			}}
		}
	}
	fn := func(c *evalCtx) Value {
		return compareValues(c, b, lf(c), rf(c), test)
	}
	return cc.fold(cexpr{t: TypeBoolean, konst: l.konst && r.konst, fn: fn, node: b})
}

func cmpTest(op string) func(int) bool {
	switch op {
	case "=":
		return func(c int) bool { return c == 0 }
	case "<>":
		return func(c int) bool { return c != 0 }
	case "<":
		return func(c int) bool { return c < 0 }
	case ">":
		return func(c int) bool { return c > 0 }
	case "<=":
		return func(c int) bool { return c <= 0 }
	default:
		return func(c int) bool { return c >= 0 }
	}
}

func compareValues(c *evalCtx, n Node, a, b Value, test func(int) bool) Value {
	if a.isNull() || b.isNull() {
		return nullValue
	}
	r, ok, err := compare(c, a, b)
	if err != "" {
		return c.fail(n, "%s", err)
	}
	if !ok {
		return nullValue
	}
	return boolV(test(r))
}

// compare orders two non-null values. ok is false when a varchar does not
// read as the other side's type (the comparison is then NULL, dropping the
// row in where). errMsg is set for types that cannot be compared at all.
func compare(c *evalCtx, a, b Value) (r int, ok bool, errMsg string) {
	if a.t == b.t {
		switch a.t {
		case TypeVarchar, TypeJSON, TypeVarbinary:
			return strings.Compare(a.s, b.s), true, ""
		case TypeBigint, TypeBoolean, TypeTimestamp:
			return cmpInt(a.i, b.i), true, ""
		case TypeDouble:
			return cmpFloat(a.f, b.f)
		case TypeArray, TypeMap:
			return 0, false, fmt.Sprintf("cannot compare %s values", a.t)
		}
	}
	if a.t.numeric() && b.t.numeric() {
		return cmpFloat(a.asFloat(), b.asFloat())
	}
	if a.t == TypeVarchar || b.t == TypeVarchar {
		swap := false
		if b.t == TypeVarchar {
			a, b, swap = b, a, true
		}
		av, ok := coerceVarchar(c, a.s, b.t)
		if !ok {
			if b.t == TypeBigint || b.t == TypeDouble || b.t == TypeTimestamp || b.t == TypeJSON {
				return 0, false, ""
			}
			return 0, false, fmt.Sprintf("cannot compare varchar with %s", b.t)
		}
		r, ok, msg := compare(c, av, b)
		if swap {
			r = -r
		}
		return r, ok, msg
	}
	if a.t == TypeJSON || b.t == TypeJSON {
		at, _ := a.text(c.prog.loc)
		bt, _ := b.text(c.prog.loc)
		return strings.Compare(at, bt), true, ""
	}
	return 0, false, fmt.Sprintf("cannot compare %s with %s", a.t, b.t)
}

// coerceVarchar reads s as a value of type t for a comparison.
func coerceVarchar(c *evalCtx, s string, t Type) (Value, bool) {
	switch t {
	case TypeBigint, TypeDouble:
		if n, ok := parseIntText(s); ok {
			return intV(n), true
		}
		if f, ok := parseDoubleText(s); ok {
			return dblV(f), true
		}
	case TypeTimestamp:
		if ns, ok := parseTimestampText(s, c.prog.loc); ok {
			return tsV(ns), true
		}
	case TypeJSON:
		return jsonV(s), true
	}
	return Value{}, false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) (int, bool, string) {
	switch {
	case a < b:
		return -1, true, ""
	case a > b:
		return 1, true, ""
	case a == b:
		return 0, true, ""
	}
	return 0, false, "" // NaN
}

func (cc *compiler) concatOp(b *Binary) cexpr {
	l, r := cc.expr(b.L), cc.expr(b.R)
	lf, rf := l.fn, r.fn
	fn := func(c *evalCtx) Value {
		lv, rv := lf(c), rf(c)
		if lv.isNull() || rv.isNull() {
			return nullValue
		}
		ls, _ := lv.text(c.prog.loc)
		rs, _ := rv.text(c.prog.loc)
		return strV(ls + rs)
	}
	return cc.fold(cexpr{t: TypeVarchar, konst: l.konst && r.konst, fn: fn, node: b})
}

func (cc *compiler) arithmetic(b *Binary) cexpr {
	l, r := cc.expr(b.L), cc.expr(b.R)
	opSpan := Span{b.OpAt, b.OpAt + len(b.Op)}
	for _, x := range []cexpr{l, r} {
		if x.t != TypeUnknown && x.t != TypeNull && !x.t.numeric() {
			hint := ""
			if x.t == TypeVarchar {
				hint = "; cast the varchar first, e.g. cast(x as bigint)"
			}
			cc.failSpan(opSpan, "operator '%s' cannot be applied to %s and %s%s", b.Op, l.t, r.t, hint)
		}
	}
	t := TypeUnknown
	switch {
	case l.t == TypeDouble || r.t == TypeDouble:
		t = TypeDouble
	case l.t == TypeBigint && r.t == TypeBigint:
		t = TypeBigint
	case l.t == TypeNull || r.t == TypeNull:
		t = TypeNull
	}
	op := b.Op[0]
	lf, rf := l.fn, r.fn
	fn := func(c *evalCtx) Value {
		lv, rv := lf(c), rf(c)
		if lv.isNull() || rv.isNull() {
			return nullValue
		}
		if !lv.t.numeric() || !rv.t.numeric() {
			return c.fail(b, "operator '%c' cannot be applied to %s and %s", op, lv.t, rv.t)
		}
		if lv.t == TypeBigint && rv.t == TypeBigint {
			return arithInt(c, b, op, lv.i, rv.i)
		}
		x, y := lv.asFloat(), rv.asFloat()
		switch op {
		case '+':
			return dblV(x + y)
		case '-':
			return dblV(x - y)
		case '*':
			return dblV(x * y)
		case '/':
			return dblV(x / y)
		default:
			return dblV(fmod(x, y))
		}
	}
	return cc.fold(cexpr{t: t, konst: l.konst && r.konst, fn: fn, node: b})
}

func arithInt(c *evalCtx, n Node, op byte, x, y int64) Value {
	switch op {
	case '+':
		s := x + y
		if (s > x) != (y > 0) {
			return c.fail(n, "bigint overflow: %d + %d", x, y)
		}
		return intV(s)
	case '-':
		s := x - y
		if (s < x) != (y > 0) {
			return c.fail(n, "bigint overflow: %d - %d", x, y)
		}
		return intV(s)
	case '*':
		if x == 0 || y == 0 {
			return intV(0)
		}
		p := x * y
		if p/y != x || (x == -1 && y == minInt64) || (y == -1 && x == minInt64) {
			return c.fail(n, "bigint overflow: %d * %d", x, y)
		}
		return intV(p)
	case '/':
		if y == 0 {
			return c.fail(n, "division by zero")
		}
		if x == minInt64 && y == -1 {
			return c.fail(n, "bigint overflow: %d / %d", x, y)
		}
		return intV(x / y) // truncates toward zero, as SQL does
	default:
		if y == 0 {
			return c.fail(n, "division by zero")
		}
		if y == -1 {
			return intV(0)
		}
		return intV(x % y)
	}
}

const minInt64 = -1 << 63

func (cc *compiler) isNull(e *IsNull) cexpr {
	x := cc.expr(e.X)
	xf, not := x.fn, e.Not
	return cc.fold(cexpr{t: TypeBoolean, konst: x.konst, node: e, fn: func(c *evalCtx) Value {
		return boolV(xf(c).isNull() != not)
	}})
}

func (cc *compiler) between(e *Between) cexpr {
	x, lo, hi := cc.expr(e.X), cc.expr(e.Lo), cc.expr(e.Hi)
	if !comparableTypes(x.t, lo.t) || !comparableTypes(x.t, hi.t) {
		cc.failf(e, "between needs comparable operands, got %s, %s and %s", x.t, lo.t, hi.t)
	}
	xf, lf, hf, not := x.fn, lo.fn, hi.fn, e.Not
	ge, le := cmpTest(">="), cmpTest("<=")
	fn := func(c *evalCtx) Value {
		v := xf(c)
		a := compareValues(c, e, v, lf(c), ge)
		b := compareValues(c, e, v, hf(c), le)
		// a AND b, three-valued, then NOT.
		var res Value
		switch {
		case a.t == TypeBoolean && a.i == 0, b.t == TypeBoolean && b.i == 0:
			res = boolV(false)
		case a.isNull() || b.isNull():
			return nullValue
		default:
			res = boolV(true)
		}
		if not {
			res.i ^= 1
		}
		return res
	}
	return cc.fold(cexpr{t: TypeBoolean, konst: x.konst && lo.konst && hi.konst, fn: fn, node: e})
}

func (cc *compiler) in(e *In) cexpr {
	x := cc.expr(e.X)
	list := make([]evalFn, len(e.List))
	konst := x.konst
	for i, it := range e.List {
		ie := cc.expr(it)
		if !comparableTypes(x.t, ie.t) {
			cc.failf(it, "'in' list item of type %s cannot be compared with %s", ie.t, x.t)
		}
		list[i] = ie.fn
		konst = konst && ie.konst
	}
	xf, not := x.fn, e.Not
	eq := cmpTest("=")
	fn := func(c *evalCtx) Value {
		v := xf(c)
		if v.isNull() {
			return nullValue
		}
		sawNull := false
		for _, f := range list {
			r := compareValues(c, e, v, f(c), eq)
			if r.t == TypeBoolean && r.i != 0 {
				return boolV(!not)
			}
			if r.isNull() {
				sawNull = true
			}
		}
		if sawNull {
			return nullValue
		}
		return boolV(not)
	}
	return cc.fold(cexpr{t: TypeBoolean, konst: konst, fn: fn, node: e})
}

func (cc *compiler) caseExpr(e *Case) cexpr {
	var operand evalFn
	var opT Type
	if e.Operand != nil {
		o := cc.expr(e.Operand)
		operand, opT = o.fn, o.t
	}
	type arm struct{ cond, then evalFn }
	arms := make([]arm, len(e.Whens))
	t := TypeNull
	unify := func(x cexpr) {
		switch {
		case x.t == TypeNull || x.t == t:
		case t == TypeNull:
			t = x.t
		case t.numeric() && x.t.numeric():
			t = TypeDouble
		default:
			t = TypeUnknown
		}
	}
	for i, w := range e.Whens {
		cond := cc.expr(w.Cond)
		if operand == nil {
			cc.wantBool(cond, "'when'")
		} else if !comparableTypes(opT, cond.t) {
			cc.failf(w.Cond, "'when' value of type %s cannot be compared with %s", cond.t, opT)
		}
		then := cc.expr(w.Then)
		unify(then)
		arms[i] = arm{cond.fn, then.fn}
	}
	var elseFn evalFn
	if e.Else != nil {
		el := cc.expr(e.Else)
		unify(el)
		elseFn = el.fn
	}
	eq := cmpTest("=")
	numeric := t == TypeDouble
	fn := func(c *evalCtx) Value {
		var ov Value
		if operand != nil {
			ov = operand(c)
		}
		for _, a := range arms {
			var hit bool
			if operand != nil {
				hit = compareValues(c, e, ov, a.cond(c), eq).truthy()
			} else {
				cv := a.cond(c)
				if !cv.isNull() && cv.t != TypeBoolean {
					return c.fail(e, "'when' condition must be boolean, got %s", cv.t)
				}
				hit = cv.truthy()
			}
			if hit {
				return promote(a.then(c), numeric)
			}
		}
		if elseFn != nil {
			return promote(elseFn(c), numeric)
		}
		return nullValue
	}
	return cexpr{t: t, fn: fn}
}

// promote widens a bigint branch to double when another branch is double,
// so that a CASE has one result type as in SQL.
func promote(v Value, toDouble bool) Value {
	if toDouble && v.t == TypeBigint {
		return dblV(float64(v.i))
	}
	return v
}

func (cc *compiler) subscript(e *Subscript) cexpr {
	x, idx := cc.expr(e.X), cc.expr(e.Index)
	if x.t != TypeUnknown && x.t != TypeNull && x.t != TypeArray && x.t != TypeMap {
		cc.failf(e.X, "subscript needs an array or a map, got %s", x.t)
	}
	if x.t == TypeArray && idx.t != TypeUnknown && idx.t != TypeNull && idx.t != TypeBigint {
		cc.failf(e.Index, "array subscript must be a bigint, got %s", idx.t)
	}
	xf, ifn := x.fn, idx.fn
	fn := func(c *evalCtx) Value {
		v, i := xf(c), ifn(c)
		if v.isNull() || i.isNull() {
			return nullValue
		}
		switch v.t {
		case TypeArray:
			if i.t != TypeBigint {
				return c.fail(e.Index, "array subscript must be a bigint, got %s", i.t)
			}
			// SQL arrays are 1-based; out of range is an error in Presto.
			if i.i < 1 || i.i > int64(len(v.c.vals)) {
				return c.fail(e, "array subscript %d out of bounds (array has %d elements)", i.i, len(v.c.vals))
			}
			return v.c.vals[i.i-1]
		case TypeMap:
			for k, key := range v.c.keys {
				if r, ok, _ := compare(c, key, i); ok && r == 0 && key.t == i.t {
					return v.c.vals[k]
				}
			}
			return c.fail(e, "key not present in map")
		}
		return c.fail(e.X, "subscript needs an array or a map, got %s", v.t)
	}
	return cc.fold(cexpr{t: TypeUnknown, konst: x.konst && idx.konst, fn: fn, node: e})
}

func (cc *compiler) arrayLit(e *ArrayLit) cexpr {
	elems := make([]evalFn, len(e.Elems))
	konst := true
	for i, x := range e.Elems {
		ce := cc.expr(x)
		elems[i] = ce.fn
		konst = konst && ce.konst
	}
	fn := func(c *evalCtx) Value {
		vals := make([]Value, len(elems))
		for i, f := range elems {
			vals[i] = f(c)
		}
		return arrV(vals)
	}
	return cc.fold(cexpr{t: TypeArray, konst: konst, fn: fn, node: e})
}

// fmod is SQL's % on doubles: the sign follows the dividend.
func fmod(x, y float64) float64 { return math.Mod(x, y) }
