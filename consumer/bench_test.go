package consumer

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	consumerLibrary "github.com/aliyun/aliyun-log-go-sdk/consumer"
	"github.com/go-kit/kit/log"
	"google.golang.org/protobuf/proto"

	"github.com/slstail/slstail/slsd"
)

// writeAccessLogs writes groups log groups of perGroup CDN-access-like logs
// (12 fields, about 300 bytes each).
func (e *testEnv) writeAccessLogs(groups, perGroup int) {
	e.t.Helper()
	now := uint32(time.Now().Unix())
	for g := 0; g < groups; g++ {
		lg := accessLogGroup(&e.seq, now, perGroup)
		if err := e.writer.PutLogs(testProject, testLogstore, lg); err != nil {
			e.t.Fatalf("PutLogs: %v", err)
		}
	}
}

// accessLogGroup is a log group of n CDN-access-like logs numbered from seq.
func accessLogGroup(seq *atomic.Int64, now uint32, n int) *sls.LogGroup {
	kv := func(k, v string) *sls.LogContent {
		return &sls.LogContent{Key: proto.String(k), Value: proto.String(v)}
	}
	lg := &sls.LogGroup{Topic: proto.String("cdn"), Source: proto.String("10.1.2.3")}
	for i := 0; i < n; i++ {
		n := seq.Add(1) - 1
		lg.Logs = append(lg.Logs, &sls.Log{Time: proto.Uint32(now), Contents: []*sls.LogContent{
			kv("seq", strconv.FormatInt(n, 10)),
			kv("method", "GET"),
			kv("host", "static.example.com"),
			kv("uri", "/assets/app."+strconv.FormatInt(n%997, 16)+".js"),
			kv("status", []string{"200", "200", "200", "304", "404", "502"}[n%6]),
			kv("cdn_in", strconv.FormatInt(n%100, 10)),
			kv("cdn_out", strconv.FormatInt(n%5000, 10)),
			kv("request_time", "0."+strconv.FormatInt(n%1000, 10)),
			kv("client_ip", "203.0.113."+strconv.FormatInt(n%250, 10)),
			kv("user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"),
			kv("referer", "https://www.example.com/"),
			kv("region", "cn-hangzhou"),
		}})
	}
	return lg
}

// BenchmarkRetained shows why a receiver that keeps records compacts them:
// it holds 1,000,000 access logs (40 pulls of 25,000, decoded as the SDK
// decodes them) as delivered and as compacted, and reports the heap they
// take and how long one full garbage collection takes with them live (a
// cost the TUI pays again and again while its buffer is full).
//
//	go test -run '^$' -bench BenchmarkRetained -benchtime 3x ./consumer/
func BenchmarkRetained(b *testing.B) {
	var seq atomic.Int64
	pull := func() []Record {
		gl := &sls.LogGroupList{}
		for g := 0; g < 1000; g++ {
			gl.LogGroups = append(gl.LogGroups, accessLogGroup(&seq, 1764000000, 25))
		}
		raw, err := gl.Marshal()
		if err != nil {
			b.Fatal(err)
		}
		dec := &sls.LogGroupList{}
		if err := dec.Unmarshal(raw); err != nil {
			b.Fatal(err)
		}
		return toRecords(0, dec)
	}
	for _, how := range []string{"delivered", "compacted", "interned"} {
		b.Run(how, func(b *testing.B) {
			var heap uint64
			var gc time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				var kept [][]Record
				var dicts dictHolder
				for p := 0; p < 40; p++ {
					recs := pull()
					switch how {
					case "compacted":
						compact(recs, nil)
					case "interned":
						compact(recs, dicts.get())
					}
					kept = append(kept, recs)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				heap += after.HeapAlloc - before.HeapAlloc
				b.StartTimer()
				start := time.Now()
				runtime.GC()
				gc += time.Since(start)
				runtime.KeepAlive(kept)
				runtime.KeepAlive(&dicts)
			}
			b.ReportMetric(float64(heap)/float64(b.N)/(1<<20), "heap-MiB")
			b.ReportMetric(float64(gc.Microseconds())/1000/float64(b.N), "gc-ms")
		})
	}
}

// BenchmarkConsume compares, against one slsd holding the same data, a bare
// SDK consumer whose processor only counts logs with a Session delivering
// batches to a receiver that only counts records, as plain output runs it,
// and with one that delivers them compacted (Config.Compact, as the TUI
// runs it). All read every shard from the beginning with the same
// heartbeat, fetch and commit settings; the time from Start to the last log
// is measured. The sides take turns within one loop, each from a collected
// heap, so that all see the same machine (CI and developer machines are
// shared); the median of the per-round ratios is reported beside the ratio
// of the totals, as it is less moved by one disturbed round.
//
//	go test -run '^$' -bench 'BenchmarkConsume$' -benchtime 12x ./consumer/
//
// Each side runs under a pprof label, so one CPU profile splits by side:
//
//	go tool pprof -top -tagfocus side=session consumer.test cpu.prof
func BenchmarkConsume(b *testing.B) {
	e := newEnv(b)
	groups, perGroup := 16000, 25 // 400,000 logs, 4,000 groups per shard
	if v, err := strconv.Atoi(os.Getenv("BENCH_GROUPS")); err == nil {
		groups = v
	}
	e.writeAccessLogs(groups, perGroup)
	total := int64(groups * perGroup)
	cfg := e.config()
	cfg.From = StartFrom{Kind: PosBegin}
	compactCfg := cfg
	compactCfg.Compact = true

	sides := []*benchSide{
		{name: "bare", run: func() time.Duration { return consumeBare(b, e, cfg, total) }},
		{name: "session", run: func() time.Duration { return consumeSession(b, cfg, total) }},
		{name: "compact", run: func() time.Duration { return consumeSession(b, compactCfg, total) }},
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range sides {
			sides[(i+j)%len(sides)].measure(b)
		}
	}
	n := float64(total) * float64(b.N)
	bare := sides[0]
	for _, s := range sides {
		b.ReportMetric(n/s.wall.Seconds(), s.name+"-logs/s")
		if s.cpu > 0 {
			b.ReportMetric(s.cpu.Seconds()*1e6/n, s.name+"-cpu-µs/log")
		}
		b.ReportMetric(float64(s.gcs)/float64(b.N), s.name+"-gcs/round")
		b.ReportMetric(float64(s.alloc)/n, s.name+"-B/log")
		if s == bare {
			continue
		}
		b.ReportMetric(100*bare.wall.Seconds()/s.wall.Seconds(), s.name+"-%-of-bare")
		ratios := make([]float64, b.N)
		for i := range ratios {
			ratios[i] = float64(bare.rounds[i]) / float64(s.rounds[i])
		}
		sort.Float64s(ratios)
		b.ReportMetric(100*ratios[len(ratios)/2], s.name+"-median-%-of-bare")
	}
}

// benchSide is one side of BenchmarkConsume and what its rounds measured:
// the time from Start to the last log, and the process's CPU time over the
// same round (Stop included, which is small next to reading every log).
type benchSide struct {
	name   string
	run    func() time.Duration
	rounds []time.Duration
	wall   time.Duration
	cpu    time.Duration
	gcs    int    // garbage collections
	alloc  uint64 // bytes allocated
}

// measure runs one round from a collected heap, so that no side pays for
// another's garbage. The pprof label lets one CPU profile of the
// interleaved rounds be split by side.
func (s *benchSide) measure(b *testing.B) {
	b.StopTimer()
	runtime.GC()
	b.StartTimer()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c := cpuTime()
	var d time.Duration
	pprof.Do(context.Background(), pprof.Labels("side", s.name), func(context.Context) { d = s.run() })
	s.cpu += cpuTime() - c
	runtime.ReadMemStats(&m1)
	s.gcs += int(m1.NumGC - m0.NumGC)
	s.alloc += m1.TotalAlloc - m0.TotalAlloc
	s.wall += d
	s.rounds = append(s.rounds, d)
}

var benchGroup atomic.Int64

// consumeBare reads everything with the SDK's consumer alone and returns
// the time from Start to the last log.
func consumeBare(b *testing.B, e *testEnv, cfg Config, total int64) time.Duration {
	var n atomic.Int64
	done := make(chan struct{})
	hc := slsd.NewHTTPClient(e.srv.Endpoint())
	defer hc.CloseIdleConnections()
	w := consumerLibrary.InitConsumerWorkerWithCheckpointTracker(consumerLibrary.LogHubConfig{
		Endpoint: e.srv.Endpoint(), AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret,
		Project: testProject, Logstore: testLogstore,
		ConsumerGroupName: fmt.Sprintf("bare-%d", benchGroup.Add(1)), ConsumerName: "bare",
		CursorPosition:            consumerLibrary.BEGIN_CURSOR,
		HeartbeatIntervalInSecond: 1, DataFetchIntervalInMs: cfg.FetchInterval.Milliseconds(),
		AutoCommitIntervalInMS: cfg.CommitInterval.Milliseconds(),
		Logger:                 log.NewNopLogger(), HTTPClient: hc,
	}, func(shard int, gl *sls.LogGroupList, ct consumerLibrary.CheckPointTracker) (string, error) {
		if k := consumerLibrary.GetLogCount(gl); k > 0 && n.Add(int64(k)) == total {
			close(done)
		}
		_ = ct.SaveCheckPoint(false)
		return "", nil
	})
	start := time.Now()
	w.Start()
	<-done
	elapsed := time.Since(start)
	b.StopTimer()
	w.StopAndWait()
	b.StartTimer()
	return elapsed
}

// consumeSession reads everything through a Session and returns the time
// from Start to the last log.
func consumeSession(b *testing.B, cfg Config, total int64) time.Duration {
	s, err := NewSession(cfg)
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		var n int64
		for batch := range s.Batches() {
			if n += int64(len(batch.Records)); n == total {
				close(done)
			}
		}
	}()
	start := time.Now()
	if err := s.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	<-done
	elapsed := time.Since(start)
	b.StopTimer()
	if err := s.Stop(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	return elapsed
}

// BenchmarkPausedHeap reports how much heap a Session holds while its
// receiver reads nothing, for two amounts of data waiting in slsd: one
// undelivered pull per shard (up to 1,000 log groups), however much data is
// behind it, so the heap does not grow with the backlog.
//
//	go test -run '^$' -bench BenchmarkPausedHeap -benchtime 1x ./consumer/
func BenchmarkPausedHeap(b *testing.B) {
	for _, groups := range []int{8000, 32000} {
		b.Run(fmt.Sprintf("logs=%d", groups*25), func(b *testing.B) {
			e := newEnv(b)
			e.writeAccessLogs(groups, 25)
			cfg := e.config()
			cfg.From = StartFrom{Kind: PosBegin}
			var base, paused runtime.MemStats
			for i := 0; i < b.N; i++ {
				runtime.GC()
				runtime.ReadMemStats(&base)
				s, err := NewSession(cfg)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Start(context.Background()); err != nil {
					b.Fatal(err)
				}
				// Nobody reads: wait until every shard made its one pull.
				waitFor(b, "first pulls", func() bool {
					s.track.mu.Lock()
					defer s.track.mu.Unlock()
					n := 0
					for _, sh := range s.track.shards {
						if sh.pulled > 0 {
							n++
						}
					}
					return n == 4
				})
				time.Sleep(2 * time.Second) // more pulls would happen now
				runtime.GC()
				runtime.ReadMemStats(&paused)
				go func() {
					for range s.Batches() {
					}
				}()
				s.Stop(context.Background())
			}
			b.ReportMetric(float64(paused.HeapAlloc-base.HeapAlloc)/(1<<20), "paused-heap-MiB")
			b.ReportMetric(float64(e.srvBytes())/(1<<20), "waiting-data-MiB")
		})
	}
}
