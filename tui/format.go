package tui

import (
	"strconv"
	"strings"
	"time"

	"github.com/slstail/slstail/internal/textsafe"
)

// viewMode is how a log becomes a line; `v` cycles through them.
type viewMode int

const (
	vmDefault viewMode = iota // time shard key=value ...
	vmRaw                     // key=value ...
	vmJSON                    // {"key":"value",...}
	vmColumns                 // time shard col1 col2 ... (columns picked with C)
	numViewModes
)

func (v viewMode) String() string {
	return [...]string{"default", "raw", "json", "columns"}[v]
}

// span is a run of sanitized text in one paint; sev, when not 0, is a
// severity style (index + 1) that overrides the paint.
type span struct {
	text string
	p    paint
	sev  int16
}

// maxColumnWidth caps a column but the last, which takes the rest of the
// row.
const maxColumnWidth = 32

// preferredColumns are the fields people look at first, in the order the
// column view shows them: short ones first, free text (which the last column
// has room for) last.
var preferredColumns = []string{
	"level", "severity", "status", "status_code", "method", "host", "service",
	"request_time", "latency_ms", "latency", "duration",
	"uri", "url", "path", "request_uri", "error", "msg", "message",
}

// maxDefaultColumns is how many columns the column view picks by itself.
const maxDefaultColumns = 5

// defaultColumns picks the column view's columns from the fields seen: the
// preferred ones the data has, then the first others seen, to four at least.
func defaultColumns(fields []string) []string {
	have := make(map[string]string, len(fields)) // lower-cased → as seen
	for _, f := range fields {
		if _, ok := have[strings.ToLower(f)]; !ok {
			have[strings.ToLower(f)] = f
		}
	}
	var cols []string
	taken := map[string]bool{}
	for _, p := range preferredColumns {
		if f, ok := have[p]; ok && len(cols) < maxDefaultColumns {
			cols = append(cols, f)
			taken[f] = true
		}
	}
	for _, f := range fields {
		if len(cols) >= 4 {
			break
		}
		if !taken[f] {
			cols = append(cols, f)
			taken[f] = true
		}
	}
	return cols
}

// formatter turns entries into spans. It holds the display settings that
// change what a line says (mode, columns, time zone); how the line is cut to
// the screen is layout's business.
type formatter struct {
	mode      viewMode
	loc       *time.Location
	columns   []string
	colWidth  []int // sticky: grows to the widest value shown, capped
	grown     bool  // a column widened since the last frame
	shardTags map[int]string
	tagWidth  int
	sev       *severity // nil: no severity colours
}

func newFormatter(loc *time.Location) *formatter {
	return &formatter{loc: loc, shardTags: map[int]string{}}
}

func (f *formatter) setColumns(cols []string) {
	f.columns = cols
	f.colWidth = make([]int, len(cols))
	for i, c := range cols {
		f.colWidth[i] = min(textWidth(c), maxColumnWidth)
	}
}

// shardTag is "s3", padded so that tags of one buffer line up.
func (f *formatter) shardTag(shard int) string {
	if t, ok := f.shardTags[shard]; ok && len(t) == f.tagWidth {
		return t
	}
	t := "s" + strconv.Itoa(shard)
	if len(t) > f.tagWidth {
		f.tagWidth = len(t)
		clear(f.shardTags)
	}
	t += strings.Repeat(" ", f.tagWidth-len(t))
	f.shardTags[shard] = t
	return t
}

// spans appends e's spans to dst. showShard is false inside a shard's own
// pane, where the tag would repeat the title; late tags a line the merged
// tail shows out of time order.
//
// A line the highlight rules pick out (a 5xx status, level=error) has its
// time and the value that matched painted in the rule's style, so that
// trouble forms a coloured column down the tail.
func (f *formatter) spans(dst []span, e *entry, showShard, late bool) []span {
	if e.isNote() {
		return append(dst, span{text: "── " + textsafe.Sanitize(e.noteText()) + " ──", p: pMarker})
	}
	rec := e.rec()
	r := &rec
	sevField, sev := -1, int16(0)
	if f.sev != nil {
		if field, style, ok := f.sev.classify(r); ok {
			sevField, sev = field, int16(style+1)
		}
	}
	switch f.mode {
	case vmRaw:
		return f.kv(dst, e, sevField, sev)
	case vmJSON:
		dst = append(dst, span{text: "{", p: pPunct})
		i := 0
		for k, v := range r.Fields() {
			if i > 0 {
				dst = append(dst, span{text: ",", p: pPunct})
			}
			vs := span{text: jsonString(v), p: pValue}
			if i == sevField {
				vs.sev = sev
			}
			dst = append(dst, span{text: jsonString(k), p: pKey}, span{text: ":", p: pPunct}, vs)
			i++
		}
		return append(dst, span{text: "}", p: pPunct})
	}
	dst = append(dst, span{text: r.Time.In(f.loc).Format("15:04:05.000"), p: pTime, sev: sev}, span{text: " ", p: pPlain})
	if showShard {
		dst = append(dst, span{text: f.shardTag(r.Shard), p: pShard}, span{text: " ", p: pPlain})
	}
	if late {
		dst = append(dst, span{text: "late", p: pDim}, span{text: " ", p: pPlain})
	}
	if f.mode == vmColumns && len(f.columns) > 0 {
		sevKey := ""
		if sevField >= 0 {
			i := 0
			for k := range r.Fields() {
				if i == sevField {
					sevKey = k
					break
				}
				i++
			}
		}
		last := len(f.columns) - 1
		for i, c := range f.columns {
			v, ok := r.Get(c)
			p := pValue
			var cs int16
			if !ok {
				v, p = "-", pDim
			} else {
				v = displayValue(v)
				if c == sevKey {
					cs = sev
				}
			}
			if i == last {
				// The last column takes the rest of the row; the row is
				// cut to the screen with "…" like any line.
				dst = append(dst, span{text: v, p: p, sev: cs})
				break
			}
			w := textWidth(v)
			if w > f.colWidth[i] && f.colWidth[i] < maxColumnWidth {
				f.colWidth[i] = min(w, maxColumnWidth)
				f.grown = true
			}
			if w > f.colWidth[i] {
				v = truncateText(v, f.colWidth[i])
				w = f.colWidth[i]
			}
			dst = append(dst, span{text: v, p: p, sev: cs}, span{text: spaces(f.colWidth[i] - w + 2), p: pPlain})
		}
		return dst
	}
	return f.kv(dst, e, sevField, sev)
}

// kv is the fields as key=value; the value of field index sevField gets
// the severity style sev.
func (f *formatter) kv(dst []span, e *entry, sevField int, sev int16) []span {
	i := 0
	for k, v := range e.rec().Fields() {
		if i > 0 {
			dst = append(dst, span{text: " ", p: pPlain})
		}
		vs := span{text: displayValue(v), p: pValue}
		if i == sevField {
			vs.sev = sev
		}
		dst = append(dst, span{text: textsafe.Sanitize(k), p: pKey}, span{text: "=", p: pPunct}, vs)
		i++
	}
	return dst
}

// columnHeader is the header row of the column view.
func (f *formatter) columnHeader(showShard bool) []span {
	var b strings.Builder
	b.WriteString("time         ")
	if showShard {
		b.WriteString(strings.Repeat(" ", f.tagWidth+1))
	}
	for i, c := range f.columns {
		c = textsafe.Sanitize(c)
		if i == len(f.columns)-1 {
			b.WriteString(c)
			break
		}
		if w := textWidth(c); w > f.colWidth[i] {
			c = truncateText(c, f.colWidth[i])
		}
		b.WriteString(c + spaces(f.colWidth[i]-textWidth(c)+2))
	}
	return []span{{text: b.String(), p: pDim}}
}

// displayValue is a value as the tail shows it: quoted when it is empty or
// has spaces or quotes (so that k=v pairs stay unambiguous), and always free
// of control sequences (strconv.Quote escapes them; Sanitize otherwise).
func displayValue(v string) string {
	if v == "" || strings.ContainsAny(v, " \"") {
		return textsafe.Sanitize(strconv.Quote(v))
	}
	return textsafe.Sanitize(v)
}

// jsonString is s as a JSON string literal; textsafe's JSON encoding is
// already safe for the terminal.
func jsonString(s string) string {
	return string(textsafe.AppendJSONString(nil, s))
}
