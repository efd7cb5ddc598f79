package demogen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWriteJSONL decodes every line and checks it against Next: the same
// logs, keys in field order, every value a string.
func TestWriteJSONL(t *testing.T) {
	const n = 3000
	var out bytes.Buffer
	if err := WriteJSONL(&out, n, 4, epoch); err != nil {
		t.Fatal(err)
	}
	g := New(4, Options{})
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		at := epoch.Add(time.Duration(i) * JSONLInterval)
		want := g.Next(at)
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("line %d: %q does not open an object", i, sc.Text())
		}
		var keys, vals []string
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				t.Fatalf("line %d: %v", i, err)
			}
			v, err := dec.Token()
			s, ok := v.(string)
			if err != nil || !ok {
				t.Fatalf("line %d: %v is %T %v, want a string", i, k, v, err)
			}
			keys, vals = append(keys, k.(string)), append(vals, s)
		}
		if len(keys) != 1+len(want.Fields) || keys[0] != "__time__" || vals[0] != strconv.FormatInt(at.Unix(), 10) {
			t.Fatalf("line %d: keys %v, __time__ %q", i, keys, vals[0])
		}
		for f, field := range want.Fields {
			if keys[1+f] != field.Key || vals[1+f] != field.Value {
				t.Fatalf("line %d: %s=%q, want %s=%q", i, keys[1+f], vals[1+f], field.Key, field.Value)
			}
		}
	}
	if i != n {
		t.Errorf("%d lines, want %d", i, n)
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `a "quoted" \path\`, "bell\a tab\t nl\n esc\x1b[31m"} {
		var back string
		if err := json.Unmarshal(appendJSONString(nil, s), &back); err != nil || back != s {
			t.Errorf("%q encoded as %s, decodes to %q (%v)", s, appendJSONString(nil, s), back, err)
		}
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteJSONLError(t *testing.T) {
	if err := WriteJSONL(&failingWriter{after: 100 << 10}, 10000, 1, epoch); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteJSONL to a failing writer: %v", err)
	}
}
