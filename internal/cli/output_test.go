package cli

import (
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

// encode runs an encoder over records and returns the output.
func encode(t *testing.T, enc recordEncoder, recs ...consumer.Record) string {
	t.Helper()
	var b []byte
	for i := range recs {
		var err error
		if b, err = enc.AppendRecord(b, &recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	return string(b)
}

func TestJSONLWriterKeepsOrderAndIsValidJSON(t *testing.T) {
	enc, err := newEncoder("jsonl", "")
	if err != nil {
		t.Fatal(err)
	}
	line := encode(t, enc, testRecord())
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
	enc, _ := newEncoder("raw", "")
	got := encode(t, enc, testRecord())
	want := `2025-11-24T16:00:00Z shard=3 status=502 uri="/a b?x=\"1\"" evil="\x1b]52;c;AAAA\a\x1b[2J" bad="\xff"` + "\n"
	if got != want {
		t.Fatalf("raw:\n got %q\nwant %q", got, want)
	}
}

func TestTemplateWriter(t *testing.T) {
	enc, err := newEncoder("", "{{.Shard}} {{.F.status}} {{index .F \"__tag__:__hostname__\"}} {{.F.missing}}")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := encode(t, enc, testRecord()), "3 502 edge-1 \n"; got != want {
		t.Fatalf("template: got %q want %q", got, want)
	}
}

// Every name the README gives the template works.
func TestTemplateSeesWhatTheREADMEPromises(t *testing.T) {
	tmpl := `{{.Time.Unix}} {{.Receive.Unix}} {{.Shard}} {{.Topic}} {{.Source}}` +
		`{{range .Tags}} {{.Key}}:{{.Value}}{{end}} |{{range .Fields}} {{.Key}}={{.Value}}{{end}}`
	enc, err := newEncoder("template", tmpl)
	if err != nil {
		t.Fatal(err)
	}
	g := &consumer.Group{Topic: "cdn", Source: "10.0.0.7", Receive: time.Unix(1764000005, 0),
		Tags: []consumer.Field{{Key: "pod", Value: "web-1"}}}
	r := consumer.NewRecord(2, time.Unix(1764000000, 0), g, consumer.Field{Key: "status", Value: "502"}, consumer.Field{Key: "uri", Value: "/a"})
	if got, want := encode(t, enc, r), "1764000000 1764000005 2 cdn 10.0.0.7 pod:web-1 | status=502 uri=/a\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRecordWriterErrors(t *testing.T) {
	for _, tc := range []struct{ format, tmpl, want string }{
		{"xml", "", `unknown --output "xml"`},
		{"template", "", "needs --template"},
		{"", "{{.Shard", "--template"},
	} {
		_, err := newEncoder(tc.format, tc.tmpl)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("format %q template %q: err %v, want %q", tc.format, tc.tmpl, err, tc.want)
		}
	}
}

// The writer reuses its field map: a field of one log must not show in the
// next log, which lacks it.
func TestTemplateWriterDoesNotCarryFieldsOver(t *testing.T) {
	enc, err := newEncoder("", "{{.F.status}}|{{.F.only_first}}")
	if err != nil {
		t.Fatal(err)
	}
	first := consumer.NewRecord(0, time.Time{}, nil, consumer.Field{Key: "status", Value: "200"}, consumer.Field{Key: "only_first", Value: "x"})
	second := consumer.NewRecord(0, time.Time{}, nil, consumer.Field{Key: "status", Value: "502"})
	if got, want := encode(t, enc, first, second), "200|x\n502|\n"; got != want {
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
		enc, err := newEncoder(format, tmpl)
		if err != nil {
			t.Fatal(err)
		}
		out := strings.TrimSuffix(encode(t, enc, r), "\n")
		for _, c := range out {
			if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x202e {
				t.Errorf("%s: raw %U reached the output: %q", format, c, out)
				break
			}
		}
	}
}

// BenchmarkJSONLEncode is the plain tail's encoding of a batch of 12-field
// access logs into its reused buffer: no allocation per log.
//
//	go test -run '^$' -bench BenchmarkJSONLEncode -benchmem ./internal/cli/
func BenchmarkJSONLEncode(b *testing.B) {
	g := &consumer.Group{Topic: "cdn", Source: "10.1.2.3", Tags: []consumer.Field{{Key: "host", Value: "edge-1"}}}
	recs := make([]consumer.Record, 1000)
	for i := range recs {
		recs[i] = consumer.NewRecord(i%4, time.Unix(1764000000, 0), g,
			consumer.Field{Key: "method", Value: "GET"}, consumer.Field{Key: "host", Value: "static.example.com"},
			consumer.Field{Key: "uri", Value: "/assets/app.1f.js"}, consumer.Field{Key: "status", Value: "200"},
			consumer.Field{Key: "cdn_in", Value: "42"}, consumer.Field{Key: "cdn_out", Value: "4200"},
			consumer.Field{Key: "request_time", Value: "0.042"}, consumer.Field{Key: "client_ip", Value: "203.0.113.7"},
			consumer.Field{Key: "user_agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"},
			consumer.Field{Key: "referer", Value: "https://www.example.com/"}, consumer.Field{Key: "region", Value: "cn-hangzhou"},
			consumer.Field{Key: "seq", Value: "12345"})
	}
	var enc jsonlEncoder
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = buf[:0]
		for j := range recs {
			buf, _ = enc.AppendRecord(buf, &recs[j])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/log")
}
