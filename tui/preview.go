package tui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/spl"
	"github.com/slstail/slstail/themes"
)

// Preview: while the SPL editor is open, the query being typed is run
// locally over the buffered lines, so that "keeps nothing" is known before
// a restart costs anything. The spl package evaluates consumption SPL as
// SLS does; what it cannot know is a field the buffer does not hold (the
// running query projected it away, say): then the preview says so rather
// than report that nothing matches.
//
// Runs are debounced (previewDelay after the last keystroke) and
// cancelled by the next keystroke, and read a buffer snapshot in a command.

// previewDelay is the quiet time after a keystroke before a run starts.
const previewDelay = 150 * time.Millisecond

// previewSample is how many kept lines a preview keeps to show: the
// newest ones, which are what the tail would show first.
const previewSample = 20

// previewResult is what a run over the buffer found.
type previewResult struct {
	query       string
	passThrough bool
	lines       int // logs in the buffer (notes are not logs)
	kept        int // logs that produce at least one row
	rows        int // rows produced (more than kept with expand-values)
	failed      int // logs the query fails on (a bad cast, ...)
	firstErr    string
	missing     []string // fields the query reads that no buffered log has
	sample      []string // the newest kept rows, oldest first, as k=v text
}

// queryReads lists the fields a query reads from its input: those its
// where and extend expressions refer to and those its parse stages parse,
// less the ones an earlier stage writes. After a stage that writes fields
// not known from the query (parse-json, parse-kv, expand-values,
// pack-fields) every later read may be satisfied by it, and is not listed.
func queryReads(q *spl.Query) []string {
	written := map[string]bool{}
	dynamic := false
	var reads []string
	read := func(name string) {
		if dynamic || written[name] || isMetaField(name) || slices.Contains(reads, name) {
			return
		}
		reads = append(reads, name)
	}
	for _, st := range q.Stages {
		switch st := st.(type) {
		case *spl.WhereStage:
			walkExpr(st.Cond, func(f *spl.FieldRef) { read(f.Name) })
		case *spl.ExtendStage:
			for _, a := range st.Assigns {
				walkExpr(a.Value, func(f *spl.FieldRef) { read(f.Name) })
			}
			for _, a := range st.Assigns {
				written[a.To.Name] = true
			}
		case *spl.ParseRegexpStage:
			read(st.Field.Name)
			for _, o := range st.Outputs {
				written[o.Name] = true
			}
			if len(st.Outputs) == 0 {
				dynamic = true // named groups: names known only to the regexp
			}
		case *spl.ParseCSVStage:
			read(st.Field.Name)
			for _, o := range st.Outputs {
				written[o.Name] = true
			}
		case *spl.ParseJSONStage:
			read(st.Field.Name)
			dynamic = true
		case *spl.ParseKVStage:
			read(st.Field.Name)
			dynamic = true
		case *spl.ExpandValuesStage, *spl.PackFieldsStage:
			dynamic = true
		case *spl.ProjectStage:
			for _, r := range st.Renames {
				written[r.To.Name] = true
			}
		case *spl.ProjectRenameStage:
			for _, r := range st.Renames {
				written[r.To.Name] = true
			}
		}
	}
	return reads
}

func isMetaField(name string) bool {
	return name == "__time__" || name == "__time_ns_part__" || name == "__topic__" || name == "__source__" ||
		strings.HasPrefix(name, "__tag__:")
}

// walkExpr calls fn for every field reference in e.
func walkExpr(e spl.Expr, fn func(*spl.FieldRef)) {
	if e == nil {
		return
	}
	switch e := e.(type) {
	case *spl.FieldRef:
		fn(e)
	case *spl.Unary:
		walkExpr(e.X, fn)
	case *spl.Binary:
		walkExpr(e.L, fn)
		walkExpr(e.R, fn)
	case *spl.Between:
		walkExpr(e.X, fn)
		walkExpr(e.Lo, fn)
		walkExpr(e.Hi, fn)
	case *spl.Like:
		walkExpr(e.X, fn)
		walkExpr(e.Pattern, fn)
		walkExpr(e.Esc, fn)
	case *spl.In:
		walkExpr(e.X, fn)
		for _, x := range e.List {
			walkExpr(x, fn)
		}
	case *spl.IsNull:
		walkExpr(e.X, fn)
	case *spl.Case:
		walkExpr(e.Operand, fn)
		for _, w := range e.Whens {
			walkExpr(w.Cond, fn)
			walkExpr(w.Then, fn)
		}
		walkExpr(e.Else, fn)
	case *spl.Cast:
		walkExpr(e.X, fn)
	case *spl.Call:
		for _, x := range e.Args {
			walkExpr(x, fn)
		}
	case *spl.Subscript:
		walkExpr(e.X, fn)
		walkExpr(e.Index, fn)
	case *spl.ArrayLit:
		for _, x := range e.Elems {
			walkExpr(x, fn)
		}
	}
}

// runPreview evaluates prog over every log of snap. ok is false when ctx
// was cancelled first.
func runPreview(ctx context.Context, prog *spl.Program, snap *bufSnap, loc *time.Location) (res previewResult, ok bool) {
	res.query = prog.Query()
	res.passThrough = prog.IsPassThrough()
	reads := queryReads(prog.AST())
	seen := make([]bool, len(reads))
	unseen := len(reads)
	sample := make([]uint64, 0, previewSample) // a ring of the newest kept seqs
	var in []spl.Field
	var ts timeText
	rows := 0
	count := func([]spl.Field) { rows++ } // one closure for every Run
	ok = snap.logs(ctx, lineFilter{shard: -1}, func(seq uint64, e *entry) {
		res.lines++
		in = splInput(in[:0], e, &ts)
		if unseen > 0 {
			for j, name := range reads {
				if !seen[j] && hasKey(in, name) {
					seen[j] = true
					unseen--
				}
			}
		}
		rows = 0
		if err := prog.Run(in, count); err != nil {
			res.failed++
			if res.firstErr == "" {
				res.firstErr = err.Error()
			}
			return
		}
		if rows > 0 {
			res.kept++
			res.rows += rows
			if len(sample) < previewSample {
				sample = append(sample, seq)
			} else {
				copy(sample, sample[1:])
				sample[len(sample)-1] = seq
			}
		}
	})
	if !ok {
		return res, false
	}
	for j, name := range reads {
		if !seen[j] {
			res.missing = append(res.missing, name)
		}
	}
	// Render the sample: run the query again on those few logs for their
	// output rows (the query may add, drop or rename fields).
	for _, seq := range sample {
		e := snap.at(seq)
		in = splInput(in[:0], e, &ts)
		_ = prog.Run(in, func(out []spl.Field) {
			if len(res.sample) < previewSample {
				res.sample = append(res.sample, previewLine(e, out, loc))
			}
		})
	}
	return res, true
}

// timeText caches the decimal text of the last second formatted: logs
// come in runs of the same second, and a string a log is an allocation.
type timeText struct {
	sec  int64
	text string
}

func (t *timeText) of(sec int64) string {
	if t.text == "" || t.sec != sec {
		t.sec, t.text = sec, strconv.FormatInt(sec, 10)
	}
	return t.text
}

// splInput is a log as spl.Program.Run takes it: the meta fields under
// their SLS names, then the contents.
func splInput(in []spl.Field, e *entry, ts *timeText) []spl.Field {
	rec := e.rec()
	r := &rec
	in = append(in,
		spl.Field{Key: "__time__", Value: ts.of(r.Time.Unix())},
		spl.Field{Key: "__topic__", Value: r.Topic()},
		spl.Field{Key: "__source__", Value: r.Source()})
	for _, t := range r.Tags() {
		in = append(in, spl.Field{Key: "__tag__:" + t.Key, Value: t.Value})
	}
	for k, v := range r.Fields() {
		in = append(in, spl.Field{Key: k, Value: v})
	}
	return in
}

func hasKey(fs []spl.Field, name string) bool {
	for _, f := range fs {
		if f.Key == name {
			return true
		}
	}
	return false
}

// previewLine is an output row as the tail's default format shows it:
// time, shard, then the contents (meta fields go back to the log group, as
// SLS does with them), sanitized.
func previewLine(e *entry, out []spl.Field, loc *time.Location) string {
	var b strings.Builder
	b.WriteString(e.rec().Time.In(loc).Format("15:04:05.000"))
	b.WriteString(" s")
	b.WriteString(strconv.Itoa(e.p.Shard()))
	for _, f := range out {
		if isMetaField(f.Key) {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(textsafe.Sanitize(f.Key))
		b.WriteByte('=')
		b.WriteString(displayValue(f.Value))
	}
	return b.String()
}

type previewResultMsg struct {
	id  uint64
	res previewResult
}

// previewDeps is what the preview reads from the root when it runs.
type previewDeps struct {
	snapshot func() *bufSnap
	loc      *time.Location
}

// previewView is the panel under the SPL editor.
type previewView struct {
	keys  *keymap.Editor
	theme *themes.Theme
	deps  previewDeps

	hidden  bool
	query   string // the text last handed in
	invalid bool   // it does not compile: the editor shows why
	waiting uint64 // the debounce armed last
	armed   bool   // a debounce for the current text is on its way
	jobs    jobRunner
	res     *previewResult

	width, height int
}

func newPreviewView(km *keymap.Editor, th *themes.Theme, deps previewDeps) *previewView {
	return &previewView{keys: km, theme: th, deps: deps}
}

// SetQuery hands in the editor's text after a change. The run starts after
// previewDelay without another change; any run in flight is cancelled now.
func (p *previewView) SetQuery(q string) tea.Cmd {
	if q == p.query && (p.res != nil || p.jobs.running() || p.armed) {
		return nil // a key that did not change the text (a cursor move)
	}
	p.query = q
	p.jobs.stop()
	p.res = nil
	p.waiting++
	if p.hidden {
		return nil
	}
	p.armed = true
	return debounce(previewDelay, "preview", p.waiting)
}

// stop cancels any run and forgets the result: the editor closed.
func (p *previewView) stop() {
	p.jobs.stop()
	p.res = nil
	p.query = ""
	p.waiting++
	p.armed = false
}

func (p *previewView) start() tea.Cmd {
	p.invalid = false
	q := strings.TrimSpace(p.query)
	if q == "" {
		q = "*"
	}
	prog, err := spl.Compile(q)
	if err != nil {
		p.invalid = true
		return nil
	}
	snap := p.deps.snapshot()
	loc := p.deps.loc
	return p.jobs.start(func(ctx context.Context, id uint64) tea.Msg {
		defer snap.release()
		res, ok := runPreview(ctx, prog, snap, loc)
		if !ok {
			return nil
		}
		return previewResultMsg{id: id, res: res}
	})
}

func (p *previewView) SetSize(w, h int) { p.width, p.height = max(w, 0), max(h, 0) }

func (p *previewView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case debounceMsg:
		if msg.kind == "preview" && msg.id == p.waiting && !p.hidden {
			p.armed = false
			return p.start()
		}
	case previewResultMsg:
		if p.jobs.take(msg.id) {
			p.res = &msg.res
		}
	case tea.KeyMsg:
		if key.Matches(msg, p.keys.Preview) {
			p.hidden = !p.hidden
			if p.hidden {
				p.jobs.stop()
				return nil
			}
			p.res = nil
			p.waiting++
			return p.start()
		}
	}
	return nil
}

func (p *previewView) ShortHelp() []key.Binding  { return []key.Binding{p.keys.Preview} }
func (p *previewView) FullHelp() [][]key.Binding { return [][]key.Binding{{p.keys.Preview}} }

// Height is the rows the preview wants: its verdict and up to the sample,
// within what the layout offers (SetSize's height is the most).
func (p *previewView) Height() int {
	if p.hidden {
		return 1
	}
	if p.res == nil || len(p.res.missing) > 0 {
		return min(1, p.height)
	}
	return min(1+len(p.res.sample), p.height)
}

// View draws the verdict, then the newest kept lines, in Height rows.
func (p *previewView) View() string {
	th := p.theme
	w := p.width
	h := p.Height()
	if h == 0 {
		return ""
	}
	if p.hidden {
		return th.Dim.Render(truncateText("  "+hints("preview off", hint(p.keys.Preview, "shows it")), w))
	}
	var rows []string
	switch r := p.res; {
	case p.invalid:
		rows = append(rows, th.Dim.Render(truncateText("  preview: waiting for a valid query", w)))
	case r == nil:
		rows = append(rows, th.Dim.Render(truncateText("  preview: checking the buffered lines…", w)))
	case len(r.missing) > 0:
		rows = append(rows, th.Warn.Render(truncateText("  preview cannot judge: "+missingText(r.missing)+
			" (the running query does not deliver it)", w)))
	case r.lines == 0:
		rows = append(rows, th.Dim.Render(truncateText("  preview: the buffer is empty", w)))
	case r.kept == 0:
		text := fmt.Sprintf("  ✗ keeps nothing of %s buffered lines", formatCount(r.lines))
		if r.failed > 0 {
			text += fmt.Sprintf(" · fails on %s: %s", plural(r.failed, "line"), textsafe.Sanitize(r.firstErr))
		}
		rows = append(rows, th.Bad.Render(truncateText(text, w)))
	default:
		text := fmt.Sprintf("  would keep %s of %s buffered lines", formatCount(r.kept), formatCount(r.lines))
		if r.passThrough {
			text = fmt.Sprintf("  keeps every line (%s buffered)", formatCount(r.lines))
		}
		if r.rows != r.kept {
			text += fmt.Sprintf(" as %s rows", formatCount(r.rows))
		}
		if r.failed > 0 {
			text += fmt.Sprintf(" · fails on %s: %s", plural(r.failed, "line"), textsafe.Sanitize(r.firstErr))
		}
		if len(r.sample) > 0 && h > 1 {
			text += " · newest:"
		}
		rows = append(rows, th.Good.Render(truncateText(text, w)))
		sample := r.sample
		if len(sample) > h-1 {
			sample = sample[len(sample)-(h-1):]
		}
		for _, s := range sample {
			rows = append(rows, "  "+truncateText(s, max(w-2, 0)))
		}
	}
	return strings.Join(rows[:min(len(rows), h)], "\n")
}

func missingText(fields []string) string {
	quoted := make([]string, len(fields))
	for i, f := range fields {
		quoted[i] = strconv.Quote(textsafe.Sanitize(f))
	}
	if len(fields) == 1 {
		return "no buffered line has the field " + quoted[0] + " the query reads"
	}
	return "no buffered line has the fields " + strings.Join(quoted, ", ") + " the query reads"
}
