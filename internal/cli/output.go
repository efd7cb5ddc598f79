package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"text/template"
	"time"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
)

// recordWriter writes delivered logs to a pipe or file. Implementations buffer;
// Flush must be called before the process exits.
type recordWriter interface {
	Write(r *consumer.Record) error
	Flush() error
}

// newRecordWriter returns the writer for --output (jsonl, raw, template).
func newRecordWriter(w io.Writer, format, tmpl string) (recordWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if tmpl != "" {
		format = "template"
	}
	switch format {
	case "jsonl", "json":
		return &jsonlWriter{w: bw}, nil
	case "raw":
		return &rawWriter{w: bw}, nil
	case "template":
		if tmpl == "" {
			return nil, fmt.Errorf("--output template needs --template")
		}
		t, err := template.New("record").Option("missingkey=zero").Parse(tmpl)
		if err != nil {
			return nil, fmt.Errorf("--template: %w", err)
		}
		return &templateWriter{w: bw, t: t}, nil
	}
	return nil, fmt.Errorf("unknown --output %q: want jsonl, raw or template", format)
}

// jsonlWriter writes one JSON object a log (Record.AppendJSON).
type jsonlWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (j *jsonlWriter) Write(r *consumer.Record) error {
	j.buf = append(r.AppendJSON(j.buf[:0]), '\n')
	_, err := j.w.Write(j.buf)
	return err
}

func (j *jsonlWriter) Flush() error { return j.w.Flush() }

// rawWriter writes `time shard k=v ...`, quoting values that need it so that a
// line always splits back into its fields.
type rawWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (rw *rawWriter) Write(r *consumer.Record) error {
	b := rw.buf[:0]
	b = r.Time.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, " shard="...)
	b = strconv.AppendInt(b, int64(r.Shard), 10)
	for k, v := range r.Fields() {
		b = append(b, ' ')
		b = textsafe.AppendQuoted(b, k)
		b = append(b, '=')
		b = textsafe.AppendQuoted(b, v)
	}
	b = append(b, '\n')
	rw.buf = b
	_, err := rw.w.Write(b)
	return err
}

func (rw *rawWriter) Flush() error { return rw.w.Flush() }

// templateWriter renders --template once a log. The template sees the Record
// (.Shard, .Time, .Receive), .Topic, .Source, .Tags, .Fields (lists of .Key
// and .Value) and .F, a map of the fields and tags by key. Every string it
// sees from the log is sanitized by textsafe's policy first: a template
// writes log values where the user put them, and those values are untrusted.
// The map, the lists and the output buffer are reused from log to log: the
// template runs synchronously and keeps none of them.
type templateWriter struct {
	w      *bufio.Writer
	t      *template.Template
	f      map[string]string
	fields []consumer.Field
	tags   []consumer.Field
	buf    bytes.Buffer
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

func (tw *templateWriter) Write(r *consumer.Record) error {
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
	tw.buf.Reset()
	data := templateData{Record: r, Topic: textsafe.Sanitize(r.Topic()), Source: textsafe.Sanitize(r.Source()),
		Receive: templateTime{r.Receive()}, Tags: tw.tags, Fields: tw.fields, F: tw.f}
	if err := tw.t.Execute(&tw.buf, data); err != nil {
		return usageError(fmt.Errorf("--template: %w", err))
	}
	if b := tw.buf.Bytes(); len(b) == 0 || b[len(b)-1] != '\n' {
		tw.buf.WriteByte('\n')
	}
	_, err := tw.w.Write(tw.buf.Bytes())
	return err
}

func (tw *templateWriter) Flush() error { return tw.w.Flush() }
