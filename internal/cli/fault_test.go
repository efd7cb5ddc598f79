package cli

// Signals against the real binary (issue 13): a named-group tail writing
// JSON lines to a file is killed (SIGKILL), stopped (SIGTERM, SIGINT) and
// sent SIGPIPE at random moments while logs are written, and resumed with
// --from checkpoint each time; a sequence field counts what reached the
// files: nothing may be missing, and duplicates are counted. The default
// run kills twice; the soak that docs/RELIABILITY.md reports is
//
//	go test -count=1 -run TestFaultSignals -v -timeout 30m ./internal/cli/ -fault.kills 30

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"google.golang.org/protobuf/proto"

	"github.com/slstail/slstail/internal/faultproxy"
	"github.com/slstail/slstail/slsd"
)

var faultKills = flag.Int("fault.kills", 2, "SIGKILLs in TestFaultSignals")

// builtDir holds the binary the package's tests share; TestMain removes it.
var (
	builtDir  string
	buildOnce sync.Once
	built     string
	buildErr  error
)

// buildSlstail builds the binary once for the package's tests.
func buildSlstail(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if builtDir, buildErr = os.MkdirTemp("", "slstail-cli-test"); buildErr != nil {
			return
		}
		built = filepath.Join(builtDir, "slstail")
		if out, err := exec.Command("go", "build", "-o", built, "github.com/slstail/slstail").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

// seqWriter writes logs numbered by "seq", four groups at a time (the
// server spreads them over the shards), until halted.
type seqWriter struct {
	w    sls.ClientInterface
	next atomic.Int64
	stop chan struct{}
	done chan struct{}
}

func startSeqWriter(t *testing.T, srv *slsd.Server) *seqWriter {
	w := sls.CreateNormalInterface(srv.Endpoint(), cliKey.ID, cliKey.Secret, "")
	w.SetHTTPClient(slsd.NewHTTPClient(srv.Endpoint()))
	sw := &seqWriter{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(sw.done)
		for {
			select {
			case <-sw.stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			lg := &sls.LogGroup{Topic: proto.String("faults")}
			for i := 0; i < 5; i++ {
				n := sw.next.Load()
				lg.Logs = append(lg.Logs, &sls.Log{Time: proto.Uint32(uint32(time.Now().Unix())),
					Contents: []*sls.LogContent{{Key: proto.String("seq"), Value: proto.String(strconv.FormatInt(n, 10))}}})
				sw.next.Add(1)
			}
			if err := w.PutLogs("demo", "access", lg); err != nil {
				t.Errorf("PutLogs: %v", err)
				return
			}
		}
	}()
	return sw
}

func (sw *seqWriter) halt() int64 {
	close(sw.stop)
	<-sw.done
	return sw.next.Load()
}

// tailRun is one slstail process writing to its own file.
type tailRun struct {
	cmd    *exec.Cmd
	out    string
	stderr strings.Builder
	done   chan error
}

func startTail(t *testing.T, bin, endpoint, from, out string, extra ...string) *tailRun {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	args := append([]string{"tail", "--endpoint", endpoint, "--project", "demo", "--logstore", "access",
		"--from", from, "-o", "jsonl"}, extra...)
	r := &tailRun{cmd: exec.Command(bin, args...), out: out, done: make(chan error, 1)}
	r.cmd.Env = append(os.Environ(), "ALIBABA_CLOUD_ACCESS_KEY_ID="+cliKey.ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+cliKey.Secret)
	r.cmd.Stdout = f
	r.cmd.Stderr = &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	return r
}

// waitLines waits until the run's file has at least n lines.
func (r *tailRun) waitLines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for len(readSeqs(t, r.out)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s: fewer than %d lines after a minute; stderr:\n%s", r.out, n, r.stderr.String())
		}
		select {
		case err := <-r.done:
			t.Fatalf("%s: exited early (%v); stderr:\n%s", r.out, err, r.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// signal sends sig and, unless it is SIGKILL, waits for the exit and
// returns how long it took and the exit code.
func (r *tailRun) signal(t *testing.T, sig syscall.Signal) (time.Duration, int) {
	t.Helper()
	start := time.Now()
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		r.cmd.Process.Kill()
		<-r.done
		t.Fatalf("no exit 30 s after %v; stderr:\n%s", sig, r.stderr.String())
	}
	return time.Since(start), r.cmd.ProcessState.ExitCode()
}

// readSeqs reads the seq of every complete line of a file. A SIGKILL can
// cut the last line: a line without its newline was not written whole, and
// its batch was not acknowledged.
func readSeqs(t *testing.T, path string) []int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) != nil {
			continue
		}
		s, _ := m["seq"].(string)
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			out = append(out, n)
		}
	}
	return out
}

func TestFaultSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it against slsd for a minute")
	}
	cleanEnv(t)
	dir := t.TempDir()
	bin := buildSlstail(t)
	srv := cliServer(t, 0)
	// A short group timeout, adopted by every run (slstail never changes a
	// group's settings): should a run come up under another consumer name,
	// a killed consumer's shards are free again within a heartbeat or two.
	// Under the default name (<user>@<host>) a restart gets them at once.
	admin := sls.CreateNormalInterface(srv.Endpoint(), cliKey.ID, cliKey.Secret, "")
	admin.SetHTTPClient(slsd.NewHTTPClient(srv.Endpoint()))
	if err := admin.CreateConsumerGroup("demo", "access", sls.ConsumerGroup{ConsumerGroupName: "faults", Timeout: 2}); err != nil {
		t.Fatal(err)
	}
	sw := startSeqWriter(t, srv)
	defer func() {
		select {
		case <-sw.done:
		default:
			sw.halt()
		}
	}()

	plan := []syscall.Signal{}
	for i := 0; i < *faultKills; i++ {
		plan = append(plan, syscall.SIGKILL)
	}
	plan = append(plan, syscall.SIGTERM, syscall.SIGINT)
	rand.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })

	type result struct {
		sig   syscall.Signal
		file  string
		exit  time.Duration
		code  int
		lines int
	}
	var results []result
	from := "begin"
	for i, sig := range plan {
		r := startTail(t, bin, srv.Endpoint(), from, filepath.Join(dir, fmt.Sprintf("run-%02d.jsonl", i)), "--group", "faults")
		from = "checkpoint"
		r.waitLines(t, 1) // it holds shards and writes
		time.Sleep(time.Duration(rand.IntN(1500)) * time.Millisecond)
		if i == 0 {
			// SIGPIPE is not the reader leaving: the tail goes on.
			before := len(readSeqs(t, r.out))
			r.cmd.Process.Signal(syscall.SIGPIPE)
			time.Sleep(500 * time.Millisecond)
			select {
			case err := <-r.done:
				t.Fatalf("kill -PIPE ended the tail (%v)", err)
			default:
			}
			r.waitLines(t, before+1)
		}
		took, code := r.signal(t, sig)
		if sig != syscall.SIGKILL && code != 0 {
			t.Errorf("%v: exit code %d; stderr:\n%s", sig, code, r.stderr.String())
		}
		results = append(results, result{sig: sig, file: r.out, exit: took, code: code, lines: len(readSeqs(t, r.out))})
	}

	// The last run reads to the end of what was written, then stops.
	total := sw.halt()
	last := startTail(t, bin, srv.Endpoint(), "checkpoint", filepath.Join(dir, "run-last.jsonl"), "--group", "faults")
	seen := map[int64]int{}
	files := make([]string, 0, len(results)+1)
	for _, r := range results {
		files = append(files, r.file)
	}
	count := func() {
		clear(seen)
		for _, f := range append(files, last.out) {
			for _, n := range readSeqs(t, f) {
				seen[n]++
			}
		}
	}
	deadline := time.Now().Add(90 * time.Second)
	for count(); len(seen) < int(total) && time.Now().Before(deadline); count() {
		time.Sleep(100 * time.Millisecond)
	}
	took, code := last.signal(t, syscall.SIGTERM)
	if code != 0 {
		t.Errorf("last run: exit %d; stderr:\n%s", code, last.stderr.String())
	}
	count()

	var missing []int64
	dups := 0
	for n := int64(0); n < total; n++ {
		switch k := seen[n]; {
		case k == 0:
			missing = append(missing, n)
		case k > 1:
			dups += k - 1
		}
	}
	// Duplicates by the signal that ended the run they repeat.
	bySig := map[syscall.Signal][2]int{} // runs, logs repeated by the next runs
	for i, r := range results {
		mine := map[int64]bool{}
		for _, n := range readSeqs(t, r.file) {
			mine[n] = true
		}
		again := 0
		for _, f := range append(files[i+1:], last.out) {
			for _, n := range readSeqs(t, f) {
				if mine[n] {
					again++
				}
			}
		}
		v := bySig[r.sig]
		bySig[r.sig] = [2]int{v[0] + 1, v[1] + again}
		t.Logf("run %2d: %-9v after %5d lines; exit %d after %v", i, r.sig, r.lines, r.code, r.exit.Round(time.Millisecond))
	}
	sigs := make([]syscall.Signal, 0, len(bySig))
	for s := range bySig {
		sigs = append(sigs, s)
	}
	sort.Slice(sigs, func(i, j int) bool { return sigs[i] < sigs[j] })
	for _, s := range sigs {
		t.Logf("%v: %d runs, %d logs repeated by the next run", s, bySig[s][0], bySig[s][1])
	}
	t.Logf("%d logs written, %d missing, %d duplicated; last stop took %v", total, len(missing), dups, took.Round(time.Millisecond))
	if len(missing) > 0 {
		t.Fatalf("%d logs lost, first %v", len(missing), missing[:min(10, len(missing))])
	}
}

// The reader leaving (EPIPE) ends a tail with exit 0; with the server gone
// a stop says what it left behind and exits 1; a second SIGINT abandons a
// stop that hangs, at once.
func TestFaultExitPaths(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cleanEnv(t)
	bin := buildSlstail(t)
	srv := cliServer(t, 0)
	sw := startSeqWriter(t, srv)
	defer sw.halt()

	t.Run("EPIPE", func(t *testing.T) {
		cmd := exec.Command(bin, "tail", "--endpoint", srv.Endpoint(), "--project", "demo", "--logstore", "access",
			"--from", "begin", "-o", "jsonl")
		cmd.Env = append(os.Environ(), "ALIBABA_CLOUD_ACCESS_KEY_ID="+cliKey.ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+cliKey.Secret)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(stdout)
		if _, err := br.ReadString('\n'); err != nil {
			t.Fatal(err)
		}
		stdout.Close() // like `| head -1`
		start := time.Now()
		err = cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 0 {
			t.Fatalf("exit %d after the reader left (%v); stderr:\n%s", code, err, stderr.String())
		}
		t.Logf("reader left: exit 0 after %v", time.Since(start).Round(time.Millisecond))
	})

	viaProxy := func(t *testing.T) (*faultproxy.Proxy, *tailRun) {
		p, err := faultproxy.New(srv.Endpoint())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		r := startTail(t, bin, p.Addr(), "begin", filepath.Join(t.TempDir(), "out.jsonl"))
		r.waitLines(t, 1)
		return p, r
	}

	t.Run("server gone", func(t *testing.T) {
		p, r := viaProxy(t)
		p.Down()
		took, code := r.signal(t, syscall.SIGINT)
		if code != 1 || !strings.Contains(r.stderr.String(), "left behind") {
			t.Fatalf("exit %d; stderr:\n%s", code, r.stderr.String())
		}
		t.Logf("server refusing: SIGINT → exit %d after %v: %s", code, took.Round(time.Millisecond), lastLine(r.stderr.String()))
	})

	t.Run("second SIGINT", func(t *testing.T) {
		p, r := viaProxy(t)
		p.Stall()
		r.cmd.Process.Signal(syscall.SIGINT)
		time.Sleep(300 * time.Millisecond) // stopping, waiting on the stalled server
		took, code := r.signal(t, syscall.SIGINT)
		if code != 1 || !strings.Contains(r.stderr.String(), "abandoned") {
			t.Fatalf("exit %d; stderr:\n%s", code, r.stderr.String())
		}
		t.Logf("server stalled: second SIGINT → exit %d after %v: %s", code, took.Round(time.Millisecond), lastLine(r.stderr.String()))
		p.Flow()
	})
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
