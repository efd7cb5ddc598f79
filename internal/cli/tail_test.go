package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/slstail/slstail/consumer"
)

// fakeSession is a session whose batches and events the test sends, and
// whose Stop blocks until stopGate is closed or its context ends.
type fakeSession struct {
	batches  chan consumer.Batch
	events   chan consumer.Event
	stopGate chan struct{}
	mu       sync.Mutex
	stopped  bool
	stopErr  error
}

func newFakeSession() *fakeSession {
	gate := make(chan struct{})
	close(gate)
	return &fakeSession{batches: make(chan consumer.Batch), events: make(chan consumer.Event, 8), stopGate: gate}
}

func (f *fakeSession) Start(context.Context) error    { return nil }
func (f *fakeSession) Batches() <-chan consumer.Batch { return f.batches }
func (f *fakeSession) Events() <-chan consumer.Event  { return f.events }
func (f *fakeSession) Status() consumer.Status        { return consumer.Status{Group: "slstail-test"} }
func (f *fakeSession) isStopped() bool                { f.mu.Lock(); defer f.mu.Unlock(); return f.stopped }
func (f *fakeSession) setStopErr(err error)           { f.mu.Lock(); f.stopErr = err; f.mu.Unlock() }
func (f *fakeSession) send(shard, n int) {
	f.batches <- consumer.Batch{Shard: shard, Records: recordsOf(shard, n)}
}
func (f *fakeSession) sendEvent(ev consumer.Event) { f.events <- ev }
func (f *fakeSession) Stop(ctx context.Context) error {
	select {
	case <-f.stopGate:
	case <-ctx.Done():
		return ctx.Err()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = true
	return f.stopErr
}

func recordsOf(shard, n int) []consumer.Record {
	out := make([]consumer.Record, n)
	for i := range out {
		out[i] = consumer.NewRecord(shard, time.Unix(1764000000, 0), nil, consumer.Field{Key: "i", Value: fmt.Sprint(i)})
	}
	return out
}

// outBuffer is a writer the test can read while the tail writes.
type outBuffer struct {
	mu  sync.Mutex
	b   bytes.Buffer
	err error
}

func (s *outBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	return s.b.Write(p)
}

func (s *outBuffer) lines() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Count(s.b.String(), "\n")
}

func startPlain(t *testing.T, f *fakeSession, w *outBuffer, lim plainLimits) (context.CancelFunc, chan os.Signal, chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 4)
	done := make(chan error, 1)
	go func() { done <- runPlain(ctx, f, newPlainOut(w, jsonlEncoder{}, lim), &bytes.Buffer{}, sigs) }()
	t.Cleanup(cancel)
	return cancel, sigs, done
}

// SIGPIPE is not "the reader went away": a write to a reset socket raises
// it too, and so does kill -PIPE. The tail goes on (issue 13, item 1).
func TestPlainIgnoresSIGPIPE(t *testing.T) {
	f := newFakeSession()
	w := &outBuffer{}
	cancel, _, done := startPlain(t, f, w, plainLimits{})
	f.send(0, 3)
	if err := syscall.Kill(os.Getpid(), syscall.SIGPIPE); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	f.send(1, 2) // still reading
	select {
	case err := <-done:
		t.Fatalf("the tail ended on SIGPIPE: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if w.lines() != 5 || !f.isStopped() {
		t.Errorf("wrote %d lines, stopped %v", w.lines(), f.isStopped())
	}
}

// EPIPE on the output is the reader leaving: a normal end, after a stop.
func TestPlainEndsCleanlyOnEPIPE(t *testing.T) {
	f := newFakeSession()
	w := &outBuffer{err: fmt.Errorf("write /dev/stdout: %w", syscall.EPIPE)}
	_, _, done := startPlain(t, f, w, plainLimits{})
	f.send(0, 3)
	if err := <-done; err != nil {
		t.Fatalf("EPIPE: %v, want a clean end", err)
	}
	if !f.isStopped() {
		t.Error("session not stopped")
	}
}

// Any other write error is a failure.
func TestPlainFailsOnOtherWriteErrors(t *testing.T) {
	f := newFakeSession()
	w := &outBuffer{err: syscall.ENOSPC}
	_, _, done := startPlain(t, f, w, plainLimits{})
	f.send(0, 3)
	if err := <-done; !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want the write error", err)
	}
}

// A session that cannot go on ends a piped tail with its message (exit 1).
func TestPlainExitsOnFailedSession(t *testing.T) {
	f := newFakeSession()
	_, _, done := startPlain(t, f, &outBuffer{}, plainLimits{})
	f.sendEvent(consumer.Event{Kind: consumer.EventFailed, Msg: `consumer group "g" is gone and could not be recreated`})
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "could not be recreated") {
		t.Fatalf("got %v", err)
	}
}

// The second interrupt abandons a stop that hangs, at once, and says what
// may be left undone (issue 13, item 6).
func TestPlainSecondInterruptAbandonsStop(t *testing.T) {
	f := newFakeSession()
	f.stopGate = make(chan struct{}) // Stop hangs until its context ends
	cancel, sigs, done := startPlain(t, f, &outBuffer{}, plainLimits{})
	f.send(0, 1)
	sigs <- os.Interrupt // the first: main cancels the context too
	cancel()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("returned before the second interrupt: %v", err)
	default:
	}
	secondInterruptAbandons(t, sigs, done)
}

// The signal that cancelled the context can reach sigs after the tail saw
// the context end: the runtime hands a signal to its channels one after
// the other. It is the first interrupt, late, not a second one: the stop
// goes on (TestFaultSignals, on a loaded machine, saw a healthy stop
// abandoned this way).
func TestPlainLateFirstSignalIsNotASecond(t *testing.T) {
	f := newFakeSession()
	f.stopGate = make(chan struct{}) // Stop hangs until its context ends
	cancel, sigs, done := startPlain(t, f, &outBuffer{}, plainLimits{})
	f.send(0, 1)
	cancel() // main's watcher cancelled first
	time.Sleep(100 * time.Millisecond)
	sigs <- syscall.SIGTERM // the same signal, reaching this channel late
	select {
	case err := <-done:
		t.Fatalf("the first signal, arriving late, ended the stop: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	secondInterruptAbandons(t, sigs, done)
}

// secondInterruptAbandons sends a second SIGTERM to a tail whose stop
// hangs, and wants it to end the stop, saying it was abandoned.
func secondInterruptAbandons(t *testing.T, sigs chan<- os.Signal, done <-chan error) {
	t.Helper()
	sigs <- syscall.SIGTERM
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "abandoned") {
			t.Fatalf("got %v, want an abandoned stop", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second interrupt did not end the stop")
	}
}

// A stop that could not finish is an error (exit 1), with its reason.
func TestPlainReportsIncompleteStop(t *testing.T) {
	f := newFakeSession()
	f.setStopErr(&consumer.StopError{Group: "slstail-x", Err: errors.New("connection refused")})
	cancel, _, done := startPlain(t, f, &outBuffer{}, plainLimits{})
	cancel()
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "slstail-x") || !strings.Contains(err.Error(), "left behind") {
		t.Fatalf("got %v", err)
	}
}

// --max writes whole batches and stops at the limit.
func TestPlainMaxStopsMidBatch(t *testing.T) {
	f := newFakeSession()
	w := &outBuffer{}
	_, _, done := startPlain(t, f, w, plainLimits{max: 5})
	f.send(0, 3)
	f.send(1, 3)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if w.lines() != 5 {
		t.Errorf("wrote %d lines, want 5", w.lines())
	}
}

// connectingSession is a session whose Start waits for its context, as a
// Start does while SLS has not answered yet.
type connectingSession struct{ *fakeSession }

func (c connectingSession) Start(ctx context.Context) error {
	<-ctx.Done()
	return fmt.Errorf("ListShards: %w", ctx.Err())
}

// A SIGINT or SIGTERM while the tail is still connecting ends it as one
// afterwards does: exit 0, not "start: ListShards: context canceled".
func TestInterruptWhileConnectingIsNotAFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sess := connectingSession{newFakeSession()}
	var out outBuffer
	var errw bytes.Buffer
	done := make(chan error, 1)
	go func() {
		enc, _ := newEncoder("jsonl", "")
		done <- runPlain(ctx, sess, newPlainOut(&out, enc, plainLimits{}), &errw, make(chan os.Signal))
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("an interrupt while connecting returned %v", err)
	}
}
