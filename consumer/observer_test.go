package consumer

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParseRequest(t *testing.T) {
	cases := []struct {
		method, url string
		op          string
		shard       int
		group       string
	}{
		{"GET", "http://p.h/logstores/ls/shards/3?type=logs&cursor=MTA=&count=1000&query=%2A+%7C+where+a%3D1", "PullLogs shard 3", 3, ""},
		{"GET", "http://p.h/logstores/ls/shards/1?type=cursor&from=end", "GetCursor shard 1", 1, ""},
		{"POST", "http://p.h/logstores/ls/consumergroups/g1?type=heartbeat&consumer=c", "HeartBeat", -1, "g1"},
		{"POST", "http://p.h/logstores/ls/consumergroups/g1?type=checkpoint&consumer=c&forceSuccess=true", "UpdateCheckpoint", -1, "g1"},
		{"GET", "http://p.h/logstores/ls/consumergroups/g1", "GetCheckpoint", -1, "g1"},
		{"GET", "http://p.h/logstores/ls/shards", "ListShards", -1, ""},
		{"GET", "http://p.h/logstores/other/shards", "GET /logstores/other/shards", -1, ""},
	}
	for _, tc := range cases {
		r := httptest.NewRequest(tc.method, tc.url, nil)
		got := parseRequest(r, "ls")
		if got.op != tc.op || got.shard != tc.shard || got.group != tc.group {
			t.Errorf("%s %s = %+v", tc.method, tc.url, got)
		}
	}
	r := httptest.NewRequest("GET", cases[0].url, nil)
	if got := parseRequest(r, "ls"); got.cursor != "MTA=" || !got.query {
		t.Errorf("pull = %+v", got)
	}
}

func TestParsePullMeta(t *testing.T) {
	h := http.Header{}
	h.Set("X-Log-Bodyrawsize", "300")
	h.Set("X-Log-Count", "2")
	if m := parsePullMeta(h); m.queried || m.bytesIn != 300 || m.bytesOut != 300 {
		t.Errorf("without query headers: %+v", m)
	}
	h.Set("X-Log-Rawdatasize", "1000")
	h.Set("X-Log-Rawdatalines", "50")
	h.Set("X-Log-Resultlines", "7")
	if m := parsePullMeta(h); !m.queried || m.linesIn != 50 || m.linesOut != 7 || m.bytesIn != 1000 || m.bytesOut != 300 {
		t.Errorf("with query headers: %+v", m)
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		status    int
		code, msg string
		kind      EventKind
		key       string
	}{
		{401, "SignatureNotMatch", "Signature abcDEF123= not matched.", EventAuth, "AccessKeySecret"},
		{401, "Unauthorized", "AccessKeyId not found: LTAIx", EventAuth, "AccessKeyId"},
		{401, "InvalidAccessKeyId", "The access key id you provided is invalid: x.", EventAuth, "AccessKeyId"},
		{401, "Unauthorized", "The security token you provided is invalid.", EventAuth, "SecurityToken"},
		{401, "Unauthorized", "The security token you provided has expired.", EventAuth, "SecurityToken"},
		{403, "Unauthorized", "denied by sts or ram, action: log:PullLogs", EventAuth, ""},
		{403, "ReadQuotaExceed", "Read quota is exceeded.", EventThrottled, ""},
		{404, "ProjectNotExist", "The Project does not exist: p", EventNotFound, ""},
		{404, "LogStoreNotExist", "logstore x does not exist", EventNotFound, ""},
		{500, "InternalServerError", "boom", EventInfo, ""},
	}
	for _, tc := range cases {
		e := classify("op", tc.status, tc.code, tc.msg, "")
		if e.Kind != tc.kind || e.Key != tc.key {
			t.Errorf("%s %q = kind %d key %q", tc.code, tc.msg, e.Kind, e.Key)
		}
		if strings.Contains(e.Error(), "abcDEF123") {
			t.Errorf("signature echoed: %s", e.Error())
		}
		if tc.key != "" && !strings.Contains(e.Error(), tc.key) {
			t.Errorf("%q does not name %s", e.Error(), tc.key)
		}
	}
}

// flaky is a transport that fails while down and otherwise answers with the
// handler's response.
type flaky struct {
	down bool
	h    http.HandlerFunc
}

func (f *flaky) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.down {
		return nil, errors.New("connect: connection refused")
	}
	w := httptest.NewRecorder()
	f.h(w, r)
	return w.Result(), nil
}

func TestObserverReportsAndPassesThrough(t *testing.T) {
	events := newEventSink(16, time.Minute)
	tr := newTracker(events, time.Now, 5*time.Second)
	tr.setShards([]int{0, 1, 2, 3}, nil)
	tr.newRun("g", "q", 1)
	f := &flaky{h: func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.RawQuery, "type=heartbeat"):
			io.WriteString(w, "[0,2]")
		case strings.Contains(r.URL.RawQuery, "cursor=bad"):
			w.WriteHeader(400)
			io.WriteString(w, `{"errorCode":"ParameterInvalid","errorMessage":"invalid query: line 1:3 nope"}`)
		default:
			w.Header().Set("X-Log-Cursor", "next")
			w.Header().Set("X-Log-Bodyrawsize", "100")
			w.Header().Set("X-Log-Rawdatasize", "400")
			w.Header().Set("X-Log-Rawdatalines", "40")
			w.Header().Set("X-Log-Resultlines", "4")
		}
	}}
	r := newRun(1, "g", "q", nil, tr, newBudget(8), nil)
	hc := &http.Client{Transport: &observer{base: f, t: tr, run: r, logstore: "ls", timeout: time.Minute}}
	do := func(method, url string) (string, error) {
		req, _ := http.NewRequest(method, url, nil)
		resp, err := hc.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), nil
	}
	if body, _ := do("POST", "http://p.h/logstores/ls/consumergroups/g?type=heartbeat&consumer=c"); body != "[0,2]" {
		t.Errorf("heartbeat body passed on as %q", body)
	}
	do("GET", "http://p.h/logstores/ls/shards/0?type=logs&cursor=c0&query=x")
	if body, _ := do("GET", "http://p.h/logstores/ls/shards/2?type=logs&cursor=bad&query=x"); !strings.Contains(body, "ParameterInvalid") {
		t.Errorf("error body passed on as %q", body)
	}
	st := tr.snapshot()
	if st.Conn != ConnConnected || st.Held != 2 || !st.Shards[0].Held || st.Shards[1].Held || !st.Shards[2].Held {
		t.Fatalf("status after heartbeat: %+v", st)
	}
	if st.Shards[0].State != ShardPulling || st.Shards[2].State != ShardError || !strings.Contains(st.Shards[2].LastError, "invalid query") {
		t.Errorf("shard states: %+v / %+v", st.Shards[0], st.Shards[2])
	}
	if ev := <-events.ch; ev.Kind != EventQuery {
		t.Errorf("event %+v, want a query event", ev)
	}

	f.down = true
	for i := 0; i < 3; i++ {
		if _, err := do("GET", "http://p.h/logstores/ls/shards/0?type=logs&cursor=c1"); err == nil {
			t.Fatal("no error while down")
		}
	}
	st = tr.snapshot()
	if st.Conn != ConnReconnecting || st.Attempts != 3 || st.Shards[0].State != ShardBackoff {
		t.Errorf("while down: conn %v attempts %d shard %v", st.Conn, st.Attempts, st.Shards[0].State)
	}
	if ev := <-events.ch; ev.Kind != EventNetwork || !strings.Contains(ev.Msg, "attempt 1") {
		t.Errorf("event %+v", ev)
	}
	f.down = false
	do("GET", "http://p.h/logstores/ls/shards/0?type=logs&cursor=c1")
	if st = tr.snapshot(); st.Conn != ConnConnected || st.Attempts != 0 {
		t.Errorf("after recovery: conn %v attempts %d", st.Conn, st.Attempts)
	}
	if ev := <-events.ch; ev.Kind != EventInfo || !strings.Contains(ev.Msg, "reconnected") {
		t.Errorf("event %+v", ev)
	}
}

func TestRateWindow(t *testing.T) {
	var w rateWindow
	t0 := time.Unix(1000, 0)
	for s := 0; s < 10; s++ {
		w.add(t0.Add(time.Duration(s)*time.Second), rateLogsIn, 100)
	}
	// At t0+10s the window holds seconds 5..9: 500 logs over 5 s.
	if r := w.rates(t0.Add(10*time.Second), t0); r[rateLogsIn] != 100 {
		t.Errorf("steady rate = %v", r[rateLogsIn])
	}
	// Two seconds after a fresh start, divide by two, not five.
	var f rateWindow
	f.add(t0, rateLogsIn, 100)
	f.add(t0.Add(time.Second), rateLogsIn, 100)
	if r := f.rates(t0.Add(2*time.Second), t0); r[rateLogsIn] != 100 {
		t.Errorf("fresh rate = %v", r[rateLogsIn])
	}
	// Long after the last sample, nothing.
	if r := w.rates(t0.Add(60*time.Second), t0); r[rateLogsIn] != 0 {
		t.Errorf("stale rate = %v", r[rateLogsIn])
	}
	// A burst in the second under way shows at once: a backfill taken in
	// within the first second of a session read 0/s (issue 12).
	var b rateWindow
	b.add(t0.Add(300*time.Millisecond), rateLogsIn, 60_000)
	if r := b.rates(t0.Add(500*time.Millisecond), t0); r[rateLogsIn] != 120_000 {
		t.Errorf("burst in the first second = %v, want 120,000 (60,000 in 0.5 s)", r[rateLogsIn])
	}
	// Mid-second, the partial second is part of the span: 5 complete
	// seconds of 100 and a half second of 50 are 100/s.
	var m rateWindow
	for s := 0; s < 10; s++ {
		m.add(t0.Add(time.Duration(s)*time.Second), rateLogsIn, 100)
	}
	m.add(t0.Add(10*time.Second), rateLogsIn, 50)
	if r := m.rates(t0.Add(10500*time.Millisecond), t0); r[rateLogsIn] != 100 {
		t.Errorf("mid-second rate = %v, want 100", r[rateLogsIn])
	}
}

func TestEventSinkSuppressesRepeatsAndNeverBlocks(t *testing.T) {
	s := newEventSink(2, time.Minute)
	for i := 0; i < 5; i++ {
		s.emit(EventNetwork, "same", nil)
	}
	s.emit(EventInfo, "a", nil)
	s.emit(EventInfo, "b", nil) // channel full: dropped, not blocking
	if len(s.ch) != 2 || s.dropped != 1 {
		t.Errorf("queued %d dropped %d", len(s.ch), s.dropped)
	}
	s.close()
	s.emit(EventInfo, "after close", nil) // must not panic
}

func TestKeyIDFromAuth(t *testing.T) {
	for h, want := range map[string]string{
		"LOG LTAI5tAbc:c2lnbmF0dXJl=": "LTAI5tAbc",
		"SLS4-HMAC-SHA256 Credential=LTAI5tAbc/20261201/cn-hangzhou/sls/aliyun_v4_request,Signature=abc": "LTAI5tAbc",
		"":             "",
		"Bearer token": "",
	} {
		if got := keyIDFromAuth(h); got != want {
			t.Errorf("keyIDFromAuth(%q) = %q, want %q", h, got, want)
		}
	}
}

func TestAuthErrorNamesTheKeyID(t *testing.T) {
	e := classify("ListShards", 401, "SignatureNotMatch", "Signature c2ln not match", "req-1")
	e.KeyID = "LTAI5tAbc"
	want := "ListShards: the AccessKeySecret does not match AccessKeyId LTAI5tAbc (signature rejected) [SignatureNotMatch, HTTP 401]: Signature not match"
	if got := e.Error(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// A pull that read to the shard's end and whose query kept nothing leaves
// the shard idle, as an empty pull does: under a selective query the SDK
// pulls a caught-up shard every 500 ms and nearly every pull has new data
// that the query filters away. A full pull (as many groups as asked for, or
// 4 MiB) may have stopped short of the end: the shard is still pulling.
func TestPulledIdleWhenReadToEndAndFilteredAway(t *testing.T) {
	cases := []struct {
		name  string
		next  string
		count int
		m     pullMeta
		want  ShardState
	}{
		{"empty pull", "c0", 1000, pullMeta{}, ShardIdle},
		{"data, no query", "c1", 1000, pullMeta{groupsIn: 3, linesIn: 30}, ShardPulling},
		{"query kept some", "c1", 1000, pullMeta{queried: true, groupsIn: 3, linesIn: 30, linesOut: 2}, ShardPulling},
		{"query kept none, read to the end", "c1", 1000, pullMeta{queried: true, groupsIn: 3, linesIn: 30}, ShardIdle},
		{"query kept none, full by groups", "c1", 1000, pullMeta{queried: true, groupsIn: 1000, linesIn: 30}, ShardPulling},
		{"query kept none, full by bytes", "c1", 1000, pullMeta{queried: true, groupsIn: 3, linesIn: 30, bytesIn: fullPullBytes}, ShardPulling},
		{"query kept none, count unknown", "c1", 0, pullMeta{queried: true, groupsIn: 3, linesIn: 30}, ShardPulling},
	}
	for _, c := range cases {
		tr := newTracker(newEventSink(4, time.Minute), time.Now, 5*time.Second)
		tr.pulled(0, "c0", c.next, c.count, c.m)
		if got := tr.shards[0].s.State; got != c.want { // as held (a snapshot says released before a heartbeat)
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	r := httptest.NewRequest("GET", "http://p.h/logstores/ls/shards/3?type=logs&cursor=MTA=&count=1000&query=x", nil)
	if got := parseRequest(r, "ls"); got.count != 1000 {
		t.Errorf("pull asked for %d groups, want 1000", got.count)
	}
}
