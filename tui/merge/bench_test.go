package merge

import (
	"fmt"
	"testing"
	"time"

	"github.com/slstail/slstail/consumer"
)

// BenchmarkMerge feeds a simulated 100,000 logs/s through the merge the way
// the root would: every shard delivers a pull every 200 ms (its logs spread
// over that window, staggered between shards), and Release runs once a
// frame (1/60 s). One op is one log: the figure is the merge's cost per
// log, Add and Release together.
//
//	go test -run '^$' -bench Merge -benchmem ./tui/merge
func BenchmarkMerge(b *testing.B) {
	for _, shards := range []int{4, 256} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			const (
				rate  = 100_000
				pull  = 200 * time.Millisecond
				frame = time.Second / 60
			)
			perPull := max(rate*int(pull/time.Millisecond)/1000/shards, 1)
			batches := make([]consumer.Batch, shards)
			for s := range batches {
				recs := make([]consumer.Record, perPull)
				for i := range recs {
					recs[i] = consumer.NewRecord(s, t0, nil,
						consumer.Field{Key: "status", Value: "200"},
						consumer.Field{Key: "request_uri", Value: "/api/v1/orders"})
				}
				batches[s] = consumer.Batch{Shard: s, Records: recs, Generation: 1}
			}
			m := New(Options{})
			var out []Out
			now := t0
			nextPull := make([]time.Time, shards)
			for s := range nextPull {
				nextPull[s] = t0.Add(pull * time.Duration(s) / time.Duration(shards))
			}
			step := pull / time.Duration(perPull)
			b.ResetTimer()
			done := 0
			for done < b.N {
				now = now.Add(frame)
				for s := range batches {
					if now.Before(nextPull[s]) {
						continue
					}
					// The pull's logs are those of the last window, in order.
					bt := &batches[s]
					from := nextPull[s].Add(-pull)
					for i := range bt.Records {
						bt.Records[i].Time = from.Add(step * time.Duration(i))
					}
					m.Add(*bt, now)
					nextPull[s] = nextPull[s].Add(pull)
					done += len(bt.Records)
				}
				out = m.Release(now, out[:0])
			}
			b.StopTimer()
			b.ReportMetric(float64(m.Held()), "held")
		})
	}
}
