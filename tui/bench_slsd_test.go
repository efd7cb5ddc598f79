package tui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/demogen"
	"github.com/slstail/slstail/internal/gctune"
	"github.com/slstail/slstail/slsd"
)

// BenchmarkKeyLatencyFromSlsd is the whole path under load: the demo
// generator writes access logs into slsd through the SDK at the offered
// rate, a real consumer.Session tails them (From end) and feeds the real
// Bubble Tea program, and key presses are timed from Send to the end of the
// View that follows. Generator, server, SDK consumer and UI share the
// machine's cores, as they do in `slstail demo`.
//
//	go test -run '^$' -bench KeyLatencyFromSlsd -benchtime 200x ./tui
func BenchmarkKeyLatencyFromSlsd(b *testing.B) {
	for _, rate := range []int{10_000, 100_000} {
		b.Run("offered="+map[int]string{10_000: "10k", 100_000: "100k"}[rate], func(b *testing.B) {
			keyLatencyFromSlsd(b, rate)
		})
	}
}

func keyLatencyFromSlsd(b *testing.B, rate int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	sess := streamSession(ctx, b, &wg, 512<<20, "", rate)

	opts := testOptions()
	opts.Started = true
	m := New(sess, opts)
	p := &probe{Model: m, lat: make(chan time.Duration, 1)}
	prog := tea.NewProgram(p, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignals())
	go func() {
		defer wg.Done()
		prog.Run()
	}()
	prog.Send(tea.WindowSizeMsg{Width: 200, Height: 60})
	time.Sleep(2 * time.Second) // the stream reaches its rate and fills the screen
	measureKeys(b, p, prog)
	prog.Quit()
	m.closeDone()
	cancel()
	if err := sess.Stop(context.Background()); err != nil {
		b.Error(err)
	}
	wg.Wait()
}

// BenchmarkKeyLatencyBackfill is issue 12's target 4: key presses timed
// (as in BenchmarkKeyLatencyFromSlsd) while the UI ingests a backfill: 2M
// logs written into slsd over the given shard count before the session
// starts from the beginning. slsd runs in a process of its own (this test
// binary, started again as a server): its 2M logs in this process's heap
// would make every collection mark 1.5 GB that the TUI, talking to SLS,
// never holds. The session and the collector are set as internal/cli sets
// them for the TUI (PullBudget, and GOGC 25 % with 64 MB of headroom,
// gctune). TUI_BENCH_BEFORE=1 runs as the TUI did before issue 12's target
// 4: 8 pulls in flight, plain GOGC 25, each message taken in whole.
// Reported besides the latency percentiles: the logs/s the UI took while
// keys were timed, and the share of the backfill it had taken by the last
// key (under 1: every key was timed during the ingest). TUI_BENCH_HEADROOM=N
// runs with N MB of headroom instead, to weigh the setting.
//
//	go test -run '^$' -bench KeyLatencyBackfill -benchtime 300x -timeout 30m ./tui
func BenchmarkKeyLatencyBackfill(b *testing.B) {
	for _, shards := range []int{4, 256} {
		b.Run("shards="+strconv.Itoa(shards), func(b *testing.B) {
			keyLatencyBackfill(b, shards, backfillLogs)
		})
	}
}

// backfillLogs is the backfill of BenchmarkKeyLatencyBackfill.
const backfillLogs = 2_000_000

// benchServerEnv, set to "<shards>/<logs>", makes the test binary an slsd
// with that backfill (see serveBackfill).
const benchServerEnv = "SLSTAIL_TUI_BENCH_SLSD"

var benchKey = slsd.Key{ID: "LTAItuibench", Secret: "tui-bench-secret-0123456789"}

func keyLatencyBackfill(b *testing.B, shards, logs int) {
	endpoint, stop := startBackfillServer(b, shards, logs)
	defer stop()
	before := os.Getenv("TUI_BENCH_BEFORE") != ""
	pulls := PullBudget // as internal/cli/tuicmd.go sets the TUI's session and collector
	if before {
		pulls = 0 // the consumer's default, 8
		defer debug.SetGCPercent(debug.SetGCPercent(25))
	} else {
		headroom := uint64(64)
		if v, err := strconv.ParseUint(os.Getenv("TUI_BENCH_HEADROOM"), 10, 64); err == nil {
			headroom = v
		}
		defer gctune.Set(25, headroom<<20)()
	}
	runtime.GC()

	sess, err := consumer.NewSession(consumer.Config{
		Endpoint: endpoint, Project: "demo", Logstore: "access",
		Credentials: consumer.Credentials{AccessKeyID: benchKey.ID, AccessKeySecret: benchKey.Secret},
		Compact:     true,
		From:        consumer.StartFrom{Kind: consumer.PosBegin},
		PullBudget:  pulls,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := testOptions()
	opts.Started = true
	opts.StatusInterval = 500 * time.Millisecond
	m := New(sess, opts)
	if before {
		m.budget = 0 // every message taken in whole
	}
	p := &probe{Model: m, lat: make(chan time.Duration, 1)}
	prog := tea.NewProgram(p, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignals())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		prog.Run()
	}()
	prog.Send(tea.WindowSizeMsg{Width: 200, Height: 60})
	if err := sess.Start(ctx); err != nil {
		b.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the first batches fill the screen
	measureKeys(b, p, prog)
	b.ReportMetric(float64(p.records.Load())/float64(logs), "backfill-taken")
	prog.Quit()
	m.closeDone()
	cancel()
	if err := sess.Stop(context.Background()); err != nil {
		b.Error(err)
	}
	wg.Wait()
}

// startBackfillServer starts this test binary as an slsd holding the
// backfill, and returns its endpoint once the backfill is written.
func startBackfillServer(b *testing.B, shards, logs int) (endpoint string, stop func()) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d/%d", benchServerEnv, shards, logs))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stop = func() {
		in.Close() // the server ends when its stdin does
		cmd.Wait()
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		b.Fatalf("backfill server: %v", err)
	}
	return strings.TrimSpace(line), stop
}

// serveBackfill is the test binary started by startBackfillServer: an slsd
// with the backfill written, its endpoint on stdout, until stdin closes.
func serveBackfill(spec string) error {
	var shards, logs int
	if _, err := fmt.Sscanf(spec, "%d/%d", &shards, &logs); err != nil {
		return fmt.Errorf("%s=%q: %w", benchServerEnv, spec, err)
	}
	srv, err := slsd.New(slsd.Config{Keys: []slsd.Key{benchKey}, Project: "demo", Logstore: "access", Shards: shards,
		Retention: slsd.Retention{MaxBytes: 4 << 30}})
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	defer srv.Close()
	hc := slsd.NewHTTPClient(srv.Endpoint())
	writer := sls.CreateNormalInterface(srv.Endpoint(), benchKey.ID, benchKey.Secret, "")
	writer.SetHTTPClient(hc)
	if err := writeBackfill(demogen.NewSDKWriter(writer, "demo", "access"), shards, logs); err != nil {
		return err
	}
	hc.CloseIdleConnections()
	fmt.Println(srv.Endpoint())
	io.Copy(io.Discard, os.Stdin)
	return nil
}

// writeBackfill writes logs generated access logs spread evenly over the
// shards, in log groups of 256, their times spread over the 30 minutes
// before now.
func writeBackfill(w *demogen.SDKWriter, shards, logs int) error {
	const group = 256
	groups := (logs + group - 1) / group
	start := time.Now().Add(-30 * time.Minute)
	step := 30 * time.Minute / time.Duration(groups)
	const writers = 4
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for wi := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := demogen.New(uint64(wi+1), demogen.Options{})
			for i := wi; i < groups; i += writers {
				n := min(group, logs-i*group)
				if err := w.WriteLogGroup(context.Background(), i%shards, g.LogGroup(start.Add(time.Duration(i)*step), n)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// BenchmarkQueryChange is issue 12's target 1 in the TUI: enter in the
// start-from row ("continue") → the first line of the new query on screen,
// through the real Session and Program against slsd fed by the demo
// generator at 1,000 logs/s over 4 shards. Each iteration types a query
// (untimed, with a pause for the editor's check), presses enter and waits
// for the View that shows a line below the query's marker. Reported: the
// median and p90 of that time (screen-ms), and of the time to the Update
// that received the new query's first batch (batch-ms): what the Session
// alone takes, the rest being the UI's. "broad" queries keep every log;
// "selective" ones about one in 120 (the generator's DELETE or PUT
// requests, a steady share, unlike its 5xx, which come in bursts), so
// that most pulls of most shards come back empty.
//
//	go test -run '^$' -bench QueryChange -benchtime 20x ./tui
func BenchmarkQueryChange(b *testing.B) {
	queries := map[string][2]string{
		"broad":     {"* | where status != 'x'", "* | where status != 'y'"},
		"selective": {"* | where method = 'DELETE'", "* | where method = 'PUT'"},
	}
	for _, kind := range []string{"broad", "selective"} {
		b.Run(kind, func(b *testing.B) { queryChange(b, queries[kind]) })
	}
}

func queryChange(b *testing.B, queries [2]string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	sess := streamSession(ctx, b, &wg, 256<<20, queries[1], 1000)
	opts := testOptions()
	opts.Started = true
	opts.StatusInterval = 500 * time.Millisecond // the default
	opts.Query = queries[1]
	opts.Now = time.Now
	m := New(sess, opts)
	p := &queryProbe{Model: m, shown: make(chan time.Time, 1)}
	prog := tea.NewProgram(p, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignals())
	go func() {
		defer wg.Done()
		prog.Run()
	}()
	prog.Send(tea.WindowSizeMsg{Width: 160, Height: 40})
	time.Sleep(time.Second) // the stream is running
	var screen, batch []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for _, k := range press("e", "ctrl+u") {
			prog.Send(k)
		}
		prog.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(queries[i%2]), Paste: true})
		prog.Send(press("enter")[0])       // to the start-from row
		time.Sleep(300 * time.Millisecond) // the check and the preview settle
		b.StartTimer()
		start := time.Now()
		p.arm(start)
		prog.Send(press("enter")[0]) // continue
		select {
		case at := <-p.shown:
			screen = append(screen, at.Sub(start))
			batch = append(batch, time.Duration(p.firstBatch.Load()-start.UnixNano()))
		case <-time.After(10 * time.Second):
			b.Fatalf("the new query's first line was not shown within 10 s (iteration %d; its first batch %s)",
				i, map[bool]string{true: "arrived", false: "did not arrive"}[p.firstBatch.Load() != 0])
		}
	}
	b.StopTimer()
	slices.Sort(screen)
	slices.Sort(batch)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(screen[len(screen)/2]), "screen-ms")
	b.ReportMetric(ms(screen[len(screen)*9/10]), "screen-p90-ms")
	b.ReportMetric(ms(batch[len(batch)/2]), "batch-ms")
	b.ReportMetric(ms(batch[len(batch)*9/10]), "batch-p90-ms")
	prog.Quit()
	m.closeDone()
	cancel()
	if err := sess.Stop(context.Background()); err != nil {
		b.Error(err)
	}
	wg.Wait()
}

// queryProbe times a query change: from arm to the first View with a line
// of the new query below its marker, and to the Update that received the
// new query's first batch.
type queryProbe struct {
	*Model
	armed      atomic.Bool
	gen        int // the generation shown when armed (read on the program's goroutine)
	wantGen    bool
	firstBatch atomic.Int64
	shown      chan time.Time
}

func (p *queryProbe) arm(time.Time) { p.armed.Store(true) }

func (p *queryProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if p.armed.Load() && !p.wantGen {
		p.wantGen, p.gen = true, max(p.Model.shownGen, p.Model.status.Generation)
		p.firstBatch.Store(0)
	}
	if b, ok := msg.(batchMsg); ok && p.wantGen && p.firstBatch.Load() == 0 {
		for _, bt := range b.batches {
			if bt.Generation > p.gen {
				p.firstBatch.Store(time.Now().UnixNano())
				break
			}
		}
	}
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

func (p *queryProbe) View() string {
	v := p.Model.View()
	if p.wantGen && p.Model.minGeneration > p.gen {
		r := p.Model.store.ring
		if r.len() > 0 && !r.at(r.next-1).isNote() {
			p.wantGen = false
			p.armed.Store(false)
			p.shown <- time.Now()
		}
	}
	return v
}

// streamSession starts slsd with a 4-shard demo logstore of maxBytes, the
// demo generator writing rate logs/s into it until ctx ends (wg.Done when
// it returns), and a Session on it with query that compacts its records as
// slstail runs the TUI.
func streamSession(ctx context.Context, b *testing.B, wg *sync.WaitGroup, maxBytes int64, query string, rate int) *consumer.Session {
	b.Helper()
	srv, writer := startSlsd(b, benchKey, 4, maxBytes)
	sess, err := consumer.NewSession(consumer.Config{
		Endpoint: srv.Endpoint(), Project: "demo", Logstore: "access",
		Credentials: consumer.Credentials{AccessKeyID: benchKey.ID, AccessKeySecret: benchKey.Secret},
		Compact:     true,
		Query:       query,
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := sess.Start(ctx); err != nil {
		b.Fatal(err)
	}
	go func() {
		defer wg.Done()
		demogen.Run(ctx, demogen.NewSDKWriter(writer, "demo", "access"),
			demogen.RunOptions{Rate: float64(rate), Shards: 4, Seed: 1, TicksPerSecond: 20})
	}()
	return sess
}
