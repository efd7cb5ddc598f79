package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/slstail/slstail/consumer"
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

// jsonlWriter writes one JSON object a log, meta fields first and contents in
// the log's own order (encoding/json would sort map keys).
type jsonlWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (j *jsonlWriter) Write(r *consumer.Record) error {
	b := j.buf[:0]
	b = append(b, `{"__time__":`...)
	b = strconv.AppendInt(b, r.Time.Unix(), 10)
	b = append(b, `,"__shard__":`...)
	b = strconv.AppendInt(b, int64(r.Shard), 10)
	b = append(b, `,"__topic__":`...)
	b = appendJSONString(b, r.Topic)
	b = append(b, `,"__source__":`...)
	b = appendJSONString(b, r.Source)
	for _, t := range r.Tags {
		b = append(b, ',')
		b = appendJSONString(b, "__tag__:"+t.Key)
		b = append(b, ':')
		b = appendJSONString(b, t.Value)
	}
	for _, f := range r.Fields {
		b = append(b, ',')
		b = appendJSONString(b, f.Key)
		b = append(b, ':')
		b = appendJSONString(b, f.Value)
	}
	b = append(b, '}', '\n')
	j.buf = b
	_, err := j.w.Write(b)
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
	for _, f := range r.Fields {
		b = append(b, ' ')
		b = appendRawValue(b, f.Key)
		b = append(b, '=')
		b = appendRawValue(b, f.Value)
	}
	b = append(b, '\n')
	rw.buf = b
	_, err := rw.w.Write(b)
	return err
}

func (rw *rawWriter) Flush() error { return rw.w.Flush() }

// appendRawValue appends s bare when it is plain, else Go-quoted: quoting also
// neutralises terminal control sequences in untrusted values.
func appendRawValue(b []byte, s string) []byte {
	if s == "" {
		return append(b, `""`...)
	}
	for _, c := range s {
		if c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f || c == utf8.RuneError || (c >= 0x80 && c < 0xa0) {
			return strconv.AppendQuote(b, s)
		}
	}
	return append(b, s...)
}

// templateWriter renders --template once a log. The template sees the Record
// (.Shard, .Time, .Topic, .Source) plus .F, a map of the fields by key.
type templateWriter struct {
	w *bufio.Writer
	t *template.Template
}

type templateData struct {
	*consumer.Record
	F map[string]string
}

func (tw *templateWriter) Write(r *consumer.Record) error {
	f := make(map[string]string, len(r.Fields)+len(r.Tags))
	for _, t := range r.Tags {
		f["__tag__:"+t.Key] = t.Value
	}
	for _, kv := range r.Fields {
		f[kv.Key] = kv.Value
	}
	var sb strings.Builder
	if err := tw.t.Execute(&sb, templateData{Record: r, F: f}); err != nil {
		return usageError(fmt.Errorf("--template: %w", err))
	}
	out := sb.String()
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	_, err := tw.w.WriteString(out)
	return err
}

func (tw *templateWriter) Flush() error { return tw.w.Flush() }

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD and
// every control character is escaped, so the output is always valid JSON.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
