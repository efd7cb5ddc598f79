package slsd

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	consumer "github.com/aliyun/aliyun-log-go-sdk/consumer"
	"github.com/go-kit/kit/log"
)

const benchGroupLogs = 100 // logs per log group, as a batching producer sends

// benchGroups pre-builds access-log groups so that the benchmarks measure
// the server and the SDK, not the generator.
func benchGroups(n int) (groups []*sls.LogGroup, rawBytes int) {
	r := rand.New(rand.NewPCG(1, 2))
	for range n {
		g := accessLogGroup(r, benchGroupLogs)
		groups = append(groups, g)
		rawBytes += g.Size()
	}
	return groups, rawBytes
}

// cpuTime is the CPU time (user+system) this process has used: client and
// server together, the cost that stays meaningful on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rate measures a benchmark: call start after setup (it resets the timer)
// and report at the end.
type rate struct {
	b   *testing.B
	cpu time.Duration
}

func startRate(b *testing.B) *rate {
	b.ResetTimer()
	return &rate{b: b, cpu: cpuTime()}
}

func (r *rate) report(logs, bytes int64) {
	sec := r.b.Elapsed().Seconds()
	r.b.ReportMetric(float64(logs)/sec, "logs/s")
	r.b.ReportMetric(float64(bytes)/sec/1e6, "rawMB/s")
	r.b.ReportMetric(float64(cpuTime()-r.cpu)/float64(logs), "cpu-ns/log")
	r.b.ReportMetric(0, "ns/op") // an op's size differs per benchmark; the rates are the result
}

// BenchmarkPutLogs: the SDK's PutLogs (lz4) from 4 goroutines, 100 access
// logs per call.
func BenchmarkPutLogs(b *testing.B) {
	s := startServer(b, Config{Retention: Retention{MaxBytes: 512 << 20}})
	c := newClient(b, s, testKey)
	groups, raw := benchGroups(64)
	var logs, bytes atomic.Int64
	var next atomic.Int64
	b.SetParallelism(2) // 2 × GOMAXPROCS producers
	r := startRate(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			g := groups[next.Add(1)%int64(len(groups))]
			if err := c.PutLogs(testProject, testLogstore, g); err != nil {
				b.Error(err)
				return
			}
			logs.Add(benchGroupLogs)
			bytes.Add(int64(raw / len(groups)))
		}
	})
	r.report(logs.Load(), bytes.Load())
}

// fill writes groups round-robin over the 4 shards until each has perShard
// groups.
func fill(b *testing.B, c sls.ClientInterface, perShard int) (logs, bytes int64) {
	groups, _ := benchGroups(64)
	for i := range perShard * 4 {
		g := groups[i%len(groups)]
		key := fmt.Sprintf("%x", (i%4)*4)
		if err := c.PostLogStoreLogs(testProject, testLogstore, g, &key); err != nil {
			b.Fatal(err)
		}
		logs += int64(len(g.Logs))
		bytes += int64(g.Size())
	}
	return logs, bytes
}

// BenchmarkPullLogs: one goroutine per shard reads the shard from begin to
// end with the SDK's PullLogsWithQuery (lz4, count 1000), decoding every log
// group as a consumer does. One op = all 4 shards read once. "bytes" uses
// the SDK's GetLogsBytesWithQuery instead (fetch and lz4-decompress, no
// protobuf decoding), which leaves most of the CPU to the server.
func BenchmarkPullLogs(b *testing.B) {
	for _, bc := range []struct {
		name, query string
		decode      bool
	}{
		{"raw", "", true},
		{"spl-filter", "* | where cast(cdn_in as bigint) > 70", true},
		{"bytes", "", false},
	} {
		query := bc.query
		b.Run(bc.name, func(b *testing.B) {
			s := startServer(b, Config{})
			c := newClient(b, s, testKey)
			logs, bytes := fill(b, c, 250) // 100k logs
			r := startRate(b)
			for range b.N {
				var wg sync.WaitGroup
				for shard := range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						cur, err := c.GetCursor(testProject, testLogstore, shard, "begin")
						if err != nil {
							b.Error(err)
							return
						}
						for {
							plr := &sls.PullLogRequest{Project: testProject, Logstore: testLogstore,
								ShardID: shard, Cursor: cur, LogGroupMaxCount: 1000, Query: query}
							var meta *sls.PullLogMeta
							var err error
							if bc.decode {
								_, meta, err = c.PullLogsWithQuery(plr)
							} else {
								_, meta, err = c.GetLogsBytesWithQuery(plr)
							}
							if err != nil {
								b.Error(err)
								return
							}
							if meta.NextCursor == cur {
								return
							}
							cur = meta.NextCursor
						}
					}()
				}
				wg.Wait()
			}
			r.report(logs*int64(b.N), bytes*int64(b.N))
		})
	}
}

// BenchmarkConsumerLibrary: an unmodified consumerLibrary worker in a
// fresh consumer group consumes 4 shards from the beginning; one op = every
// log consumed once.
func BenchmarkConsumerLibrary(b *testing.B) {
	if raceEnabled {
		b.Skip("the SDK's consumerLibrary has a data race of its own (see race_test.go)")
	}
	s := startServer(b, Config{})
	c := newClient(b, s, testKey)
	logs, bytes := fill(b, c, 1000) // 400k logs
	hc := NewHTTPClient(s.Endpoint())
	defer hc.CloseIdleConnections()
	r := startRate(b)
	for i := range b.N {
		var seen atomic.Int64
		done := make(chan struct{})
		var once sync.Once
		cfg := consumer.LogHubConfig{
			Endpoint: s.Endpoint(), AccessKeyID: testKey.ID, AccessKeySecret: testKey.Secret,
			Project: testProject, Logstore: testLogstore,
			ConsumerGroupName: fmt.Sprintf("bench-%d", i), ConsumerName: "c",
			CursorPosition: consumer.BEGIN_CURSOR, HeartbeatIntervalInSecond: 1,
			DataFetchIntervalInMs: 20, HTTPClient: hc, Logger: log.NewNopLogger(),
		}
		w := consumer.InitConsumerWorkerWithCheckpointTracker(cfg, func(shard int, gl *sls.LogGroupList, tr consumer.CheckPointTracker) (string, error) {
			n := 0
			for _, g := range gl.LogGroups {
				n += len(g.Logs)
			}
			if seen.Add(int64(n)) >= logs {
				once.Do(func() { close(done) })
			}
			tr.SaveCheckPoint(false)
			return "", nil
		})
		w.Start()
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			b.Fatalf("consumed %d of %d logs", seen.Load(), logs)
		}
		b.StopTimer()
		w.StopAndWait()
		b.StartTimer()
	}
	r.report(logs*int64(b.N), bytes*int64(b.N))
	waitConsumerLibraryExit(b)
}
