package leaktest

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestSettledWaitsForALateGoroutine(t *testing.T) {
	before := goleak.IgnoreCurrent()
	done := make(chan struct{})
	go func() {
		time.Sleep(300 * time.Millisecond)
		close(done)
	}()
	if err := Settled(5*time.Second, before); err != nil {
		t.Fatalf("a goroutine that ends late was reported: %v", err)
	}
	<-done
}

func TestCheckReportsAGoroutineLeftRunning(t *testing.T) {
	before := goleak.IgnoreCurrent()
	stop := make(chan struct{})
	go func() { <-stop }()
	defer close(stop)
	if got := Check(0, 200*time.Millisecond, before); got != 1 {
		t.Errorf("Check = %d with a goroutine left running, want 1", got)
	}
	if got := Check(3, 0, before); got != 3 {
		t.Errorf("Check = %d after failed tests, want their code 3", got)
	}
}
