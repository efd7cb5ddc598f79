package demogen

import "time"

// Schedule is when an incident recurs: for For out of every Every. A zero
// Schedule means the default; a negative Every turns the incident off; a
// zero For with a positive Every means a fifth of Every.
type Schedule struct {
	Every, For time.Duration
}

// Options tunes a Generator. The zero value is the demo's defaults.
type Options struct {
	// ErrorBursts: one upstream backend answers most requests with 5xx.
	// Default: 12s out of every 60s.
	ErrorBursts Schedule
	// LatencySpikes: one upstream pool is 8–25× slower than usual.
	// Default: 8s out of every 45s.
	LatencySpikes Schedule
	// NoisyBot: an aggressive crawler takes a third of the traffic.
	// Default: 30s out of every 120s.
	NoisyBot Schedule
}

var (
	defaultErrorBursts   = Schedule{Every: 60 * time.Second, For: 12 * time.Second}
	defaultLatencySpikes = Schedule{Every: 45 * time.Second, For: 8 * time.Second}
	defaultNoisyBot      = Schedule{Every: 120 * time.Second, For: 30 * time.Second}
)

// window places a Schedule on the time line. Its phase comes from the seed,
// so that two seeds have incidents at different moments but two generators
// with the same seed agree.
type window struct {
	every, dur, phase int64 // nanoseconds; every == 0 is off
	salt              uint64
}

func newWindow(s, def Schedule, seed, salt uint64) window {
	switch {
	case s.Every < 0:
		return window{}
	case s.Every == 0:
		s = def
	case s.For <= 0:
		s.For = s.Every / 5
	}
	s.For = min(s.For, s.Every)
	w := window{every: int64(s.Every), dur: int64(s.For), salt: mix(seed ^ salt)}
	w.phase = int64(w.salt % uint64(w.every))
	return w
}

// at reports whether t falls in an occurrence, and that occurrence's hash,
// which picks its target.
func (w window) at(t time.Time) (uint64, bool) {
	if w.every == 0 {
		return 0, false
	}
	d := t.UnixNano() - w.phase
	k := d / w.every
	if d%w.every < 0 {
		k--
	}
	if d-k*w.every >= w.dur {
		return 0, false
	}
	return mix(w.salt + uint64(k)), true
}

// incident is what is going wrong at one moment.
type incident struct {
	failing     string  // backend address in an error burst, or ""
	failingPool int     // its pool
	slowPool    int     // pool in a latency spike, or poolNone
	slowFactor  float64 // its latency multiplier
	bot         bool    // the noisy bot is crawling
}

type incidents struct {
	errors, latency, bot window
}

func newIncidents(seed uint64, o Options) incidents {
	return incidents{
		errors:  newWindow(o.ErrorBursts, defaultErrorBursts, seed, 0x1e7707),
		latency: newWindow(o.LatencySpikes, defaultLatencySpikes, seed, 0x5107),
		bot:     newWindow(o.NoisyBot, defaultNoisyBot, seed, 0xb07),
	}
}

func (in incidents) at(t time.Time) incident {
	cur := incident{slowPool: poolNone}
	if h, ok := in.errors.at(t); ok {
		cur.failingPool = incidentPools[h%uint64(len(incidentPools))]
		p := pools[cur.failingPool]
		cur.failing = p[(h>>32)%uint64(len(p))]
	}
	if h, ok := in.latency.at(t); ok {
		cur.slowPool = incidentPools[h%uint64(len(incidentPools))]
		cur.slowFactor = 8 + float64((h>>32)%18)
	}
	_, cur.bot = in.bot.at(t)
	return cur
}

// mix is SplitMix64's finalizer: a cheap, well-spread hash of x.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
