package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
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
