package consumer

import (
	"context"
	"fmt"
	"os"
	"runtime"
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
		lg := &sls.LogGroup{Topic: proto.String("cdn"), Source: proto.String("10.1.2.3")}
		for i := 0; i < perGroup; i++ {
			n := e.seq.Add(1) - 1
			kv := func(k, v string) *sls.LogContent {
				return &sls.LogContent{Key: proto.String(k), Value: proto.String(v)}
			}
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
		if err := e.writer.PutLogs(testProject, testLogstore, lg); err != nil {
			e.t.Fatalf("PutLogs: %v", err)
		}
	}
}

// BenchmarkConsume compares, against one slsd holding the same data, a bare
// SDK consumer whose processor only counts logs with a Session delivering
// batches to a receiver that only counts records. Both read every shard
// from the beginning with the same heartbeat, fetch and commit settings,
// and the time from Start to the last log is measured. The two alternate
// within one loop so that both see the same machine (CI and developer
// machines are shared).
//
//	go test -run '^$' -bench BenchmarkConsume -benchtime 5x ./consumer/
//
// BENCH_ONLY=bare or BENCH_ONLY=session runs one side alone, so that two CPU
// profiles can be compared with pprof -diff_base.
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

	var bare, session time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		switch only := os.Getenv("BENCH_ONLY"); {
		case only == "bare": // one side alone, for a CPU profile of it
			bare += consumeBare(b, e, cfg, total)
			session = bare
		case only == "session":
			session += consumeSession(b, cfg, total)
			bare = session
		case i%2 == 0:
			bare += consumeBare(b, e, cfg, total)
			session += consumeSession(b, cfg, total)
		default:
			session += consumeSession(b, cfg, total)
			bare += consumeBare(b, e, cfg, total)
		}
	}
	n := float64(total) * float64(b.N)
	b.ReportMetric(n/bare.Seconds(), "bare-logs/s")
	b.ReportMetric(n/session.Seconds(), "session-logs/s")
	b.ReportMetric(100*bare.Seconds()/session.Seconds(), "session-%-of-bare")
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
