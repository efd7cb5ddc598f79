package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slstail/slstail/consumer"
)

func testRecord() consumer.Record {
	g := &consumer.Group{Topic: "cdn", Source: "10.0.0.7", Tags: []consumer.Field{{Key: "__hostname__", Value: "edge-1"}}}
	return consumer.NewRecord(3, time.Unix(1764000000, 0), g,
		consumer.Field{Key: "status", Value: "502"},
		consumer.Field{Key: "uri", Value: "/a b?x=\"1\""},
		consumer.Field{Key: "evil", Value: "\x1b]52;c;AAAA\x07\x1b[2J"},
		consumer.Field{Key: "bad", Value: "\xff"},
	)
}

func TestJSONLWriterKeepsOrderAndIsValidJSON(t *testing.T) {
	var buf bytes.Buffer
	w, err := newRecordWriter(&buf, "jsonl", "")
	if err != nil {
		t.Fatal(err)
	}
	r := testRecord()
	if err := w.Write(&r); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	line := buf.String()
	want := `{"__time__":1764000000,"__shard__":3,"__topic__":"cdn","__source__":"10.0.0.7","__tag__:__hostname__":"edge-1","status":"502","uri":"/a b?x=\"1\"","evil":"\u001b]52;c;AAAA\u0007\u001b[2J","bad":"\ufffd"}` + "\n"
	if line != want {
		t.Fatalf("jsonl:\n got %s\nwant %s", line, want)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
	if strings.ContainsRune(line, 0x1b) {
		t.Fatal("raw ESC byte reached the output")
	}
}

func TestRawWriterQuotesUnsafeValues(t *testing.T) {
	var buf bytes.Buffer
	w, _ := newRecordWriter(&buf, "raw", "")
	r := testRecord()
	_ = w.Write(&r)
	_ = w.Flush()
	got := buf.String()
	want := `2025-11-24T16:00:00Z shard=3 status=502 uri="/a b?x=\"1\"" evil="\x1b]52;c;AAAA\a\x1b[2J" bad="\xff"` + "\n"
	if got != want {
		t.Fatalf("raw:\n got %q\nwant %q", got, want)
	}
}

func TestTemplateWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := newRecordWriter(&buf, "", "{{.Shard}} {{.F.status}} {{index .F \"__tag__:__hostname__\"}} {{.F.missing}}")
	if err != nil {
		t.Fatal(err)
	}
	r := testRecord()
	if err := w.Write(&r); err != nil {
		t.Fatal(err)
	}
	_ = w.Flush()
	if got, want := buf.String(), "3 502 edge-1 \n"; got != want {
		t.Fatalf("template: got %q want %q", got, want)
	}
}

// Every name the README gives the template works.
func TestTemplateSeesWhatTheREADMEPromises(t *testing.T) {
	var buf bytes.Buffer
	tmpl := `{{.Time.Unix}} {{.Receive.Unix}} {{.Shard}} {{.Topic}} {{.Source}}` +
		`{{range .Tags}} {{.Key}}:{{.Value}}{{end}} |{{range .Fields}} {{.Key}}={{.Value}}{{end}}`
	w, err := newRecordWriter(&buf, "template", tmpl)
	if err != nil {
		t.Fatal(err)
	}
	g := &consumer.Group{Topic: "cdn", Source: "10.0.0.7", Receive: time.Unix(1764000005, 0),
		Tags: []consumer.Field{{Key: "pod", Value: "web-1"}}}
	r := consumer.NewRecord(2, time.Unix(1764000000, 0), g, consumer.Field{Key: "status", Value: "502"}, consumer.Field{Key: "uri", Value: "/a"})
	if err := w.Write(&r); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if got, want := buf.String(), "1764000000 1764000005 2 cdn 10.0.0.7 pod:web-1 | status=502 uri=/a\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRecordWriterErrors(t *testing.T) {
	for _, tc := range []struct{ format, tmpl, want string }{
		{"xml", "", `unknown --output "xml"`},
		{"template", "", "needs --template"},
		{"", "{{.Shard", "--template"},
	} {
		_, err := newRecordWriter(&bytes.Buffer{}, tc.format, tc.tmpl)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("format %q template %q: err %v, want %q", tc.format, tc.tmpl, err, tc.want)
		}
	}
}

// The writer reuses its field map: a field of one log must not show in the
// next log, which lacks it.
func TestTemplateWriterDoesNotCarryFieldsOver(t *testing.T) {
	var buf bytes.Buffer
	w, err := newRecordWriter(&buf, "", "{{.F.status}}|{{.F.only_first}}")
	if err != nil {
		t.Fatal(err)
	}
	first := consumer.NewRecord(0, time.Time{}, nil, consumer.Field{Key: "status", Value: "200"}, consumer.Field{Key: "only_first", Value: "x"})
	second := consumer.NewRecord(0, time.Time{}, nil, consumer.Field{Key: "status", Value: "502"})
	if err := w.Write(&first); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&second); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if got, want := buf.String(), "200|x\n502|\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Every plain format neutralises what a log value could do to a terminal:
// OSC 52, CSI, C1 controls, NUL, CR and bidi overrides, in values, keys,
// tags, topic and source alike.
func TestEveryPlainFormatNeutralisesControlSequences(t *testing.T) {
	hostile := "a\x1b]52;c;QUFB\x07\x1b[2J\u009b31m\x00\r\u202egnp.exe"
	g := &consumer.Group{Topic: hostile, Source: hostile, Tags: []consumer.Field{{Key: "k" + hostile, Value: hostile}}}
	r := consumer.NewRecord(1, time.Unix(1764000000, 0), g, consumer.Field{Key: "v", Value: hostile})
	templates := map[string]string{
		"jsonl": "",
		"raw":   "",
		"template": `{{.Topic}} {{.Source}} {{range .Tags}}{{.Key}}={{.Value}}{{end}} ` +
			`{{range .Fields}}{{.Key}}={{.Value}}{{end}} {{.F.v}}`,
	}
	for format, tmpl := range templates {
		var buf bytes.Buffer
		w, err := newRecordWriter(&buf, format, tmpl)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
		_ = w.Flush()
		out := strings.TrimSuffix(buf.String(), "\n")
		for _, c := range out {
			if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x202e {
				t.Errorf("%s: raw %U reached the output: %q", format, c, out)
				break
			}
		}
	}
}
