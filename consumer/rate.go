package consumer

import "time"

// Indexes of the values a rateWindow keeps.
const (
	rateLogsIn = iota
	rateLogsOut
	rateBytesIn
	rateBytesOut
	rateN
)

// rateWindowSecs is how many whole seconds a rate averages over: long
// enough to smooth the SDK's bursty pulls (up to 500 ms apart per shard),
// short enough to show a change within a few seconds.
const rateWindowSecs = 5

// rateWindow sums values into one-second buckets and reports per-second
// rates over the last few seconds. Not safe for concurrent use.
type rateWindow struct {
	buckets [rateWindowSecs + 1]struct {
		sec int64
		v   [rateN]float64
	}
}

func (w *rateWindow) add(now time.Time, i int, x float64) {
	sec := now.Unix()
	b := &w.buckets[sec%int64(len(w.buckets))]
	if b.sec != sec {
		b.sec, b.v = sec, [rateN]float64{}
	}
	b.v[i] += x
}

// minRateSpan is the shortest time a rate is averaged over: a few logs
// in the first milliseconds of a session are not a rate of millions.
const minRateSpan = 250 * time.Millisecond

// rates averages over the window's complete seconds and the second under
// way, or over the time since since when that is shorter, so that a fresh
// session does not show a fifth of its real rate. The second under way
// counts: with complete seconds only, a rate showed a burst a second or
// two late, and a backfill that the TUI took in within its first second
// read 0/s throughout (issue 12) and its full rate once it was over.
func (w *rateWindow) rates(now, since time.Time) [rateN]float64 {
	var sum [rateN]float64
	cur := now.Unix()
	for _, b := range w.buckets {
		if b.sec >= cur-rateWindowSecs && b.sec <= cur {
			for i := range sum {
				sum[i] += b.v[i]
			}
		}
	}
	span := time.Duration(rateWindowSecs)*time.Second + now.Sub(time.Unix(cur, 0))
	if el := now.Sub(since); el < span {
		span = max(el, minRateSpan)
	}
	for i := range sum {
		sum[i] /= span.Seconds()
	}
	return sum
}
