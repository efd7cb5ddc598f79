package highlight

import (
	"strings"
	"testing"
)

type kv struct{ k, v string }

// classify runs rs over a log's fields as the formatter does.
func classify(rs *Rules, fields []kv) (Hit, bool) {
	var best Hit
	found := false
	for i, f := range fields {
		best, found = rs.Check(best, found, i, f.k, f.v)
	}
	return best, found
}

func level(t *testing.T, rs *Rules, fields ...kv) string {
	t.Helper()
	h, ok := classify(rs, fields)
	if !ok {
		return "-"
	}
	st := rs.Styles()[h.Style]
	if st.Level == LevelColor {
		return st.Color
	}
	return st.Level.String()
}

func TestDefaults(t *testing.T) {
	rs, err := Compile(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		fields []kv
		want   string
	}{
		{[]kv{{"status", "503"}}, "error"},
		{[]kv{{"status", "500"}}, "error"},
		{[]kv{{"status", "599"}}, "error"},
		{[]kv{{"status", "600"}}, "-"},
		{[]kv{{"status", "404"}}, "warn"},
		{[]kv{{"status", "200"}}, "-"},
		{[]kv{{"status", "5xx"}}, "-"},
		{[]kv{{"status", ""}}, "-"},
		{[]kv{{"level", "ERROR"}}, "error"},
		{[]kv{{"level", "Warning"}}, "warn"},
		{[]kv{{"severity", "fatal"}}, "fatal"},
		{[]kv{{"level", "errors"}}, "-"},
		{[]kv{{"level", "info"}}, "-"},
		{[]kv{{"message", "error"}}, "-"},
		// The earliest rule wins, whatever the field order: status 5xx
		// is the first rule.
		{[]kv{{"level", "warn"}, {"status", "502"}}, "error"},
		{[]kv{{"status", "404"}, {"level", "error"}}, "warn"},
	} {
		if got := level(t, rs, tt.fields...); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.fields, got, tt.want)
		}
	}
}

func TestRules(t *testing.T) {
	rules := append([]Rule{
		{Field: "status", Match: "503", Style: "fatal"}, // a word that is a number
		{Field: "status", Match: "499", Style: "none"},  // silences a default
		{Field: "upstream_addr", Match: "prefix:10.0.3.", Style: "#ff8800"},
		{Field: "request_time", Match: ">=1.5", Style: "warn"},
		{Field: "request_time", Match: "<0", Style: "196"},
		{Field: "msg", Match: `re:timeout after \d+ms`, Style: "info"},
		{Field: "code", Match: "-5--1", Style: "debug"},
	}, Defaults()...)
	rs, err := Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		fields []kv
		want   string
	}{
		{[]kv{{"status", "503"}}, "fatal"},
		{[]kv{{"status", "502"}}, "error"},
		{[]kv{{"status", "499"}}, "none"},
		{[]kv{{"upstream_addr", "10.0.3.7:8080"}}, "#ff8800"},
		{[]kv{{"upstream_addr", "10.0.30.7:8080"}}, "-"},
		{[]kv{{"request_time", "1.5"}}, "warn"},
		{[]kv{{"request_time", "1.499"}}, "-"},
		{[]kv{{"request_time", "2e1"}}, "warn"},
		{[]kv{{"request_time", "-"}}, "-"},
		{[]kv{{"request_time", "-0.5"}}, "196"},
		{[]kv{{"msg", "upstream timeout after 5000ms"}}, "info"},
		{[]kv{{"msg", "Timeout after 5000ms"}}, "-"},
		{[]kv{{"code", "-3"}}, "debug"},
		{[]kv{{"code", "-6"}}, "-"},
	} {
		if got := level(t, rs, tt.fields...); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.fields, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ match, style, want string }{
		{"", "error", "empty match"},
		{"re:(", "error", "missing closing )"},
		{"prefix:", "error", "empty prefix"},
		{"error||err", "error", "empty word"},
		{">=abc", "error", `"abc" is not a number`},
		{"599-500", "error", "the range is empty"},
		{"500-599", "loud", `style "loud": want fatal, error`},
		{"500-599", "#ff88", "want fatal"},
		{"500-599", "256", "want fatal"},
	} {
		_, err := Compile([]Rule{{Field: "status", Match: tt.match, Style: tt.style}})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "highlight rule 1: ") {
			t.Errorf("match %q style %q: error %v, want %q", tt.match, tt.style, err, tt.want)
		}
	}
	if _, err := Compile([]Rule{{Match: "x", Style: "error"}}); err == nil {
		t.Error("a rule without a field compiled")
	}
	// "x-ray" is a word, not a range.
	if err := ParseMatch("x-ray"); err != nil {
		t.Errorf("x-ray: %v", err)
	}
}

// The formatter runs the rules on every line it draws: no allocation.
func TestCheckDoesNotAllocate(t *testing.T) {
	rs, _ := Compile(append([]Rule{{Field: "msg", Match: "re:time(out)?", Style: "warn"}, {Field: "rt", Match: ">=1.5", Style: "warn"}}, Defaults()...))
	fields := demoLine()
	allocs := testing.AllocsPerRun(1000, func() { classify(rs, fields) })
	if allocs != 0 {
		t.Fatalf("%v allocations a line", allocs)
	}
}

func demoLine() []kv {
	return []kv{{"client_ip", "123.126.113.247"}, {"method", "GET"}, {"uri", "/api/v1/orders/17"},
		{"status", "503"}, {"body_bytes_sent", "0"}, {"request_time", "0.004"}, {"upstream_addr", "10.0.3.7:8080"},
		{"rt", "not-a-number"}, {"msg", "upstream prematurely closed"}, {"level", "error"}, {"host", "shop.example.com"}}
}

// BenchmarkCheck is the cost a line of the default rules plus two of the
// user's, over an 11-field access log.
//
//	go test -run '^$' -bench Check -benchmem ./internal/highlight
func BenchmarkCheck(b *testing.B) {
	rs, _ := Compile(append([]Rule{{Field: "msg", Match: "re:time(out)?", Style: "warn"}, {Field: "rt", Match: ">=1.5", Style: "warn"}}, Defaults()...))
	fields := demoLine()
	b.ReportAllocs()
	for range b.N {
		classify(rs, fields)
	}
}
