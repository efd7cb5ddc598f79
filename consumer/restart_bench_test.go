package consumer

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"
	"testing"
	"time"
)

// acker acknowledges a batch where batches can be acknowledged. The file
// uses nothing else of the API that changed, so that it runs unchanged on
// the tree before acknowledgements, for before/after figures in one run.
func acker(b *Batch) {
	if a, ok := any(b).(interface{ Ack() bool }); ok {
		a.Ack()
	}
}

// steadyWriter writes 4 groups of 5 logs every period until stopped.
func steadyWriter(e *testEnv, period time.Duration) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				e.write(4, 5)
			}
		}
	}()
	return func() { close(quit); <-done }
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkQueryChange measures what the TUI's query change waits for, on
// a Session with default settings tailing slsd while about 200 logs/s are
// written (the demo's rate): how long Restart with "continue" takes, and
// the time from calling it to the first batch of the new query. The TUI
// adds at most a frame (16 ms) to the latter.
//
//	go test -run '^$' -bench BenchmarkQueryChange -benchtime 20x ./consumer/
func BenchmarkQueryChange(b *testing.B) {
	e := newEnv(b)
	cfg := Config{Endpoint: e.srv.Endpoint(), Project: testProject, Logstore: testLogstore,
		Credentials: Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret}}
	stop := steadyWriter(e, 100*time.Millisecond)
	defer stop()
	s := e.start(cfg)
	var want, got atomic.Int64 // generation awaited; when its first batch came (unix ns)
	go func() {
		for batch := range s.Batches() {
			acker(&batch)
			if int64(batch.Generation) == want.Load() && got.Load() == 0 {
				got.Store(time.Now().UnixNano())
			}
		}
	}()
	time.Sleep(2 * time.Second) // every shard held and flowing
	queries := []string{"* | where cast(cdn_in as bigint) >= 0", "*"}
	var restart, first []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got.Store(0)
		want.Store(int64(s.Status().Generation + 1))
		t0 := time.Now()
		if err := s.Restart(context.Background(), queries[i%2], StartFrom{Kind: PosContinue}); err != nil {
			b.Fatal(err)
		}
		restart = append(restart, time.Since(t0))
		deadline := time.Now().Add(20 * time.Second)
		for got.Load() == 0 {
			if time.Now().After(deadline) {
				b.Fatal("no batch of the new query for 20 s")
			}
			time.Sleep(time.Millisecond)
		}
		first = append(first, time.Duration(got.Load()-t0.UnixNano()))
		time.Sleep(300 * time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(ms(median(restart)), "restart-ms")
	b.ReportMetric(ms(median(first)), "first-line-ms")
	b.ReportMetric(ms(restart[len(restart)-1]), "last-restart-ms")
}

// BenchmarkStop measures Stop of a Session with default settings that has
// delivered what was written (an ephemeral group, deleted by Stop; a named
// one, whose checkpoints Stop commits): what quitting waits for after the
// last log.
//
//	go test -run '^$' -bench BenchmarkStop -benchtime 10x ./consumer/
func BenchmarkStop(b *testing.B) {
	for _, named := range []bool{false, true} {
		b.Run(fmt.Sprintf("named=%v", named), func(b *testing.B) {
			e := newEnv(b)
			var stops []time.Duration
			for i := 0; i < b.N; i++ {
				cfg := Config{Endpoint: e.srv.Endpoint(), Project: testProject, Logstore: testLogstore,
					Credentials: Credentials{AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret},
					From:        StartFrom{Kind: PosBegin}}
				if named {
					cfg.Group, cfg.Consumer = "bench-stop", "solo"
				}
				s, err := NewSession(cfg)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Start(context.Background()); err != nil {
					b.Fatal(err)
				}
				e.write(4, 5)
				n := 0
				for n < 20 {
					batch := <-s.Batches()
					acker(&batch)
					n += len(batch.Records)
				}
				t0 := time.Now()
				if err := s.Stop(context.Background()); err != nil {
					b.Fatal(err)
				}
				stops = append(stops, time.Since(t0))
			}
			b.ReportMetric(ms(median(stops)), "stop-ms")
		})
	}
}
