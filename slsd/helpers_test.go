package slsd

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var testKey = Key{ID: "LTAItestkey", Secret: "test-secret-0123456789"}

const (
	testProject  = "demo-project"
	testLogstore = "access-log"
)

// startServer starts a server with testKey and the demo project/logstore
// (4 shards) unless cfg says otherwise, and stops it when the test ends.
func startServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Keys == nil {
		cfg.Keys = []Key{testKey}
	}
	if cfg.Project == "" {
		cfg.Project, cfg.Logstore = testProject, testLogstore
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// newClient returns an unmodified SDK client for s, signing with key.
func newClient(t testing.TB, s *Server, key Key) sls.ClientInterface {
	t.Helper()
	hc := NewHTTPClient(s.Endpoint())
	t.Cleanup(hc.CloseIdleConnections)
	c := sls.CreateNormalInterface(s.Endpoint(), key.ID, key.Secret, key.SecurityToken)
	c.SetHTTPClient(hc)
	// Errors slsd answers are 4xx (never retried); a short retry budget
	// keeps a broken server from stalling a test for the default 90 s.
	c.SetRetryTimeout(5 * time.Second)
	return c
}

// numberedGroup is a log group of n logs whose "seq" fields run from first.
func numberedGroup(first, n int) *sls.LogGroup {
	g := &sls.LogGroup{Topic: proto.String("topic-a"), Source: proto.String("10.0.0.1"),
		LogTags: []*sls.LogTag{{Key: proto.String("host"), Value: proto.String("web-1")}}}
	now := uint32(time.Now().Unix())
	for i := first; i < first+n; i++ {
		g.Logs = append(g.Logs, &sls.Log{Time: proto.Uint32(now), Contents: []*sls.LogContent{
			{Key: proto.String("seq"), Value: proto.String(strconv.Itoa(i))},
			{Key: proto.String("msg"), Value: proto.String(strings.Repeat("x", i%50))},
		}})
	}
	return g
}

// seqs returns the "seq" values of every log in the list.
func seqs(t testing.TB, gl *sls.LogGroupList) []int {
	t.Helper()
	var out []int
	for _, g := range gl.LogGroups {
		for _, l := range g.Logs {
			for _, c := range l.Contents {
				if c.GetKey() == "seq" {
					n, err := strconv.Atoi(c.GetValue())
					if err != nil {
						t.Fatalf("bad seq %q", c.GetValue())
					}
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// wantError checks that err carries SLS's code, and for *sls.Error (the
// SDK's typed error) the HTTP status and a request id too. Some SDK calls
// flatten errors into "Code:Message" strings; for those the code is all
// that can be checked.
func wantError(t testing.TB, err error, status int, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %d %s", status, code)
	}
	var se *sls.Error
	if errors.As(err, &se) {
		if int(se.HTTPCode) != status || se.Code != code {
			t.Fatalf("got %d %s (%s), want %d %s", se.HTTPCode, se.Code, se.Message, status, code)
		}
		if len(se.RequestID) != 24 {
			t.Fatalf("request id %q is not 24 hex digits", se.RequestID)
		}
		return
	}
	if !strings.HasPrefix(err.Error(), code+":") {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// accessLogGroup builds a log group of n nginx/CDN access logs of 15 fields,
// the shape the demo stream and real CDN logstores have.
func accessLogGroup(r *rand.Rand, n int) *sls.LogGroup {
	methods := []string{"GET", "GET", "GET", "POST", "PUT", "HEAD"}
	paths := []string{"/", "/api/v1/orders", "/static/app.js", "/img/logo.png", "/api/v1/users/42", "/healthz"}
	agents := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
		"curl/8.4.0",
	}
	statuses := []string{"200", "200", "200", "200", "304", "404", "502"}
	now := uint32(time.Now().Unix())
	g := &sls.LogGroup{Topic: proto.String("nginx"), Source: proto.String("10.1.2.3"),
		LogTags: []*sls.LogTag{{Key: proto.String("hostname"), Value: proto.String("cdn-edge-07")}}}
	kv := func(k, v string) *sls.LogContent {
		return &sls.LogContent{Key: proto.String(k), Value: proto.String(v)}
	}
	for range n {
		g.Logs = append(g.Logs, &sls.Log{Time: proto.Uint32(now), Contents: []*sls.LogContent{
			kv("client_ip", fmt.Sprintf("203.0.%d.%d", r.IntN(256), r.IntN(256))),
			kv("method", methods[r.IntN(len(methods))]),
			kv("uri", paths[r.IntN(len(paths))]+"?id="+strconv.Itoa(r.IntN(100000))),
			kv("protocol", "HTTP/1.1"),
			kv("status", statuses[r.IntN(len(statuses))]),
			kv("body_bytes_sent", strconv.Itoa(r.IntN(200000))),
			kv("request_time", strconv.FormatFloat(r.Float64()*2, 'f', 3, 64)),
			kv("upstream_addr", fmt.Sprintf("10.0.%d.%d:8080", r.IntN(4), r.IntN(16))),
			kv("upstream_response_time", strconv.FormatFloat(r.Float64()*2, 'f', 3, 64)),
			kv("http_user_agent", agents[r.IntN(len(agents))]),
			kv("http_referer", "https://www.example.com/"),
			kv("host", "www.example.com"),
			kv("cdn_in", strconv.Itoa(r.IntN(100))),
			kv("cdn_out", strconv.Itoa(r.IntN(100))),
			kv("level", "info"),
		}})
	}
	return g
}

// signedRequest builds a raw request signed by the SDK's own v1 signer, for
// the cases the SDK's API cannot produce (a skewed clock, a tampered
// signature).
func signedRequest(t testing.TB, s *Server, key Key, method, uri string, date time.Time) *http.Request {
	t.Helper()
	return signedBodyRequest(t, s, key, method, uri, date, map[string]string{"x-log-bodyrawsize": "0"}, nil)
}

// signedBodyRequest is signedRequest with extra headers and a body.
func signedBodyRequest(t testing.TB, s *Server, key Key, method, uri string, date time.Time, extra map[string]string, body []byte) *http.Request {
	t.Helper()
	h := map[string]string{
		"x-log-apiversion": "0.6.0",
		"Date":             date.UTC().Format(http.TimeFormat),
	}
	for k, v := range extra {
		h[k] = v
	}
	if err := sls.NewSignerV1(key.ID, key.Secret).Sign(method, uri, h, body); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, "http://"+testProject+"."+s.Endpoint()+uri, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	return req
}
