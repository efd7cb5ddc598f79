package cli

// The plain tail as a whole process against a bare SDK consumer, on the
// same slsd data (issue 12, targets 1-3):
//
//	go test -run '^$' -bench BenchmarkTailVsBare -benchtime 3x -timeout 60m ./internal/cli/
//
// builds the binary of this tree; SLSTAIL_BIN uses another, and
// SLSTAIL_BIN_BEFORE adds a second binary (the tree before) measured in the
// same rounds, for before/after figures from one run.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	consumerLibrary "github.com/aliyun/aliyun-log-go-sdk/consumer"
	"github.com/go-kit/kit/log"
	"google.golang.org/protobuf/proto"

	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/slsd"
)

// benchServer is slsd with shards shards holding groups groups of 25
// access-log-like logs (12 fields, about 300 bytes each).
func benchServer(b *testing.B, shards, groups int) *slsd.Server {
	b.Helper()
	srv, err := slsd.New(slsd.Config{Keys: []slsd.Key{cliKey}, Project: "demo", Logstore: "access", Shards: shards})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	w := sls.CreateNormalInterface(srv.Endpoint(), cliKey.ID, cliKey.Secret, "")
	w.SetHTTPClient(slsd.NewHTTPClient(srv.Endpoint()))
	kv := func(k, v string) *sls.LogContent {
		return &sls.LogContent{Key: proto.String(k), Value: proto.String(v)}
	}
	now := uint32(time.Now().Unix())
	seq := 0
	for g := 0; g < groups; g++ {
		lg := &sls.LogGroup{Topic: proto.String("cdn"), Source: proto.String("10.1.2.3")}
		for i := 0; i < 25; i++ {
			n := seq
			seq++
			lg.Logs = append(lg.Logs, &sls.Log{Time: proto.Uint32(now), Contents: []*sls.LogContent{
				kv("seq", strconv.Itoa(n)), kv("method", "GET"), kv("host", "static.example.com"),
				kv("uri", "/assets/app."+strconv.FormatInt(int64(n%997), 16)+".js"),
				kv("status", []string{"200", "200", "200", "304", "404", "502"}[n%6]),
				kv("cdn_in", strconv.Itoa(n%100)), kv("cdn_out", strconv.Itoa(n%5000)),
				kv("request_time", "0."+strconv.Itoa(n%1000)), kv("client_ip", "203.0.113."+strconv.Itoa(n%250)),
				kv("user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"),
				kv("referer", "https://www.example.com/"), kv("region", "cn-hangzhou"),
			}})
		}
		if err := w.PutLogs("demo", "access", lg); err != nil {
			b.Fatal(err)
		}
	}
	return srv
}

// appendLogJSON is the jsonl line of one log, as Record.AppendJSON writes
// it, straight from the SDK's types: what the bare consumer writes.
func appendLogJSON(b []byte, shard int, g *sls.LogGroup, l *sls.Log) []byte {
	b = append(b, `{"__time__":`...)
	b = strconv.AppendInt(b, int64(l.GetTime()), 10)
	b = append(b, `,"__shard__":`...)
	b = strconv.AppendInt(b, int64(shard), 10)
	b = append(b, `,"__topic__":`...)
	b = textsafe.AppendJSONString(b, g.GetTopic())
	b = append(b, `,"__source__":`...)
	b = textsafe.AppendJSONString(b, g.GetSource())
	for _, c := range l.Contents {
		b = append(b, ',')
		b = textsafe.AppendJSONString(b, c.GetKey())
		b = append(b, ':')
		b = textsafe.AppendJSONString(b, c.GetValue())
	}
	return append(b, '}', '\n')
}

var benchGroupN atomic.Int64

// runBare reads every log with the SDK's consumer alone, each shard worker
// encoding its logs as JSON lines to io.Discard, and returns the time from
// the first log to the last.
func runBare(b *testing.B, endpoint string, total int64) time.Duration {
	var n, first atomic.Int64
	done := make(chan struct{})
	w := consumerLibrary.InitConsumerWorkerWithCheckpointTracker(consumerLibrary.LogHubConfig{
		Endpoint: endpoint, AccessKeyID: cliKey.ID, AccessKeySecret: cliKey.Secret,
		Project: "demo", Logstore: "access",
		ConsumerGroupName: fmt.Sprintf("bare-%d", benchGroupN.Add(1)), ConsumerName: "bare",
		CursorPosition: consumerLibrary.BEGIN_CURSOR, HeartbeatIntervalInSecond: 5, DataFetchIntervalInMs: 1,
		Logger: log.NewNopLogger(), HTTPClient: slsd.NewHTTPClient(endpoint),
	}, func(shard int, gl *sls.LogGroupList, ct consumerLibrary.CheckPointTracker) (string, error) {
		var buf []byte
		k := 0
		for _, g := range gl.LogGroups {
			for _, l := range g.Logs {
				buf = appendLogJSON(buf, shard, g, l)
				k++
			}
		}
		io.Discard.Write(buf)
		if k > 0 {
			first.CompareAndSwap(0, time.Now().UnixNano())
			if n.Add(int64(k)) == total {
				close(done)
			}
		}
		_ = ct.SaveCheckPoint(false)
		return "", nil
	})
	w.Start()
	<-done
	elapsed := time.Duration(time.Now().UnixNano() - first.Load())
	w.StopAndWait()
	return elapsed
}

// tailResult is one run of the binary.
type tailResult struct {
	firstToLast time.Duration // first line to last line
	exitAfter   time.Duration // last line to exit
	rssKiB      int64
}

// runTailBinary runs `slstail tail --from begin --max total -o jsonl` with
// its output read (and dropped) by the harness, which notes when the first
// and the last line arrived.
func runTailBinary(b *testing.B, bin, endpoint string, total int64) tailResult {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "tail", "--endpoint", endpoint, "--project", "demo", "--logstore", "access",
		"--from", "begin", "--max", strconv.FormatInt(total, 10), "-o", "jsonl")
	cmd.Env = append(os.Environ(), "ALIBABA_CLOUD_ACCESS_KEY_ID="+cliKey.ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+cliKey.Secret,
		"HOME="+b.TempDir(), "XDG_STATE_HOME="+b.TempDir(), "XDG_CONFIG_HOME="+b.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	// ru_maxrss of a child started by vfork counts the parent's pages (this
	// harness holds slsd's data): the child's own high-water mark is
	// VmHWM, sampled until it exits.
	var hwm atomic.Int64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		path := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		for {
			b, err := os.ReadFile(path)
			if err != nil {
				return
			}
			if i := bytes.Index(b, []byte("VmHWM:")); i >= 0 {
				f := bytes.Fields(b[i+len("VmHWM:"):])
				if len(f) > 0 {
					if kb, err := strconv.ParseInt(string(f[0]), 10, 64); err == nil {
						hwm.Store(max(hwm.Load(), kb))
					}
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	var first, last time.Time
	var lines int64
	buf := make([]byte, 1<<20)
	for {
		n, err := out.Read(buf)
		if n > 0 {
			if first.IsZero() {
				first = time.Now()
			}
			lines += int64(bytes.Count(buf[:n], []byte{'\n'}))
			if lines >= total && last.IsZero() {
				last = time.Now()
			}
		}
		if err != nil {
			break
		}
	}
	if err := cmd.Wait(); err != nil {
		b.Fatalf("%s: %v\n%s", bin, err, stderr.String())
	}
	exited := time.Now()
	<-sampled
	if lines != total {
		b.Fatalf("%s wrote %d lines, want %d", bin, lines, total)
	}
	return tailResult{firstToLast: last.Sub(first), exitAfter: exited.Sub(last), rssKiB: hwm.Load()}
}

func benchBinary(b *testing.B) string {
	if bin := os.Getenv("SLSTAIL_BIN"); bin != "" {
		return bin
	}
	bin := b.TempDir() + "/slstail"
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/slstail/slstail").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func medianOf(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchmarkTailVsBare runs, round after round on the same data, the bare
// SDK consumer and the tail binary (and the "before" binary, if given),
// with 4 to 256 shards, and reports each side's logs/s from the first log
// to the last, the tail's share of the bare consumer's (the median of the
// per-round ratios), its peak RSS, and how long it took to exit after its
// last line (--max: checkpoints committed, ephemeral group deleted).
func BenchmarkTailVsBare(b *testing.B) {
	bins := map[string]string{"tail": benchBinary(b)}
	if before := os.Getenv("SLSTAIL_BIN_BEFORE"); before != "" {
		bins["before"] = before
	}
	groups := 8000 // 200,000 logs
	if v, err := strconv.Atoi(os.Getenv("BENCH_GROUPS")); err == nil {
		groups = v
	}
	total := int64(groups * 25)
	for _, shards := range []int{4, 16, 64, 256} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			srv := benchServer(b, shards, groups)
			bare := []time.Duration{}
			res := map[string][]tailResult{}
			for i := 0; i < b.N; i++ {
				bare = append(bare, runBare(b, srv.Endpoint(), total))
				for name, bin := range bins {
					res[name] = append(res[name], runTailBinary(b, bin, srv.Endpoint(), total))
				}
			}
			b.ReportMetric(float64(total)/medianOf(bare).Seconds(), "bare-logs/s")
			for name, rs := range res {
				ratios := make([]float64, len(rs))
				var walls, exits []time.Duration
				var rss int64
				for i, r := range rs {
					ratios[i] = bare[i].Seconds() / r.firstToLast.Seconds()
					walls = append(walls, r.firstToLast)
					exits = append(exits, r.exitAfter)
					rss = max(rss, r.rssKiB)
				}
				sort.Float64s(ratios)
				b.ReportMetric(float64(total)/medianOf(walls).Seconds(), name+"-logs/s")
				b.ReportMetric(100*ratios[len(ratios)/2], name+"-%-of-bare")
				b.ReportMetric(float64(rss)/1024, name+"-peak-RSS-MiB")
				b.ReportMetric(float64(medianOf(exits).Microseconds())/1000, name+"-exit-ms")
			}
		})
	}
}

// BenchmarkTailMaxExit times `tail --max 10` on a logstore with data: from
// its tenth line to its exit, and its peak RSS (the pulls --max sizes).
//
//	go test -run '^$' -bench BenchmarkTailMaxExit -benchtime 5x ./internal/cli/
func BenchmarkTailMaxExit(b *testing.B) {
	bins := map[string]string{"tail": benchBinary(b)}
	if before := os.Getenv("SLSTAIL_BIN_BEFORE"); before != "" {
		bins["before"] = before
	}
	for _, shards := range []int{4, 16, 256} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			srv := benchServer(b, shards, 4000)
			res := map[string][]tailResult{}
			for i := 0; i < b.N; i++ {
				for name, bin := range bins {
					res[name] = append(res[name], runTailBinary(b, bin, srv.Endpoint(), 10))
				}
			}
			for name, rs := range res {
				var exits []time.Duration
				var rss int64
				for _, r := range rs {
					exits = append(exits, r.exitAfter)
					rss = max(rss, r.rssKiB)
				}
				b.ReportMetric(float64(medianOf(exits).Microseconds())/1000, name+"-exit-ms")
				b.ReportMetric(float64(rss)/1024, name+"-peak-RSS-MiB")
			}
		})
	}
}
