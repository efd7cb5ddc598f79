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
	"os"
	"os/exec"
	"sort"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"google.golang.org/protobuf/proto"

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

// tailResult is one run of a process.
type tailResult struct {
	firstToLast time.Duration // first line to last line
	exitAfter   time.Duration // last line to exit
	rssKiB      int64
	cpu         time.Duration // user + system
}

var benchGroupN atomic.Int64

// tailArgs are the arguments of `slstail tail --from begin --max total -o jsonl`.
func tailArgs(endpoint string, total int64) []string {
	return []string{"tail", "--endpoint", endpoint, "--project", "demo", "--logstore", "access",
		"--from", "begin", "--max", strconv.FormatInt(total, 10), "-o", "jsonl"}
}

// bareArgs are the arguments of testdata/barecon, in a group of its own.
func bareArgs(endpoint string, total int64) []string {
	return []string{"-endpoint", endpoint, "-group", fmt.Sprintf("bare-%d", benchGroupN.Add(1)), "-max", strconv.FormatInt(total, 10)}
}

// runTailBinary runs bin with args, its output (total JSON lines) read and
// dropped by the harness, which notes when the first and the last line
// arrived: the bare consumer and the tail write the same lines to the same
// kind of pipe.
func runTailBinary(b *testing.B, bin string, args []string, total int64) tailResult {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
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
	r := tailResult{firstToLast: last.Sub(first), exitAfter: exited.Sub(last), rssKiB: hwm.Load()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.cpu = time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime))
	}
	return r
}

func benchBinary(b *testing.B) string {
	if bin := os.Getenv("SLSTAIL_BIN"); bin != "" {
		return bin
	}
	return goBuild(b, "github.com/slstail/slstail")
}

func goBuild(b *testing.B, pkg string) string {
	bin := b.TempDir() + "/bin"
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

func medianOf(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchmarkTailVsBare runs, round after round on the same data, the bare
// SDK consumer (testdata/barecon) and the tail binary (and the "before"
// binary, if given), each a process writing the same JSON lines to a pipe,
// with 4 to 256 shards. It reports each side's logs/s from the first line
// to the last and CPU (user + system) per log, the tail's share of the bare
// consumer's throughput (the median of the per-round ratios) and of its CPU
// per log, its peak RSS, and how long it took to exit after its last line
// (--max: checkpoints committed, ephemeral group deleted). On a shared
// machine the wall-clock ratios move with whatever else runs; CPU per log
// moves far less.
func BenchmarkTailVsBare(b *testing.B) {
	bins := map[string]string{"tail": benchBinary(b)}
	if before := os.Getenv("SLSTAIL_BIN_BEFORE"); before != "" {
		bins["before"] = before
	}
	bare := goBuild(b, "github.com/slstail/slstail/internal/cli/testdata/barecon")
	groups := 8000 // 200,000 logs
	if v, err := strconv.Atoi(os.Getenv("BENCH_GROUPS")); err == nil {
		groups = v
	}
	total := int64(groups * 25)
	for _, shards := range []int{4, 16, 64, 256} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			srv := benchServer(b, shards, groups)
			var bareRes []tailResult
			res := map[string][]tailResult{}
			for i := 0; i < b.N; i++ {
				bareRes = append(bareRes, runTailBinary(b, bare, bareArgs(srv.Endpoint(), total), total))
				for name, bin := range bins {
					res[name] = append(res[name], runTailBinary(b, bin, tailArgs(srv.Endpoint(), total), total))
				}
			}
			var bareWalls []time.Duration
			var bareCPU time.Duration
			for _, r := range bareRes {
				bareWalls = append(bareWalls, r.firstToLast)
				bareCPU += r.cpu
			}
			n := float64(total) * float64(b.N)
			b.ReportMetric(float64(total)/medianOf(bareWalls).Seconds(), "bare-logs/s")
			b.ReportMetric(bareCPU.Seconds()*1e6/n, "bare-cpu-µs/log")
			for name, rs := range res {
				ratios := make([]float64, len(rs))
				var walls, exits []time.Duration
				var rss int64
				var cpu time.Duration
				for i, r := range rs {
					ratios[i] = bareRes[i].firstToLast.Seconds() / r.firstToLast.Seconds()
					walls = append(walls, r.firstToLast)
					exits = append(exits, r.exitAfter)
					rss = max(rss, r.rssKiB)
					cpu += r.cpu
				}
				sort.Float64s(ratios)
				b.ReportMetric(float64(total)/medianOf(walls).Seconds(), name+"-logs/s")
				b.ReportMetric(100*ratios[len(ratios)/2], name+"-%-of-bare")
				b.ReportMetric(cpu.Seconds()*1e6/n, name+"-cpu-µs/log")
				b.ReportMetric(100*bareCPU.Seconds()/cpu.Seconds(), name+"-cpu-%-of-bare")
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
					res[name] = append(res[name], runTailBinary(b, bin, tailArgs(srv.Endpoint(), 10), 10))
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
