package cli

import (
	"errors"
	"fmt"
	"strconv"
	"syscall"
	"text/template"
	"time"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
)

// recordEncoder appends one log as a line of plain output to a buffer; the
// tail writes whole batches of lines at once and acknowledges them once
// written (see plainOut).
type recordEncoder interface {
	AppendRecord(b []byte, r *consumer.Record) ([]byte, error)
}

// newEncoder returns the encoder for --output (jsonl, raw, template).
func newEncoder(format, tmpl string) (recordEncoder, error) {
	if tmpl != "" {
		format = "template"
	}
	switch format {
	case "jsonl", "json":
		return jsonlEncoder{}, nil
	case "raw":
		return rawEncoder{}, nil
	case "template":
		if tmpl == "" {
			return nil, fmt.Errorf("--output template needs --template")
		}
		t, err := template.New("record").Option("missingkey=zero").Parse(tmpl)
		if err != nil {
			return nil, fmt.Errorf("--template: %w", err)
		}
		return &templateEncoder{t: t}, nil
	}
	return nil, fmt.Errorf("unknown --output %q: want jsonl, raw or template", format)
}

// jsonlEncoder writes one JSON object a log (Record.AppendJSON).
type jsonlEncoder struct{}

func (jsonlEncoder) AppendRecord(b []byte, r *consumer.Record) ([]byte, error) {
	return append(r.AppendJSON(b), '\n'), nil
}

// rawEncoder writes `time shard k=v ...`, quoting values that need it so
// that a line always splits back into its fields.
type rawEncoder struct{}

func (rawEncoder) AppendRecord(b []byte, r *consumer.Record) ([]byte, error) {
	b = r.Time.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, " shard="...)
	b = strconv.AppendInt(b, int64(r.Shard), 10)
	for k, v := range r.Fields() {
		b = append(b, ' ')
		b = textsafe.AppendQuoted(b, k)
		b = append(b, '=')
		b = textsafe.AppendQuoted(b, v)
	}
	return append(b, '\n'), nil
}

// templateEncoder renders --template once a log. The template sees the Record
// (.Shard, .Time, .Receive), .Topic, .Source, .Tags, .Fields (lists of .Key
// and .Value) and .F, a map of the fields and tags by key. Every string it
// sees from the log is sanitized by textsafe's policy first: a template
// writes log values where the user put them, and those values are untrusted.
// The map and the lists are reused from log to log: the template runs
// synchronously and keeps none of them.
type templateEncoder struct {
	t      *template.Template
	f      map[string]string
	fields []consumer.Field
	tags   []consumer.Field
	out    sliceWriter
}

// sliceWriter lets the template execute straight into the caller's buffer.
type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

type templateData struct {
	*consumer.Record
	// These shadow the Record's methods of the same names with sanitized
	// values; Fields is the list the README documents, so that
	// {{range .Fields}}{{.Key}}{{end}} works.
	Topic, Source string
	Receive       templateTime // empty when SLS did not record it
	Tags          []consumer.Field
	Fields        []consumer.Field
	F             map[string]string
}

func (tw *templateEncoder) AppendRecord(b []byte, r *consumer.Record) ([]byte, error) {
	if tw.f == nil {
		tw.f = make(map[string]string, r.NumFields()+len(r.Tags()))
	}
	clear(tw.f)
	tw.tags = tw.tags[:0]
	for _, t := range r.Tags() {
		t = consumer.Field{Key: textsafe.Sanitize(t.Key), Value: textsafe.Sanitize(t.Value)}
		tw.tags = append(tw.tags, t)
		tw.f["__tag__:"+t.Key] = t.Value
	}
	tw.fields = r.AppendFields(tw.fields[:0])
	for i, f := range tw.fields {
		f = consumer.Field{Key: textsafe.Sanitize(f.Key), Value: textsafe.Sanitize(f.Value)}
		tw.fields[i] = f
		tw.f[f.Key] = f.Value
	}
	start := len(b)
	tw.out.b = b
	data := templateData{Record: r, Topic: textsafe.Sanitize(r.Topic()), Source: textsafe.Sanitize(r.Source()),
		Receive: templateTime{r.Receive()}, Tags: tw.tags, Fields: tw.fields, F: tw.f}
	if err := tw.t.Execute(&tw.out, data); err != nil {
		return b[:start], usageError(fmt.Errorf("--template: %w", err))
	}
	b, tw.out.b = tw.out.b, nil
	if len(b) == start || b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	return b, nil
}

// flushOrEPIPE treats a reader that went away as a normal end.
func flushOrEPIPE(err error) error {
	if errors.Is(err, syscall.EPIPE) {
		return nil
	}
	return err
}
