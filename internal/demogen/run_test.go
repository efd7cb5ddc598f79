package demogen

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// recorder is a Writer that keeps what it is given, and fails as told.
type recorder struct {
	mu     sync.Mutex
	logs   map[int]int // per shard
	groups int
	sizes  []int
	times  map[int64]int   // logs per Unix nanosecond
	order  map[int][]int64 // per shard, its logs' times as written
	fail   func(shard, call int) error
	calls  int
	wrote  chan struct{} // gets a value after each write, if there is room
}

func newRecorder() *recorder {
	return &recorder{logs: map[int]int{}, times: map[int64]int{}, order: map[int][]int64{}, wrote: make(chan struct{}, 1)}
}

func (r *recorder) WriteLogGroup(_ context.Context, shard int, lg *sls.LogGroup) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.fail != nil {
		if err := r.fail(shard, r.calls); err != nil {
			return err
		}
	}
	r.groups++
	r.logs[shard] += len(lg.Logs)
	r.sizes = append(r.sizes, len(lg.Logs))
	for _, l := range lg.Logs {
		ns := int64(l.GetTime())*1e9 + int64(l.GetTimeNs())
		r.times[ns]++
		r.order[shard] = append(r.order[shard], ns)
	}
	select {
	case r.wrote <- struct{}{}:
	default:
	}
	return nil
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.logs {
		n += c
	}
	return n
}

// runTicks runs run with a fake clock: one tick every step from epoch,
// n of them, then the end of the ticks.
func runTicks(t *testing.T, w Writer, opts RunOptions, steps []time.Duration) error {
	t.Helper()
	if err := opts.validate(); err != nil {
		t.Fatal(err)
	}
	ticks := make(chan time.Time)
	done := make(chan error, 1)
	go func() { done <- run(context.Background(), w, opts, ticks, epoch) }()
	at := epoch
	for _, d := range steps {
		at = at.Add(d)
		select {
		case ticks <- at:
		case err := <-done:
			return err
		}
	}
	close(ticks)
	return <-done
}

func every(d time.Duration, n int) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = d
	}
	return s
}

func TestRunPacing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  RunOptions
		steps []time.Duration
		want  int
	}{
		{"steady", RunOptions{Rate: 1000}, every(100*time.Millisecond, 100), 10000},
		{"fractional rate", RunOptions{Rate: 2.5, Shards: 3}, every(100*time.Millisecond, 100), 25},
		{"late ticks catch up", RunOptions{Rate: 1000}, every(350*time.Millisecond, 20), 7000},
		// 5 s without a tick owe 5000 logs, of which only a second's worth is written.
		{"a stall is forgiven", RunOptions{Rate: 1000}, append(every(100*time.Millisecond, 10), 5*time.Second, 100*time.Millisecond), 1000 + 1000 + 100},
		{"big groups are split", RunOptions{Rate: 50000, Shards: 2, MaxGroupSize: 100}, every(100*time.Millisecond, 10), 50000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder()
			if err := runTicks(t, rec, tc.opts, tc.steps); err != nil {
				t.Fatal(err)
			}
			if got := rec.total(); got != tc.want {
				t.Errorf("%d logs written, want %d", got, tc.want)
			}
			_ = tc.opts.validate()
			lo, hi := tc.want, 0
			for shard := range tc.opts.Shards {
				lo, hi = min(lo, rec.logs[shard]), max(hi, rec.logs[shard])
			}
			if hi-lo > 1 {
				t.Errorf("shards got between %d and %d logs: %v", lo, hi, rec.logs)
			}
			for _, n := range rec.sizes {
				if n == 0 || n > tc.opts.MaxGroupSize {
					t.Fatalf("a log group of %d, max %d", n, tc.opts.MaxGroupSize)
				}
			}
		})
	}
}

// A tick's logs are spread over the time since the tick before, each at a
// time of its own, and each shard's in the order they are written, also
// when a shard's share is cut into several groups.
func TestRunSpreadsTimesSinceTheLastTick(t *testing.T) {
	rec := newRecorder()
	if err := runTicks(t, rec, RunOptions{Rate: 100, MaxGroupSize: 10}, every(time.Second, 3)); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		from, to := epoch.Add(time.Duration(i-1)*time.Second).UnixNano(), epoch.Add(time.Duration(i)*time.Second).UnixNano()
		n := 0
		for ns, c := range rec.times {
			if ns > from && ns <= to {
				n += c
			}
		}
		if n != 100 {
			t.Errorf("tick %d: %d logs in (%d, %d], want 100", i, n, from, to)
		}
	}
	if len(rec.times) != 300 {
		t.Errorf("300 logs at %d distinct times, want every time its own", len(rec.times))
	}
	for shard, times := range rec.order {
		if !slices.IsSorted(times) {
			t.Errorf("shard %d: times out of order: %v", shard, times)
		}
	}
}

func TestRunSurvivesTransientErrors(t *testing.T) {
	rec := newRecorder()
	rec.fail = func(shard, call int) error {
		if call%5 == 0 {
			return &sls.Error{HTTPCode: 500, Code: "InternalServerError", Message: "try again"}
		}
		if call%7 == 0 {
			return &sls.Error{HTTPCode: 403, Code: "ShardWriteQuotaExceed", Message: "slow down"}
		}
		return nil
	}
	var mu sync.Mutex
	var reported []error
	opts := RunOptions{Rate: 400, OnError: func(err error) {
		mu.Lock()
		defer mu.Unlock()
		reported = append(reported, err)
	}}
	if err := runTicks(t, rec, opts, every(100*time.Millisecond, 50)); err != nil {
		t.Fatalf("Run stopped on a transient error: %v", err)
	}
	if rec.calls != 200 {
		t.Fatalf("%d writes, want 200 (4 shards × 50 ticks)", rec.calls)
	}
	if want := rec.calls - rec.groups; len(reported) != want {
		t.Errorf("%d errors reported, want %d", len(reported), want)
	}
	for _, err := range reported {
		var se *sls.Error
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "shard ") {
			t.Errorf("reported error %q does not wrap the SLS error with its shard", err)
		}
	}
}

func TestRunStopsOnPermanentError(t *testing.T) {
	for _, se := range []*sls.Error{
		{HTTPCode: 401, Code: "SignatureNotMatch"},
		{HTTPCode: 404, Code: "LogStoreNotExist"},
		{HTTPCode: 403, Code: "ProjectForbidden"},
	} {
		t.Run(se.Code, func(t *testing.T) {
			rec := newRecorder()
			rec.fail = func(shard, call int) error {
				if call >= 3 {
					return se
				}
				return nil
			}
			// Enough ticks that a Run that did not stop would be noticed by
			// the send blocking forever: runTicks returns as soon as Run does.
			err := runTicks(t, rec, RunOptions{Rate: 400, OnError: func(err error) {
				t.Errorf("a permanent error went to OnError: %v", err)
			}}, every(100*time.Millisecond, 100000))
			if !errors.Is(err, se) {
				t.Fatalf("Run returned %v, want %v", err, se)
			}
		})
	}
}

func TestRunValidates(t *testing.T) {
	for _, opts := range []RunOptions{
		{}, {Rate: -1}, {Rate: 10, Shards: -1}, {Rate: 10, TicksPerSecond: -5}, {Rate: 10, MaxGroupSize: -1},
		{Rate: math.NaN()}, {Rate: math.Inf(1)}, {Rate: 1e9}, {Rate: 10, TicksPerSecond: 1e6},
	} {
		if err := Run(context.Background(), newRecorder(), opts); err == nil {
			t.Errorf("Run(%+v) accepted bad options", opts)
		}
	}
	if err := Run(context.Background(), nil, RunOptions{Rate: 1}); err == nil {
		t.Error("Run accepted a nil Writer")
	}
}

// TestRunRealClock runs Run on the wall clock: it writes soon, never more
// than the rate allows, and stops when told.
func TestRunRealClock(t *testing.T) {
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	var errs atomic.Int64
	go func() {
		done <- Run(ctx, rec, RunOptions{Rate: 2000, Shards: 3, OnError: func(error) { errs.Add(1) }})
	}()
	select {
	case <-rec.wrote:
	case <-time.After(30 * time.Second):
		t.Fatal("nothing written in 30 s")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	elapsed := time.Since(start)
	after := rec.total()
	if limit := int(2000 * elapsed.Seconds()); after == 0 || after > limit {
		t.Errorf("%d logs in %v, want 1..%d", after, elapsed, limit)
	}
	time.Sleep(50 * time.Millisecond)
	if rec.total() != after {
		t.Error("writes after Run returned")
	}
	if errs.Load() != 0 {
		t.Errorf("%d errors", errs.Load())
	}
}
