package consumer

// Fault injection: a real Session against slsd, with a fault proxy
// (internal/faultproxy) or slsd itself misbehaving in between. Each test
// checks what the user is promised (nothing lost, states shown, recovery
// by itself) and logs how long it took; docs/RELIABILITY.md has the
// figures. The stall threshold is 1 s here to keep the suite short; the
// figures for the default (5 s) come from
//
//	go test -count=1 -run 'TestFault' -v -fault.stall 5s ./consumer/

import (
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slstail/slstail/internal/faultproxy"
	"github.com/slstail/slstail/slsd"
)

var (
	faultStall    = flag.Duration("fault.stall", time.Second, "StallAfter of the sessions in the fault tests")
	faultDefaults = flag.Bool("fault.defaults", false, "the group-deletion test with the default heartbeat and commit intervals (5 s)")
)

// proxied starts a proxy in front of the env's slsd and returns it with a
// config that goes through it.
func (e *testEnv) proxied(t *testing.T) (*faultproxy.Proxy, Config) {
	t.Helper()
	p, err := faultproxy.New(e.srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	cfg := e.config()
	cfg.Endpoint = p.Addr()
	cfg.StallAfter = *faultStall
	return p, cfg
}

// writer writes groups of 4×5 logs until stopped, spread over the shards.
type writer struct {
	stop chan struct{}
	done chan struct{}
}

func (e *testEnv) writeSteadily(every time.Duration) *writer {
	w := &writer{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.stop:
				return
			case <-time.After(every):
			}
			e.write(4, 5)
		}
	}()
	return w
}

func (w *writer) halt() {
	close(w.stop)
	<-w.done
}

// stopAndWait stops s and waits for every goroutine it left.
func stopAndWait(t *testing.T, s *Session) error {
	t.Helper()
	err := s.Stop(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if werr := s.Wait(ctx); werr != nil {
		t.Errorf("Wait: %v", werr)
	}
	return err
}

// A server that accepts and never answers shows as stalled (the
// connection, and each held shard whose pull waits) within StallAfter of
// the last answer; when it answers again the session catches up with
// nothing lost or repeated.
func TestFaultStall(t *testing.T) {
	e := newEnv(t)
	p, cfg := e.proxied(t)
	s := e.start(cfg)
	c := collect(s, false)
	e.write(4, 5)
	c.waitTotal(t, 20)

	p.Stall()
	stalledAt := time.Now()
	waitFor(t, "the connection shown stalled", func() bool { return s.Status().Conn == ConnStalled })
	connShown := time.Since(stalledAt)
	waitFor(t, "a shard shown stalled", func() bool {
		for _, sh := range s.Status().Shards {
			if sh.State == ShardStalled {
				return true
			}
		}
		return false
	})
	shardShown := time.Since(stalledAt)
	e.write(4, 5)                  // written while stalled
	time.Sleep(3 * cfg.StallAfter) // requests are cut and retried meanwhile

	p.Flow()
	flowedAt := time.Now()
	c.waitTotal(t, 40)
	recovered := time.Since(flowedAt)
	waitFor(t, "connected again", func() bool { return s.Status().Conn == ConnConnected })
	time.Sleep(300 * time.Millisecond)
	c.check(t, 0, 40)
	t.Logf("stall (StallAfter %v): connection shown stalled after %v, a shard after %v; logs flowing %v after the server answered again",
		cfg.StallAfter, connShown.Round(10*time.Millisecond), shardShown.Round(10*time.Millisecond), recovered.Round(10*time.Millisecond))
	if err := stopAndWait(t, s); err != nil {
		t.Fatal(err)
	}
}

// Connections reset again and again while logs are written: every log
// arrives exactly once (a cut pull is retried from its own cursor).
func TestFaultResets(t *testing.T) {
	e := newEnv(t)
	p, cfg := e.proxied(t)
	s := e.start(cfg)
	c := collect(s, false)
	w := e.writeSteadily(20 * time.Millisecond)
	for i := 0; i < 10; i++ {
		time.Sleep(150 * time.Millisecond)
		p.Reset()
	}
	w.halt()
	n := e.seq.Load()
	c.waitTotal(t, n)
	time.Sleep(300 * time.Millisecond)
	c.check(t, 0, n)
	t.Logf("10 resets over %d logs: none lost, none repeated", n)
	if err := stopAndWait(t, s); err != nil {
		t.Fatal(err)
	}
}

// Added latency slows the session down and changes nothing else.
func TestFaultLatency(t *testing.T) {
	e := newEnv(t)
	p, cfg := e.proxied(t)
	p.SetLatency(30 * time.Millisecond)
	s := e.start(cfg)
	c := collect(s, false)
	e.write(8, 50)
	start := time.Now()
	c.waitTotal(t, 400)
	took := time.Since(start)
	time.Sleep(300 * time.Millisecond)
	c.check(t, 0, 400)
	if st := s.Status(); st.Conn != ConnConnected {
		t.Errorf("conn %v with 30 ms latency", st.Conn)
	}
	t.Logf("30 ms each way: 400 logs in %v, state connected", took.Round(10*time.Millisecond))
	if err := stopAndWait(t, s); err != nil {
		t.Fatal(err)
	}
}

// restartable is slsd served on a fixed address by an http.Server the test
// can close and start again: a server restart on the same port that keeps
// its data (and its consumer groups).
type restartable struct {
	srv  *slsd.Server
	addr string
	mu   sync.Mutex
	hs   *http.Server
	wg   sync.WaitGroup
}

func (r *restartable) up(t *testing.T) {
	t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 100; i++ {
		if ln, err = net.Listen("tcp", r.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	hs := &http.Server{Handler: r.srv.Handler()}
	r.mu.Lock()
	r.hs = hs
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		hs.Serve(ln)
	}()
}

func (r *restartable) down() {
	r.mu.Lock()
	hs := r.hs
	r.mu.Unlock()
	hs.Close()
	r.wg.Wait()
}

// The server restarts on the same port: the session reconnects by itself
// and delivers what was written meanwhile, nothing lost or repeated.
func TestFaultServerRestartSamePort(t *testing.T) {
	e := newEnv(t)
	r := &restartable{srv: e.srv, addr: "127.0.0.1:0"}
	r.up(t)
	cfg := e.config()
	cfg.Endpoint = r.addr
	cfg.StallAfter = *faultStall
	s := e.start(cfg)
	c := collect(s, false)
	e.write(4, 5)
	c.waitTotal(t, 20)

	r.down()
	downAt := time.Now()
	waitFor(t, "reconnecting", func() bool { return s.Status().Conn == ConnReconnecting })
	shown := time.Since(downAt)
	e.write(4, 5)
	time.Sleep(time.Second)
	r.up(t)
	upAt := time.Now()
	c.waitTotal(t, 40)
	recovered := time.Since(upAt)
	waitFor(t, "connected", func() bool { return s.Status().Conn == ConnConnected })
	time.Sleep(300 * time.Millisecond)
	c.check(t, 0, 40)
	t.Logf("server restart on the same port: reconnecting shown after %v; logs flowing %v after it was back",
		shown.Round(10*time.Millisecond), recovered.Round(10*time.Millisecond))
	if err := stopAndWait(t, s); err != nil {
		t.Fatal(err)
	}
	r.down()
}

// The consumer group is deleted under the session (the console, or a
// server that lost it): the session recreates it from the positions
// written out and goes on; nothing lost, nothing repeated. It learns of it
// from the next heartbeat or checkpoint commit, whichever comes first
// (-fault.defaults: the shipped 5 s intervals).
func TestFaultGroupDeleted(t *testing.T) {
	for _, named := range []bool{false, true} {
		name := "ephemeral"
		if named {
			name = "named"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			cfg := e.config()
			cfg.StallAfter = *faultStall
			if *faultDefaults {
				cfg.HeartbeatInterval, cfg.CommitInterval = 0, 0
			}
			if named {
				cfg.Group, cfg.Consumer = "oncall", "solo"
			}
			s := e.start(cfg)
			c := collect(s, false)
			w := e.writeSteadily(20 * time.Millisecond)
			c.waitTotal(t, 100)
			group := s.Status().Group
			gen := s.Status().Generation
			if err := e.writer.DeleteConsumerGroup(testProject, testLogstore, group); err != nil {
				t.Fatal(err)
			}
			deletedAt := time.Now()
			waitFor(t, "a new run", func() bool { return s.Status().Generation > gen })
			recreated := time.Since(deletedAt)
			before := c.total.Load()
			c.waitTotal(t, before+100)
			flowing := time.Since(deletedAt)
			w.halt()
			n := e.seq.Load()
			c.waitTotal(t, n)
			time.Sleep(300 * time.Millisecond)
			c.check(t, 0, n)
			var said bool
			for len(s.Events()) > 0 {
				ev := <-s.Events()
				said = said || (ev.Kind == EventNotFound && strings.Contains(ev.Msg, "is gone"))
			}
			if !said {
				t.Error("no event said the group was gone")
			}
			if named {
				if st := s.Status(); st.Group != "oncall" {
					t.Errorf("named group became %q", st.Group)
				}
			}
			t.Logf("%s group deleted: recreated after %v (heartbeat %v, commits every %v), logs flowing after %v; %d logs, none lost or repeated",
				name, recreated.Round(10*time.Millisecond), s.cfg.HeartbeatInterval, s.cfg.CommitInterval, flowing.Round(10*time.Millisecond), n)
			if err := stopAndWait(t, s); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A group that cannot be recreated (the logstore is gone too) fails the
// session: ConnFailed and an EventFailed that says why.
func TestFaultGroupCannotBeRecreated(t *testing.T) {
	e := newEnv(t)
	cfg := e.config()
	s := e.start(cfg)
	c := collect(s, false)
	e.write(4, 5)
	c.waitTotal(t, 20)
	if err := e.writer.DeleteLogStore(testProject, testLogstore); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the failed state", func() bool { return s.Status().Conn == ConnFailed })
	var failed *Event
	waitFor(t, "EventFailed", func() bool {
		for len(s.Events()) > 0 {
			ev := <-s.Events()
			if ev.Kind == EventFailed {
				failed = &ev
			}
		}
		return failed != nil
	})
	if !strings.Contains(failed.Msg, "could not be recreated") || !strings.Contains(failed.Msg, "LogStoreNotExist") {
		t.Errorf("EventFailed says %q", failed.Msg)
	}
	time.Sleep(3 * cfg.HeartbeatInterval)
	if st := s.Status(); st.Conn != ConnFailed {
		t.Errorf("failed state did not hold: %v", st.Conn)
	}
	stopAndWait(t, s)
}

// With the server gone, Stop is quick and says what it left undone;
// cancelling its context abandons it at once.
func TestFaultStopWithServerGone(t *testing.T) {
	for _, how := range []string{"refused", "stalled"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t)
			p, cfg := e.proxied(t)
			s := e.start(cfg)
			c := collect(s, false)
			e.write(4, 5)
			c.waitTotal(t, 20)
			if how == "refused" {
				p.Down()
			} else {
				p.Stall()
			}
			start := time.Now()
			err := s.Stop(context.Background())
			took := time.Since(start)
			var se *StopError
			if !errors.As(err, &se) || se.Group == "" {
				t.Fatalf("Stop with the server %s = %v, want a StopError naming the group", how, err)
			}
			t.Logf("stop with the server %s: %v (StopTimeout %v): %v", how, took.Round(10*time.Millisecond), defaultStopTimeout, err)
			p.Flow()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s.Wait(ctx)
		})
	}
}

// A stop abandoned by its context returns at once.
func TestFaultStopAbandoned(t *testing.T) {
	e := newEnv(t)
	p, cfg := e.proxied(t)
	cfg.Group, cfg.Consumer = "oncall", "solo"
	cfg.StopTimeout = time.Minute
	s := e.start(cfg)
	c := collect(s, false)
	e.write(4, 5)
	c.waitTotal(t, 20)
	p.Stall()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Stop(ctx) }()
	time.Sleep(200 * time.Millisecond)
	cancelled := time.Now()
	cancel()
	err := <-errc
	took := time.Since(cancelled)
	var se *StopError
	if !errors.As(err, &se) || !se.Named || len(se.Uncommitted) == 0 {
		t.Fatalf("abandoned Stop = %v, want the shards left uncommitted", err)
	}
	if took > 500*time.Millisecond {
		t.Logf("note: the abandoned stop took %v (a loaded machine?)", took)
	}
	t.Logf("stop abandoned by its context: returned %v after the cancel", took.Round(time.Millisecond))
	p.Flow()
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	s.Wait(wctx)
}
