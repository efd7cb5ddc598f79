package spl

import (
	"strconv"
	"sync"
	"time"
)

// Field is one key/value of a log (same shape as the SDK's LogContent).
type Field struct{ Key, Value string }

// Options adjusts Compile for uses other than SLS real-time consumption.
// The zero value is what SLS does.
type Options struct {
	// Location is the session time zone used to read and render timestamps
	// (date_parse, date_format, cast to timestamp). SLS evaluates in
	// Asia/Shanghai (UTC+8); nil means that.
	Location *time.Location
	// AllowSQLOnlyFunctions accepts functions that SLS documents as SQL-only
	// and refuses in SPL (try_cast, nullif, now, typeof, ...). Useful
	// offline; a query using them will fail on the real service.
	AllowSQLOnlyFunctions bool
	// Now returns the current time for now(); nil means time.Now.
	Now func() time.Time
}

// Program is a compiled query; safe for concurrent use by many goroutines.
type Program struct {
	query       string
	ast         *Query
	head        execFn
	passThrough bool
	loc         *time.Location
	now         func() time.Time
	pool        sync.Pool // *evalCtx
}

// execFn runs one stage (and, through its continuation, the rest of the
// pipeline) on a row. A stage that keeps the row calls its continuation
// once; a filter may not call it; expand-values calls it once per value.
type execFn func(c *evalCtx, r *row)

// defaultLocation is SLS's session zone, UTC+8. A fixed zone avoids a
// dependency on the system's tz database (Asia/Shanghai has had no DST since 1991).
var defaultLocation = time.FixedZone("UTC+8", 8*3600)

// Compile parses and checks a query for the consumption scenario (PullLogs).
// A nil error means the Program can evaluate logs. The error is *Error.
func Compile(query string) (*Program, error) {
	return CompileWith(query, Options{})
}

// CompileWith is Compile with options.
func CompileWith(query string, opts Options) (*Program, error) {
	p, _, err := compile(query, opts)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func compile(query string, opts Options) (*Program, []token, *Error) {
	q, toks, err := parse(query)
	if err != nil {
		return nil, toks, err
	}
	if opts.Location == nil {
		opts.Location = defaultLocation
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	cc := newCompiler(query, opts)
	head, err := cc.compileQuery(q)
	if err != nil {
		return nil, toks, err
	}
	p := &Program{query: query, ast: q, head: head, passThrough: len(q.Stages) == 0, loc: opts.Location, now: opts.Now}
	p.pool.New = func() any { return &evalCtx{prog: p} }
	return p, toks, nil
}

// Query returns the source text the program was compiled from.
func (p *Program) Query() string { return p.query }

// AST returns the parsed query. Callers must not modify it.
func (p *Program) AST() *Query { return p.ast }

// IsPassThrough reports whether the program is the bare "*" (no pipes), so
// callers can skip evaluation.
func (p *Program) IsPassThrough() bool { return p.passThrough }

// Run evaluates the program on one log. Its input fields are the log's
// contents, preceded by the meta fields SLS exposes to SPL under their SLS
// names: "__time__" (unix seconds, decimal), "__topic__", "__source__", and
// "__tag__:<key>" for each log-group tag. For each output row (0 rows if the
// log is filtered out, more than 1 only with expand-values) Run calls emit with
// the row's fields in SLS field order, meta fields included under the same
// names (the caller splits them back out). emit must not retain the slice.
// A non-nil error (a *RuntimeError) means the log failed to process (counted
// in SLS's x-log-failedlines); the log then produces no rows.
//
// When a row leaves the pipeline unchanged, emit receives in itself, so a
// caller can detect a pure filter hit with &out[0] == &in[0].
func (p *Program) Run(in []Field, emit func(out []Field)) error {
	if p.passThrough {
		emit(in)
		return nil
	}
	c := p.pool.Get().(*evalCtx)
	c.reset(in, emit)
	r := &c.row
	r.load(in)
	c.cur = r
	// Rows are buffered until the whole log has been processed, so that a
	// failure in a later expand-values branch yields no rows at all.
	p.head(c, r)
	err := c.err
	if err == nil {
		c.flush()
	}
	c.release()
	p.pool.Put(c)
	return err
}

// evalCtx is the per-call scratch state of Run: the row, a value stack for
// function arguments, and output buffers, all reused across calls.
type evalCtx struct {
	prog  *Program
	row   row
	cur   *row // the row expressions read: row, or an expand-values branch
	in    []Field
	emit  func([]Field)
	err   error
	stack []Value
	now   time.Time // now() is stable within one log
	// Output rows buffered until the log is done (see Run).
	outs    [][]Field
	outN    int
	outSame []bool
	spare   []row // rows for expand-values branches
	spareN  int
	scratch []byte
	tmp     []rfield // spare field buffer for stages that rebuild the row
	hasNow  bool
}

func (c *evalCtx) reset(in []Field, emit func([]Field)) {
	c.in, c.emit, c.err = in, emit, nil
	c.stack = c.stack[:0]
	c.outN = 0
	c.spareN = 0
	c.hasNow = false
}

func (c *evalCtx) release() {
	c.in, c.emit = nil, nil
	// Drop references to the caller's strings so the pool does not pin them.
	c.row.clear()
	for i := 0; i < c.spareN; i++ {
		c.spare[i].clear()
	}
	for i := 0; i < c.outN; i++ {
		clear(c.outs[i])
	}
}

func (c *evalCtx) currentTime() time.Time {
	if !c.hasNow {
		c.now = c.prog.now()
		c.hasNow = true
	}
	return c.now
}

// output records a finished row.
func (c *evalCtx) output(r *row) {
	if c.outN == len(c.outs) {
		c.outs = append(c.outs, nil)
		c.outSame = append(c.outSame, false)
	}
	if !r.dirty {
		c.outSame[c.outN] = true
		c.outN++
		return
	}
	c.outSame[c.outN] = false
	buf := c.outs[c.outN][:0]
	for i := range r.fields {
		f := &r.fields[i]
		s, ok := f.val.text(c.prog.loc)
		if !ok {
			continue // NULL fields are not written
		}
		buf = append(buf, Field{Key: f.key, Value: s})
	}
	c.outs[c.outN] = buf
	c.outN++
}

func (c *evalCtx) flush() {
	for i := 0; i < c.outN; i++ {
		if c.outSame[i] {
			c.emit(c.in)
		} else {
			c.emit(c.outs[i])
		}
	}
}

// spareRow returns a scratch row for an expand-values branch.
func (c *evalCtx) spareRow() *row {
	if c.spareN == len(c.spare) {
		c.spare = append(c.spare, row{})
	}
	r := &c.spare[c.spareN]
	c.spareN++
	return r
}

// rfield is a field of a row being processed: its value keeps its SQL type
// until the row is written out.
type rfield struct {
	key string
	val Value
}

type row struct {
	fields []rfield
	dirty  bool // changed since load: output must be rebuilt
}

func (r *row) load(in []Field) {
	fs := r.fields[:0]
	for _, f := range in {
		v := Value{t: TypeVarchar, s: f.Value}
		// SLS exposes the time fields as integers.
		if len(f.Key) >= 8 && f.Key[0] == '_' && f.Key[1] == '_' && (f.Key == "__time__" || f.Key == "__time_ns_part__") {
			if n, err := strconv.ParseInt(f.Value, 10, 64); err == nil {
				v = intV(n)
			}
		}
		fs = append(fs, rfield{key: f.Key, val: v})
	}
	r.fields = fs
	r.dirty = false
}

func (r *row) clear() {
	clear(r.fields)
	r.fields = r.fields[:0]
}

func (r *row) copyFrom(o *row) {
	r.fields = append(r.fields[:0], o.fields...)
	r.dirty = o.dirty
}

func (r *row) index(name string) int {
	for i := range r.fields {
		if r.fields[i].key == name {
			return i
		}
	}
	return -1
}

func (r *row) get(name string) Value {
	if i := r.index(name); i >= 0 {
		return r.fields[i].val
	}
	return nullValue
}

// set overwrites a field in place or appends it, keeping field order.
func (r *row) set(name string, v Value) {
	r.dirty = true
	if i := r.index(name); i >= 0 {
		r.fields[i].val = v
		return
	}
	r.fields = append(r.fields, rfield{key: name, val: v})
}

func (r *row) removeAt(i int) {
	r.dirty = true
	copy(r.fields[i:], r.fields[i+1:])
	r.fields[len(r.fields)-1] = rfield{}
	r.fields = r.fields[:len(r.fields)-1]
}

func isTimeField(name string) bool { return name == "__time__" || name == "__time_ns_part__" }
