package demogen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// Writer ships one log group to one shard. Run calls it from one goroutine
// per shard, so an implementation must be safe for concurrent use across
// shards.
type Writer interface {
	WriteLogGroup(ctx context.Context, shard int, lg *sls.LogGroup) error
}

// RunOptions configures Run.
type RunOptions struct {
	// Rate is the number of logs per second to write; it must be positive.
	Rate float64
	// Shards is the number of shards to spread logs over, evenly; default 4.
	Shards int
	// Seed and Generator configure the Generator, as for New.
	Seed      uint64
	Generator Options
	// TicksPerSecond is how often logs are written; default 10. Each tick
	// writes what the rate owes since the last one, in groups of at most
	// MaxGroupSize logs (default 256) per shard.
	TicksPerSecond int
	MaxGroupSize   int
	// OnError, if set, receives every failed write that Run survives (see
	// Run). It is called from the shards' goroutines, concurrently.
	OnError func(error)
}

const (
	defaultTicks     = 10
	defaultGroupSize = 256
	queuedPerShard   = 8 // log groups a slow shard may fall behind by
	maxRate          = 1e8
)

func (o *RunOptions) validate() error {
	switch {
	case !(o.Rate > 0) || math.IsInf(o.Rate, 0):
		return fmt.Errorf("demogen: rate %v logs/s: must be a positive number", o.Rate)
	case o.Shards < 0:
		return fmt.Errorf("demogen: %d shards: must be positive", o.Shards)
	case o.Rate > maxRate:
		return fmt.Errorf("demogen: rate %v logs/s: more than %v", o.Rate, float64(maxRate))
	case o.TicksPerSecond < 0 || o.TicksPerSecond > 1000:
		return fmt.Errorf("demogen: %d ticks/s: must be 1 to 1000", o.TicksPerSecond)
	case o.MaxGroupSize < 0:
		return fmt.Errorf("demogen: log groups of %d: must be positive", o.MaxGroupSize)
	}
	if o.Shards == 0 {
		o.Shards = 4
	}
	if o.TicksPerSecond == 0 {
		o.TicksPerSecond = defaultTicks
	}
	if o.MaxGroupSize == 0 {
		o.MaxGroupSize = defaultGroupSize
	}
	return nil
}

// Run writes generated logs to w at opts.Rate logs per second until ctx is
// done, then returns nil once every write in flight has returned.
//
// Pacing follows the clock, not the ticks: a tick that comes late writes
// what is owed since the last one, so a slow machine keeps the rate. If w
// cannot keep up, Run waits for it (writes are never dropped for being
// late) and forgets what it owes beyond one second, rather than catch up
// with a flood.
//
// A failed write is not retried: the stream goes on, and the error goes
// to opts.OnError. The exception is an error no retry could cure — SLS
// answering 400, 401, 403 (other than a quota) or 404, such as a wrong key
// or a missing logstore: then Run stops and returns it.
func Run(ctx context.Context, w Writer, opts RunOptions) error {
	if w == nil {
		return errors.New("demogen: nil Writer")
	}
	if err := opts.validate(); err != nil {
		return err
	}
	ticker := time.NewTicker(time.Second / time.Duration(opts.TicksPerSecond))
	defer ticker.Stop()
	return run(ctx, w, opts, ticker.C, time.Now())
}

// run is Run with the ticks supplied, so that tests can drive the clock.
// A tick's logs are stamped with times between the tick before and this
// one, the way a log agent ships what a server wrote since its last send:
// at random, as requests arrive, and in order within a shard.
// One timestamp for a whole group would show a live tail in blocks of
// equal times. It returns when ctx is done or ticks is closed.
func run(ctx context.Context, w Writer, opts RunOptions, ticks <-chan time.Time, start time.Time) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var (
		fatal     error
		fatalOnce sync.Once
	)

	queues := make([]chan *sls.LogGroup, opts.Shards)
	var wg sync.WaitGroup
	for shard := range queues {
		q := make(chan *sls.LogGroup, queuedPerShard)
		queues[shard] = q
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lg := range q {
				if ctx.Err() != nil {
					continue // Run is stopping: drop what is queued
				}
				err := w.WriteLogGroup(ctx, shard, lg)
				switch {
				case err == nil || ctx.Err() != nil:
				case permanent(err):
					fatalOnce.Do(func() { fatal = fmt.Errorf("demogen: shard %d: %w", shard, err) })
					stop()
				case opts.OnError != nil:
					opts.OnError(fmt.Errorf("demogen: shard %d: %w", shard, err))
				}
			}
		}()
	}

	g := New(opts.Seed, opts.Generator)
	arrivals := arrivals{rng: rand.New(rand.NewPCG(opts.Seed, 0x61727269766573))} // "arrives"
	p := pacer{rate: opts.Rate, start: start}
	next := 0     // the shard that gets the first of the remainder
	prev := start // the tick before, from which this tick's logs are spread
	send := func(shard int, lg *sls.LogGroup) bool {
		select {
		case queues[shard] <- lg:
			return true
		case <-ctx.Done():
			return false
		}
	}
	func() {
		for {
			var t time.Time
			var ok bool
			select {
			case <-ctx.Done():
				return
			case t, ok = <-ticks:
				if !ok {
					return
				}
			}
			n := p.due(t)
			span := max(t.Sub(prev), 0)
			prev = t
			for i := range opts.Shards {
				shard := (next + i) % opts.Shards
				share := n / opts.Shards
				if i < n%opts.Shards {
					share++
				}
				at := arrivals.spread(share, span)
				for off := 0; off < share; {
					size := min(share-off, opts.MaxGroupSize)
					lg := g.LogGroup(t, size)
					stamp(lg, t.Add(-span), at[off:off+size])
					if !send(shard, lg) {
						return
					}
					off += size
				}
			}
			next = (next + n) % opts.Shards
		}
	}()

	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	return fatal
}

// pacer counts the logs owed at a rate since start.
type pacer struct {
	rate  float64
	start time.Time
	sent  int64
}

// due returns how many logs to write at t, and counts them as sent.
func (p *pacer) due(t time.Time) int {
	owed := int64(p.rate * t.Sub(p.start).Seconds())
	backlog := max(int64(p.rate), 1)
	if owed-p.sent > backlog {
		p.sent = owed - backlog
	}
	n := max(owed-p.sent, 0)
	p.sent += n
	return int(n)
}

// permanent reports whether err is an SLS answer that retrying cannot
// change: a malformed request, bad credentials, a denial other than a
// quota, or a missing project or logstore.
func permanent(err error) bool {
	var e *sls.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.HTTPCode {
	case 400, 401, 404:
		return true
	case 403:
		return !strings.Contains(e.Code, "Quota")
	}
	return false
}

// arrivals draws the times at which a tick's requests arrived.
type arrivals struct {
	rng  *rand.Rand
	sums []float64
	at   []time.Duration
}

// spread returns n offsets in (0, span], ascending, distributed as n
// requests arriving at random (a Poisson process given its count): the
// normalised running sums of n+1 exponential gaps, which needs no sort.
// The slice is reused by the next call.
func (a *arrivals) spread(n int, span time.Duration) []time.Duration {
	a.sums, a.at = a.sums[:0], a.at[:0]
	sum := 0.0
	for range n {
		sum += a.rng.ExpFloat64()
		a.sums = append(a.sums, sum)
	}
	total := sum + a.rng.ExpFloat64()
	for _, s := range a.sums {
		a.at = append(a.at, max(time.Duration(s/total*float64(span)), 1))
	}
	return a.at
}

// stamp sets the times of lg's logs to from plus the given offsets.
func stamp(lg *sls.LogGroup, from time.Time, offsets []time.Duration) {
	for i, l := range lg.Logs {
		at := from.Add(offsets[i])
		*l.Time, *l.TimeNs = uint32(at.Unix()), uint32(at.Nanosecond())
	}
}
