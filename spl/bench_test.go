package spl

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

var (
	demoLogPath  = flag.String("demolog", "", "write demo access-log JSON lines to this file (TestWriteDemoLog)")
	demoLogLines = flag.Int("demolines", 1_000_000, "number of lines TestWriteDemoLog writes")
)

var (
	demoMethods = []string{"GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "HEAD"}
	demoURIs    = []string{"/", "/index.html", "/api/v1/orders", "/api/v1/users/12345", "/static/app.js", "/static/css/mip-base.css", "/login", "/search?q=sls&page=2", "/healthz", "/api/v1/cart/items"}
	demoAgents  = []string{
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
		"curl/8.4.0",
		"Go-http-client/1.1",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
	}
	demoHosts     = []string{"www.example.com", "api.example.com", "static.example.com"}
	demoReferers  = []string{"-", "https://www.example.com/", "https://www.google.com/", "https://api.example.com/docs"}
	demoUpstreams = []string{"10.0.1.11:8080", "10.0.1.12:8080", "10.0.1.13:8080"}
)

// demoAccessLog builds one nginx-style access log with 15 fields, like the
// demo logstore; about 10% have status >= 500.
func demoAccessLog(rng *rand.Rand, i int) []Field {
	status := "200"
	switch x := rng.IntN(100); {
	case x < 10:
		status = []string{"500", "502", "503", "504"}[rng.IntN(4)]
	case x < 18:
		status = []string{"404", "403", "400"}[rng.IntN(3)]
	case x < 25:
		status = []string{"301", "304"}[rng.IntN(2)]
	}
	level := "INFO"
	if status[0] == '5' {
		level = "ERROR"
	} else if status[0] == '4' {
		level = "WARN"
	}
	t := time.Unix(1732406400+int64(i/100), 0).UTC()
	rt := rng.Float64() * 2
	return []Field{
		{"time", t.Format("2006-01-02T15:04:05+00:00")},
		{"client_ip", fmt.Sprintf("192.168.%d.%d", rng.IntN(256), rng.IntN(256))},
		{"method", demoMethods[rng.IntN(len(demoMethods))]},
		{"uri", demoURIs[rng.IntN(len(demoURIs))]},
		{"status", status},
		{"body_bytes_sent", strconv.Itoa(rng.IntN(20000))},
		{"request_time", strconv.FormatFloat(rt, 'f', 3, 64)},
		{"upstream_addr", demoUpstreams[rng.IntN(len(demoUpstreams))]},
		{"upstream_response_time", strconv.FormatFloat(rt*0.9, 'f', 3, 64)},
		{"http_user_agent", demoAgents[rng.IntN(len(demoAgents))]},
		{"host", demoHosts[rng.IntN(len(demoHosts))]},
		{"cdn_in", strconv.Itoa(rng.IntN(100))},
		{"cdn_out", strconv.Itoa(rng.IntN(100))},
		{"level", level},
		{"referer", demoReferers[rng.IntN(len(demoReferers))]},
	}
}

func demoRows(n int) [][]Field {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([][]Field, n)
	for i := range rows {
		rows[i] = demoAccessLog(rng, i)
	}
	return rows
}

func writeDemoLines(w io.Writer, n int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	bw := bufio.NewWriter(w)
	var b []byte
	for i := 0; i < n; i++ {
		b = appendLogJSON(b[:0], demoAccessLog(rng, i))
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// TestWriteDemoLog writes the benchmark input for the jq comparison:
//
//	go test ./spl -run TestWriteDemoLog -demolog=/tmp/access.jsonl
func TestWriteDemoLog(t *testing.T) {
	if *demoLogPath == "" {
		t.Skip("set -demolog=FILE to write demo access-log lines")
	}
	f, err := os.Create(*demoLogPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeDemoLines(f, *demoLogLines); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDemoRowsShape(t *testing.T) {
	rows := demoRows(10000)
	p, err := Compile("* | where cast(status as bigint) >= 500")
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	for _, r := range rows {
		if len(r) != 15 {
			t.Fatalf("row has %d fields", len(r))
		}
		if err := p.Run(r, func([]Field) { hits++ }); err != nil {
			t.Fatal(err)
		}
	}
	// About 10% are server errors; the bounds only guard against a broken generator.
	if hits < 800 || hits > 1200 {
		t.Fatalf("%d of 10000 rows have status >= 500, want about 1000", hits)
	}
}

func BenchmarkWhereStatus(b *testing.B) {
	rows := demoRows(4096)
	p, err := Compile("* | where cast(status as bigint) >= 500")
	if err != nil {
		b.Fatal(err)
	}
	hits := 0
	emit := func([]Field) { hits++ }
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := p.Run(rows[i&4095], emit); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "logs/s")
}

func BenchmarkExtendProject(b *testing.B) {
	rows := demoRows(4096)
	p, err := Compile("* | where cast(status as bigint) >= 500 | extend ms = cast(request_time as double) * 1000 | project time, status, uri, ms")
	if err != nil {
		b.Fatal(err)
	}
	emit := func([]Field) {}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := p.Run(rows[i&4095], emit); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "logs/s")
}

func BenchmarkFilterJSONLines(b *testing.B) {
	const n = 50000
	var buf bytes.Buffer
	if err := writeDemoLines(&buf, n); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	p, err := Compile("* | where cast(status as bigint) >= 500")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		st, err := FilterJSONLines(context.Background(), p, bytes.NewReader(data), io.Discard, io.Discard)
		if err != nil || st.Logs != n {
			b.Fatalf("stats %+v, err %v", st, err)
		}
	}
	b.ReportMetric(float64(b.N*n)/time.Since(start).Seconds(), "logs/s")
}
