package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

func TestLifecycleNeverStartsAfterStop(t *testing.T) {
	f := newFake()
	lc := &lifecycle{}
	if err := lc.stop(context.Background(), f, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := lc.start(context.Background(), f); !errors.Is(err, errStoppedBeforeStart) {
		t.Fatalf("start after stop: %v", err)
	}
	if err := lc.stop(context.Background(), f, time.Second); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.calls, ","); got != "stop" {
		t.Errorf("calls %q, want one stop and no start", got)
	}
}

func TestLifecycleStopCancelsStartInFlight(t *testing.T) {
	f := newFake()
	f.startGate = make(chan struct{}) // never opened: only cancellation ends Start
	lc := &lifecycle{}
	startErr := make(chan error, 1)
	go func() { startErr <- lc.start(context.Background(), f) }()
	// Wait until start has registered its cancel func, i.e. is in flight.
	for {
		lc.cmu.Lock()
		inFlight := lc.cancelStart != nil
		lc.cmu.Unlock()
		if inFlight {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := lc.stop(context.Background(), f, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := <-startErr; !errors.Is(err, context.Canceled) && !errors.Is(err, errStoppedBeforeStart) {
		t.Fatalf("start in flight ended with %v, want it cancelled", err)
	}
	if got := strings.Join(f.calls, ","); got != "stop" {
		t.Errorf("calls %q, want stop only", got)
	}
}

// hangingStop is a source whose Stop waits for its context, like a
// session whose server has gone silent.
type hangingStop struct{ *fakeSource }

func (h hangingStop) Stop(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

// The second ctrl+c abandons a stop that hangs: the stop in flight is
// cancelled and Run's wait for it ends at once (issue 13, item 6).
func TestSecondCtrlCAbandonsStop(t *testing.T) {
	src := hangingStop{newFake()}
	lc := &lifecycle{}
	first := make(chan error, 1)
	go func() { first <- lc.stop(context.Background(), src, time.Minute) }()
	time.Sleep(50 * time.Millisecond) // the first stop is waiting
	lc.abandon()
	select {
	case err := <-first:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("abandoned stop returned %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("abandon did not end the stop in flight")
	}
	if err := waitStop(context.Background(), lc, src, time.Minute); err == nil || !strings.Contains(err.Error(), "abandoned") {
		t.Fatalf("waitStop after abandon = %v", err)
	}
}

// Through the model: q starts the stop, ctrl+c abandons it.
func TestQuitThenCtrlCAbandons(t *testing.T) {
	src := hangingStop{newFake()}
	m := New(src, testOptions())
	m.started = true
	stop := m.quit()
	stopped := make(chan tea.Msg, 1)
	go func() { stopped <- stop() }()
	time.Sleep(50 * time.Millisecond)
	send(m, tea.KeyMsg{Type: tea.KeyCtrlC})
	select {
	case <-stopped:
	case <-time.After(2 * time.Second):
		t.Fatal("ctrl+c while stopping did not abandon the stop")
	}
}
