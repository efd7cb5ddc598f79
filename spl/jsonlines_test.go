package spl

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func filterString(t *testing.T, query, input string) (out, errs string, st Stats) {
	t.Helper()
	var o, e bytes.Buffer
	st, err := FilterJSONLines(context.Background(), mustCompile(t, query), strings.NewReader(input), &o, &e)
	if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), st
}

func TestFilterJSONLines(t *testing.T) {
	input := strings.Join([]string{
		`{"status":"503","uri":"/a"}`,
		`{"status":"200","uri":"/b"}`,
		``,
		`not json`,
		`{"status": 500, "uri": "/c", "ok": true, "n": null, "o": {"k": [1, 2]}}`,
		`["an", "array"]`,
		`{"status":"-"}`,
		`{"status":"502","uri":"/\u00e9\"q"}` + "\r",
		`{"status":"504"`,
	}, "\n")
	out, errs, st := filterString(t, "* | where cast(status as bigint) >= 500", input)
	wantOut := strings.Join([]string{
		`{"status":"503","uri":"/a"}`,
		`{"status":"500","uri":"/c","ok":"true","o":"{\"k\":[1,2]}"}`,
		`{"status":"502","uri":"/é\"q"}`,
	}, "\n") + "\n"
	if out != wantOut {
		t.Errorf("output\n%s\nwant\n%s", out, wantOut)
	}
	wantErrs := strings.Join([]string{
		`line 4: expected a JSON object, one log per line`,
		`line 6: expected a JSON object, one log per line`,
		`line 7: where (1:11): cannot cast '-' to bigint`,
		`line 9: invalid JSON at column 16: expected ',' or '}'`,
	}, "\n") + "\n"
	if errs != wantErrs {
		t.Errorf("errors\n%s\nwant\n%s", errs, wantErrs)
	}
	want := Stats{Lines: 9, Logs: 5, BadLines: 3, Failed: 1, Rows: 3}
	if st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

func TestFilterJSONLinesRewritesChangedRows(t *testing.T) {
	out, errs, _ := filterString(t, "* | extend ms = cast(rt as double) * 1000 | project-away rt",
		`{"a":"1","rt":"0.25"}`+"\n"+`{"a":"2","rt":"1"}`)
	want := `{"a":"1","ms":"250.0"}` + "\n" + `{"a":"2","ms":"1000.0"}` + "\n"
	if out != want || errs != "" {
		t.Errorf("out %q errs %q", out, errs)
	}
}

func TestFilterJSONLinesEscapes(t *testing.T) {
	// Input with escapes and control characters is re-encoded, not copied.
	out, _, _ := filterString(t, "* | where a like '%'", `{"a":"tab\tnl\n\u0001 \ud83d\ude00"}`)
	if want := `{"a":"tab\tnl\n\u0001 😀"}` + "\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	// Invalid UTF-8 becomes U+FFFD so the output stays valid JSON.
	out, _, _ = filterString(t, "*", "{\"a\":\"\xff\"}")
	if want := "{\"a\":\"\ufffd\"}\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestFilterJSONLinesLongLine(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	out, errs, st := filterString(t, "* | where length(a) > 10", `{"a":"`+long+`"}`+"\n"+`{"a":"short"}`)
	if st.Rows != 1 || errs != "" || len(out) != len(long)+9 {
		t.Errorf("rows %d errs %q len %d", st.Rows, errs, len(out))
	}
}

func TestFilterJSONLinesCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := FilterJSONLines(ctx, mustCompile(t, "*"), strings.NewReader(`{"a":"1"}`), &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestFilterJSONLinesWriteError(t *testing.T) {
	var in strings.Builder
	for i := 0; i < 100000; i++ {
		in.WriteString(`{"a":"1"}` + "\n")
	}
	_, err := FilterJSONLines(context.Background(), mustCompile(t, "*"), strings.NewReader(in.String()), failWriter{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "write output: disk full") {
		t.Errorf("err = %v", err)
	}
}

func TestFilterJSONLinesCapsFailureReports(t *testing.T) {
	in := strings.Repeat(`{"s":"x"}`+"\n", 150)
	_, errs, st := filterString(t, "* | where cast(s as bigint) > 0", in)
	if st.Failed != 150 {
		t.Errorf("failed %d", st.Failed)
	}
	if n := strings.Count(errs, "\n"); n != maxFailureReports+1 {
		t.Errorf("%d error lines, want %d", n, maxFailureReports+1)
	}
}

// __time__ and __shard__ are numbers in tail's JSON lines; spl writes them
// the same way whether they came in as numbers or strings, so that a
// tail's output piped through spl keeps its types.
func TestFilterJSONLinesMetaNumbers(t *testing.T) {
	in := strings.Join([]string{
		`{"__time__":1714557600,"__shard__":3,"__topic__":"t","status":"502"}`,
		`{"__time__":"1714557600","__shard__":"0","status":"503"}`,
		`{"__time__":"soon","__shard__":"007","status":"504","n":"5"}`,
		`{"__time__":"-1","__shard__":"12345678901234567890","status":"505"}`,
	}, "\n")
	out, errs, _ := filterString(t, "* | where cast(status as bigint) >= 500", in)
	want := strings.Join([]string{
		`{"__time__":1714557600,"__shard__":3,"__topic__":"t","status":"502"}`,
		`{"__time__":1714557600,"__shard__":0,"status":"503"}`,
		`{"__time__":"soon","__shard__":"007","status":"504","n":"5"}`,
		`{"__time__":-1,"__shard__":"12345678901234567890","status":"505"}`,
	}, "\n") + "\n"
	if out != want || errs != "" {
		t.Errorf("got\n%s\nwant\n%s\nerrors %q", out, want, errs)
	}
}
