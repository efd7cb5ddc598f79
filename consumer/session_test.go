package consumer

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slstail/slstail/slsd"
)

func TestSessionDeliversEveryLogInShardOrder(t *testing.T) {
	e := newEnv(t)
	e.write(20, 50) // before Start: read from begin
	cfg := e.config()
	cfg.From = StartFrom{Kind: PosBegin}
	s := e.start(cfg)
	c := collect(s, true)
	e.write(20, 50) // while running
	c.waitTotal(t, 2000)
	c.check(t, 0, 2000)

	c.mu.Lock()
	r := c.records[0]
	c.mu.Unlock()
	if r.Topic() != "t" || r.Source() != "10.0.0.1" || len(r.Tags()) != 1 || r.Tags()[0] != (Field{"host", "web-1"}) {
		t.Errorf("record meta = topic %q source %q tags %v", r.Topic(), r.Source(), r.Tags())
	}
	if fs := r.AppendFields(nil); len(fs) != 2 || fs[0].Key != "seq" || fs[1].Key != "cdn_in" || r.Time.IsZero() {
		t.Errorf("record fields = %v time %v", fs, r.Time)
	}
	// The status counts a batch just after the receiver took it.
	waitFor(t, "status to count 2000", func() bool { return s.Status().Delivered == 2000 })
	st := s.Status()
	if st.Held != testShards || st.Conn != ConnConnected {
		t.Errorf("status: held %d delivered %d conn %v", st.Held, st.Delivered, st.Conn)
	}
	var sum int64
	for _, sh := range st.Shards {
		sum += sh.Delivered
		if sh.Position == "" {
			t.Errorf("shard %d has no position", sh.Shard)
		}
	}
	if sum != 2000 {
		t.Errorf("per-shard delivered sums to %d", sum)
	}
}

// With Compact the session delivers records that no longer hold the SDK's
// decoded logs, with the same content; without, it delivers views.
func TestSessionCompactDeliversCompactedRecords(t *testing.T) {
	for _, compact := range []bool{false, true} {
		e := newEnv(t)
		e.write(10, 50)
		cfg := e.config()
		cfg.From = StartFrom{Kind: PosBegin}
		cfg.Compact = compact
		s := e.start(cfg)
		c := collect(s, true)
		c.waitTotal(t, 500)
		c.check(t, 0, 500)
		c.mu.Lock()
		for _, r := range c.records {
			if (r.log == nil) != compact {
				t.Fatalf("Compact %v: record holds the SDK's log: %v", compact, r.log != nil)
			}
			if fs := r.AppendFields(nil); len(fs) != 2 || fs[0].Key != "seq" || fs[1].Key != "cdn_in" || r.Topic() != "t" || r.Tags()[0].Value != "web-1" {
				t.Fatalf("Compact %v: record %v, fields %v", compact, r, fs)
			}
		}
		c.mu.Unlock()
	}
}

func TestSessionRestartContinueHasNoGapNoDuplicate(t *testing.T) {
	e := newEnv(t)
	s := e.start(e.config()) // from end: only what is written from now on
	c := collect(s, false)

	stop := make(chan struct{})
	wrote := make(chan struct{})
	go func() { // a steady writer across the restarts
		defer close(wrote)
		for {
			select {
			case <-stop:
				return
			default:
			}
			e.write(4, 25)
			time.Sleep(10 * time.Millisecond)
		}
	}()
	queries := []string{"* | where cast(cdn_in as bigint) >= 0", "*", "* | where cdn_in <> 'x'"}
	for i, q := range queries {
		// Each generation delivers something before the next restart.
		c.waitTotal(t, c.total.Load()+300)
		if err := s.Restart(context.Background(), q, StartFrom{Kind: PosContinue}); err != nil {
			t.Fatalf("restart %d: %v", i, err)
		}
	}
	c.waitTotal(t, c.total.Load()+500)
	close(stop)
	<-wrote
	n := e.seq.Load()
	c.waitTotal(t, n)
	time.Sleep(300 * time.Millisecond) // a duplicate would arrive now
	c.check(t, 0, n)
	c.mu.Lock()
	gens := len(c.gens)
	c.mu.Unlock()
	if gens != len(queries)+1 {
		t.Errorf("saw %d generations, want %d", gens, len(queries)+1)
	}
	if st := s.Status(); st.Generation != len(queries)+1 || st.Query != queries[len(queries)-1] {
		t.Errorf("status generation %d query %q", st.Generation, st.Query)
	}
}

func TestSessionRestartFromMinutesAgo(t *testing.T) {
	e := newEnv(t)
	e.clock.shift(-12 * time.Minute)
	e.write(4, 10) // seq 0..39, received 12 minutes ago
	e.clock.shift(-4 * time.Minute)
	e.write(4, 10) // seq 40..79, 4 minutes ago
	e.clock.shift(0)
	s := e.start(e.config()) // from end: nothing old
	c := collect(s, false)
	e.write(4, 10) // seq 80..119
	c.waitTotal(t, 40)
	if err := s.Restart(context.Background(), "*", StartFrom{Kind: PosAgo, Ago: 8 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	c.waitTotal(t, 40+80)
	time.Sleep(300 * time.Millisecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	for n := int64(0); n < 40; n++ {
		if c.seen[n] != 0 {
			t.Fatalf("seq %d from 12 minutes ago was delivered after restarting from -8m", n)
		}
	}
	for n := int64(40); n < 80; n++ {
		if c.seen[n] != 1 {
			t.Fatalf("seq %d from 4 minutes ago delivered %d times, want 1", n, c.seen[n])
		}
	}
	for n := int64(80); n < 120; n++ {
		if c.seen[n] != 2 { // once live, once again after going back
			t.Fatalf("seq %d delivered %d times, want 2", n, c.seen[n])
		}
	}
}

func TestSessionRejectedQueryLeavesStreamRunning(t *testing.T) {
	e := newEnv(t)
	s := e.start(e.config())
	c := collect(s, false)
	e.write(4, 10)
	c.waitTotal(t, 40)
	before := s.Status()

	err := s.Restart(context.Background(), "* | where cast(cdn_in as bigin) > 70", StartFrom{Kind: PosContinue})
	var qe *Error
	if !errors.As(err, &qe) || qe.Kind != EventQuery {
		t.Fatalf("Restart with a bad query = %v, want an EventQuery *Error", err)
	}
	if !strings.Contains(err.Error(), "bigin") {
		t.Errorf("error %q does not point at the problem", err)
	}
	after := s.Status()
	if after.Generation != before.Generation || after.Group != before.Group || after.Query != before.Query {
		t.Errorf("status changed by a rejected restart: %+v -> %+v", before.Generation, after.Generation)
	}
	e.write(4, 10)
	c.waitTotal(t, 80)
	c.check(t, 0, 80)
}

func TestSessionEphemeralGroupDeleted(t *testing.T) {
	e := newEnv(t)
	s, err := NewSession(e.config())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	groups := func() []string {
		gs, err := e.writer.ListConsumerGroup(testProject, testLogstore)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, g := range gs {
			names = append(names, g.ConsumerGroupName)
		}
		return names
	}
	first := s.Status().Group
	if got := groups(); len(got) != 1 || got[0] != first || !strings.HasPrefix(first, "slstail-") {
		t.Fatalf("groups while running = %v, status group %q", got, first)
	}
	if err := s.Restart(context.Background(), "*", StartFrom{Kind: PosContinue}); err != nil {
		t.Fatal(err)
	}
	second := s.Status().Group
	if second == first {
		t.Fatalf("the restart kept group %q", first)
	}
	// The replaced group is deleted in the background, while the new run
	// already delivers.
	waitFor(t, "only the new group left after the restart", func() bool {
		got := groups()
		return len(got) == 1 && got[0] == second
	})
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := groups(); len(got) != 0 {
		t.Fatalf("groups after Stop = %v", got)
	}
	if _, ok := <-s.Batches(); ok {
		t.Error("Batches not closed by Stop")
	}
}

func TestSessionBadCredentials(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name string
		cred Credentials
		key  string
		code string
	}{
		{"wrong secret", Credentials{AccessKeyID: testKey.ID, AccessKeySecret: "not-the-secret-123"}, "AccessKeySecret", "SignatureNotMatch"},
		{"unknown key", Credentials{AccessKeyID: "LTAIunknown", AccessKeySecret: "whatever-secret-456"}, "AccessKeyId", "Unauthorized"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.config()
			cfg.Credentials = tc.cred
			s, err := NewSession(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Stop(context.Background())
			err = s.Start(context.Background())
			var ae *Error
			if !errors.As(err, &ae) || ae.Kind != EventAuth || ae.Key != tc.key || ae.Code != tc.code {
				t.Fatalf("Start = %#v, want auth error on %s with code %s", err, tc.key, tc.code)
			}
			msg := err.Error()
			if strings.Contains(msg, tc.cred.AccessKeySecret) {
				t.Errorf("error text reveals the secret: %s", msg)
			}
			if !strings.Contains(msg, tc.key) || !strings.Contains(msg, tc.code) || !strings.Contains(msg, tc.cred.AccessKeyID) {
				t.Errorf("error text %q does not name the key, its AccessKeyId and the code", msg)
			}
			if st := s.Status(); st.Conn != ConnFailed {
				t.Errorf("conn = %v after auth failure", st.Conn)
			}
			ev := <-s.Events()
			if ev.Kind != EventAuth || ev.Msg != msg {
				t.Errorf("event = %+v", ev)
			}
			t.Logf("%s: %s", tc.name, msg)
		})
	}
}

func TestSessionMissingLogstore(t *testing.T) {
	e := newEnv(t)
	cfg := e.config()
	cfg.Logstore = "nope"
	s, err := NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop(context.Background())
	err = s.Start(context.Background())
	var ae *Error
	if !errors.As(err, &ae) || ae.Kind != EventNotFound || ae.Code != "LogStoreNotExist" {
		t.Fatalf("Start = %v, want LogStoreNotExist", err)
	}
}

func TestSessionLagGrowsWhilePausedAndShrinks(t *testing.T) {
	e := newEnv(t)
	s := e.start(e.config())
	c := collect(s, false)
	e.write(4, 10)
	c.waitTotal(t, 40)
	maxLag := func() time.Duration {
		var m time.Duration
		for _, sh := range s.Status().Shards {
			m = max(m, sh.Lag)
		}
		return m
	}
	waitFor(t, "zero lag", func() bool { return maxLag() == 0 })

	p := make(chan bool)
	c.pause <- p // the receiver stops reading
	e.write(4, 10)
	// Receive times are whole seconds: data written over more than two
	// seconds is at least two seconds apart from the oldest undelivered.
	time.Sleep(2100 * time.Millisecond)
	e.write(4, 10)
	waitFor(t, "lag of 2s while paused", func() bool { return maxLag() >= 2*time.Second })
	if got := c.total.Load(); got > 80 {
		t.Fatalf("paused receiver got %d logs", got)
	}
	close(p) // resume
	c.waitTotal(t, 120)
	waitFor(t, "lag back to zero", func() bool { return maxLag() == 0 })
	c.check(t, 0, 120)
}

func TestSessionSTSToken(t *testing.T) {
	e := newEnv(t)
	cfg := e.config()
	cfg.Credentials = Credentials{AccessKeyID: stsKey.ID, AccessKeySecret: stsKey.Secret, SecurityToken: "stale-token-000"}
	s, err := NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop(context.Background())
	err = s.Start(context.Background())
	var ae *Error
	if !errors.As(err, &ae) || ae.Key != "SecurityToken" || strings.Contains(err.Error(), "stale-token-000") {
		t.Fatalf("Start with a bad token = %v", err)
	}

	cfg.Credentials.SecurityToken = stsKey.SecurityToken
	s2 := e.start(cfg)
	c := collect(s2, false)
	e.write(4, 10)
	c.waitTotal(t, 40)
	c.check(t, 0, 40)
}

func TestSessionQueryRates(t *testing.T) {
	e := newEnv(t)
	e.write(10, 100) // cdn_in = seq % 100
	cfg := e.config()
	cfg.From = StartFrom{Kind: PosBegin}
	cfg.Query = "* | where cast(cdn_in as bigint) > 70"
	s := e.start(cfg)
	c := collect(s, false)
	c.waitTotal(t, 290)
	st := s.Status()
	if st.Delivered != 290 {
		t.Errorf("delivered %d, want 290", st.Delivered)
	}
	// The query metadata of PullLogs: 1000 logs read, 290 returned. Rates
	// count whole seconds, so wait for the second of the pulls to end.
	waitFor(t, "rates", func() bool { st = s.Status(); return st.LogsOutPerSec > 0 })
	if !(st.LogsInPerSec > st.LogsOutPerSec) || st.Shards[0].BytesInPerSec <= st.Shards[0].BytesOutPerSec {
		t.Errorf("rates in %.1f out %.1f: want in > out > 0", st.LogsInPerSec, st.LogsOutPerSec)
	}
}

// cuttable is a transport that can be cut off like a network.
type cuttable struct {
	base http.RoundTripper
	cut  atomic.Bool
}

func (c *cuttable) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.cut.Load() {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, errors.New("dial tcp: connection refused")
	}
	return c.base.RoundTrip(r)
}

func TestSessionReconnects(t *testing.T) {
	e := newEnv(t)
	hc := slsd.NewHTTPClient(e.srv.Endpoint())
	defer hc.CloseIdleConnections()
	net := &cuttable{base: hc.Transport}
	cfg := e.config()
	cfg.HTTPClient = &http.Client{Transport: net}
	s := e.start(cfg)
	c := collect(s, false)
	e.write(4, 10)
	c.waitTotal(t, 40)

	net.cut.Store(true)
	waitFor(t, "reconnecting", func() bool {
		st := s.Status()
		return st.Conn == ConnReconnecting && st.Attempts >= 3
	})
	e.write(4, 10) // written while we are cut off
	net.cut.Store(false)
	waitFor(t, "connected", func() bool { return s.Status().Conn == ConnConnected })
	c.waitTotal(t, 80)
	c.check(t, 0, 80)

	var network, reconnected bool
	for len(s.Events()) > 0 {
		ev := <-s.Events()
		network = network || (ev.Kind == EventNetwork && strings.Contains(ev.Msg, "reconnecting, attempt 1"))
		reconnected = reconnected || strings.Contains(ev.Msg, "reconnected")
	}
	if !network || !reconnected {
		t.Errorf("events: network %v reconnected %v", network, reconnected)
	}
}

// TestSessionPausedReceiverHoldsOnePullPerShard shows that memory stays
// bounded while the receiver does not read: each shard's worker stops at the
// one pull it could not deliver, whatever is left to read.
func TestSessionPausedReceiverHoldsOnePullPerShard(t *testing.T) {
	e := newEnv(t)
	e.write(4*1500, 2) // 1,500 groups per shard; one pull takes at most 1,000
	cfg := e.config()
	cfg.From = StartFrom{Kind: PosBegin}
	s := e.start(cfg) // nobody reads Batches yet
	pulled := func() (n int64) {
		s.track.mu.Lock()
		defer s.track.mu.Unlock()
		for _, sh := range s.track.shards {
			n += sh.pulled
		}
		return n
	}
	waitFor(t, "every shard's first pull", func() bool { return pulled() >= testShards*1000 })
	time.Sleep(time.Second) // time for more pulls, if there were any
	if got := pulled(); got != testShards*1000 {
		t.Fatalf("pulled %d log groups while paused, want exactly one pull (1000) per shard", got)
	}
	c := collect(s, false)
	c.waitTotal(t, 4*1500*2)
	c.check(t, 0, 4*1500*2)
}

// rejecting stands for an SLS whose SPL engine rejects a query that the
// local checker accepts (a newer server rule, say): it answers PullLogs
// with that query the way SLS answers an invalid one.
type rejecting struct {
	base   http.RoundTripper
	marker string
}

func (r *rejecting) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.Contains(req.URL.Query().Get("query"), r.marker) {
		if req.Body != nil {
			req.Body.Close()
		}
		body := `{"errorCode":"ParameterInvalid","errorMessage":"invalid query: the server says no"}`
		return &http.Response{StatusCode: 400, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:        http.Header{"Content-Type": {"application/json"}, "X-Log-Requestid": {"test"}},
			Body:          io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)), Request: req}, nil
	}
	return r.base.RoundTrip(req)
}

func TestSessionServerRejectedQueryLeavesStreamRunning(t *testing.T) {
	e := newEnv(t)
	hc := slsd.NewHTTPClient(e.srv.Endpoint())
	defer hc.CloseIdleConnections()
	cfg := e.config()
	cfg.HTTPClient = &http.Client{Transport: &rejecting{base: hc.Transport, marker: "reject-me"}}
	s := e.start(cfg)
	c := collect(s, false)
	e.write(4, 10)
	c.waitTotal(t, 40)
	gen := s.Status().Generation

	err := s.Restart(context.Background(), "* | where cdn_in <> 'reject-me'", StartFrom{Kind: PosContinue})
	var qe *Error
	if !errors.As(err, &qe) || qe.Kind != EventQuery || !strings.Contains(err.Error(), "the server says no") {
		t.Fatalf("Restart = %v, want the server's query error", err)
	}
	if st := s.Status(); st.Generation != gen {
		t.Errorf("generation %d -> %d after a rejected restart", gen, st.Generation)
	}
	e.write(4, 10)
	c.waitTotal(t, 80)
	c.check(t, 0, 80)
}

func TestSessionRefusesStartAfterStop(t *testing.T) {
	e := newEnv(t)
	s, err := NewSession(e.config())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "session stopped") {
		t.Fatalf("Start after Stop = %v, want a refusal that says the session is stopped", err)
	}
}
