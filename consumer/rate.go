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
// rates over the last complete seconds. Not safe for concurrent use.
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

// rates averages the complete seconds of the window, or of the time since
// since when that is shorter, so that a fresh session does not show a fifth
// of its real rate.
func (w *rateWindow) rates(now, since time.Time) [rateN]float64 {
	var sum [rateN]float64
	cur := now.Unix()
	for _, b := range w.buckets {
		if b.sec >= cur-rateWindowSecs && b.sec < cur {
			for i := range sum {
				sum[i] += b.v[i]
			}
		}
	}
	span := float64(rateWindowSecs)
	if el := cur - since.Unix(); el < rateWindowSecs {
		span = float64(max(el, 1))
	}
	for i := range sum {
		sum[i] /= span
	}
	return sum
}
