// Package leaktest fails a test binary whose tests leave goroutines behind,
// after waiting out the ones that end late by design. The SDK's heartbeat
// goroutine sleeps a whole heartbeat interval before it checks its shutdown
// flag, so it outlives ConsumerWorker.StopAndWait by up to one interval:
// longer than goleak's own retries wait.
package leaktest

import (
	"fmt"
	"os"
	"time"

	"go.uber.org/goleak"
)

// Settled waits up to wait for the goroutines goleak reports to end, and
// returns goleak's error if some are still running then.
func Settled(wait time.Duration, opts ...goleak.Option) error {
	deadline := time.Now().Add(wait)
	for {
		err := goleak.Find(opts...)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Check is for TestMain, given m.Run's exit code: when the tests passed but
// goroutines are still running after wait, it reports them on stderr and
// returns 1; otherwise it returns code.
func Check(code int, wait time.Duration, opts ...goleak.Option) int {
	if code != 0 {
		return code
	}
	if err := Settled(wait, opts...); err != nil {
		fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
		return 1
	}
	return 0
}
