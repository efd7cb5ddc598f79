package tui

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"github.com/charmbracelet/x/exp/teatest"
	"google.golang.org/protobuf/proto"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/slsd"
)

// TestWithSessionAgainstSlsd runs the UI on a real consumer.Session against
// slsd (the SDK unmodified, over HTTP on 127.0.0.1): lines stream in tagged
// by shard, a query applied in the editor filters the stream server-side,
// an invalid query is refused with its position while the stream goes on,
// and q stops the session.
func TestWithSessionAgainstSlsd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts slsd and a consumer group")
	}
	if raceEnabled {
		// The SDK's consumerLibrary races on its own client
		// (initHttpClient); slsd's tests skip it under -race for the same
		// reason. The model itself is tested under -race by the others.
		t.Skip("the SDK's consumer races on its own client under -race")
	}
	key := slsd.Key{ID: "LTAItuitest", Secret: "tui-test-secret-0123456789"}
	srv, writer := startSlsd(t, key, 4, 0)
	seq := 0
	write := func(n int) {
		t.Helper()
		for g := 0; g < n/10; g++ {
			lg := &sls.LogGroup{Topic: proto.String("t"), Source: proto.String("10.0.0.1")}
			for i := 0; i < 10; i++ {
				lg.Logs = append(lg.Logs, &sls.Log{
					Time: proto.Uint32(uint32(time.Now().Unix())),
					Contents: []*sls.LogContent{
						{Key: proto.String("seq"), Value: proto.String(strconv.Itoa(seq))},
						{Key: proto.String("cdn_in"), Value: proto.String(strconv.Itoa(seq % 100))},
					},
				})
				seq++
			}
			if err := writer.PutLogs("demo", "access", lg); err != nil {
				t.Fatalf("PutLogs: %v", err)
			}
		}
	}

	sess := newTestSession(t, srv, key, 50*time.Millisecond)
	write(40)
	opts := testOptions()
	opts.Started = false
	opts.StatusInterval = 200 * time.Millisecond
	m := New(sess, opts)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	wait := func(what string, cond func(string) bool) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return cond(string(b)) },
			teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	shardTag := regexp.MustCompile(`\d\d:\d\d:\d\d\.\d{3} s[0-3] seq=\d+ cdn_in=\d+`)
	// Shards deliver in any order, so wait on the line count, not on a line.
	wait("shard-tagged lines", func(s string) bool { return strings.Contains(s, "lines 40/") && shardTag.MatchString(s) })

	tm.Type("e")
	tm.Send(press("ctrl+u")[0])
	tm.Type("* | where cast(cdn_in as bigint) > 70")
	tm.Send(press("enter")[0])
	tm.Type("n") // start from now
	tm.Send(press("enter")[0])
	wait("the query applied", func(s string) bool {
		return strings.Contains(s, "── query: * | where cast(cdn_in as bigint) > 70 (from now) ──")
	})
	write(100) // seq 40..139: cdn_in = seq%100 > 70 for 71..99
	wait("matching lines", func(s string) bool { return strings.Contains(s, "lines 70/") })

	// An invalid query: refused locally with its position; the stream goes on.
	tm.Type("e")
	tm.Type(" and (")
	tm.Send(press("enter")[0])
	wait("a positioned error", func(s string) bool { return strings.Contains(s, "^ 1:") })
	write(100) // seq 140..239: 171..199 match
	wait("the stream continues", func(s string) bool { return strings.Contains(s, "lines 99/") })
	tm.Send(press("esc")[0])

	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*Model)
	fm.closeDone()
	if err := fm.Err(); err != nil {
		t.Fatal(err)
	}
	// After the marker, only matching lines were buffered.
	after := false
	for seq := fm.store.ring.first; seq < fm.store.ring.next; seq++ {
		e := fm.store.ring.at(seq)
		if e.isNote() {
			after = strings.Contains(e.noteText(), "cdn_in")
			continue
		}
		if !after {
			continue
		}
		v, _ := e.rec().Get("cdn_in")
		if n, _ := strconv.Atoi(v); n <= 70 {
			t.Errorf("line with cdn_in=%s after the filter was applied", v)
		}
	}
	if !after {
		t.Error("no query marker in the buffer")
	}
	if st := sess.Status(); st.Conn != consumer.ConnStopped {
		t.Errorf("session not stopped on quit: %v", st.Conn)
	}
}

// Issue 11, end to end: the UI on a real Session against slsd while logs
// are written at a steady rate, across a split of shard 0 and a merge of
// its children. Every log written reaches the buffer once (counted by a
// sequence field), the children's panes appear, and at the end the
// parents are done and out of the pane grid while their lines stay in the
// buffer.
func TestSplitAndMergeWithSession(t *testing.T) {
	if testing.Short() {
		t.Skip("resharding under a steady writer takes a few seconds")
	}
	if raceEnabled {
		t.Skip("the SDK's consumer races on its own client under -race")
	}
	key := slsd.Key{ID: "LTAItuitest", Secret: "tui-test-secret-0123456789"}
	srv, writer := startSlsd(t, key, 2, 0)
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			lg := &sls.LogGroup{Topic: proto.String("t"), Source: proto.String("10.0.0.1")}
			for range 5 {
				n := written.Load()
				lg.Logs = append(lg.Logs, &sls.Log{Time: proto.Uint32(uint32(time.Now().Unix())),
					Contents: []*sls.LogContent{{Key: proto.String("seq"), Value: proto.String(strconv.FormatInt(n, 10))}}})
				written.Add(1)
			}
			if err := writer.PutLogs("demo", "access", lg); err != nil {
				t.Errorf("PutLogs: %v", err)
				return
			}
		}
	}()

	sess := newTestSession(t, srv, key, 20*time.Millisecond)
	opts := testOptions()
	opts.Started = false
	opts.StatusInterval = 100 * time.Millisecond
	m := New(sess, opts)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 40))
	wait := func(what string, cond func(string) bool) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return cond(string(b)) },
			teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	tm.Send(press("tab")[0])
	wait("both panes", func(s string) bool { return strings.Contains(s, "s0 (1/2) · ") && strings.Contains(s, "s1 · ") })
	for written.Load() < 50 {
		time.Sleep(20 * time.Millisecond) // both shards have logs before the split
	}
	split, err := srv.SplitShard("demo", "access", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	a, b := split[1].ID, split[2].ID
	// The parent, caught up when it was split, may go from pulling to done
	// between two polls: read-only shows in the unit goldens.
	wait("the children's panes", func(s string) bool {
		return strings.Contains(s, fmt.Sprintf("s%d · ", a)) && strings.Contains(s, fmt.Sprintf("s%d · ", b))
	})
	merged, err := srv.MergeShards("demo", "access", a)
	if err != nil {
		t.Fatal(err)
	}
	wait("the merged shard's pane", func(s string) bool { return strings.Contains(s, fmt.Sprintf("s%d · ", merged[0].ID)) })
	time.Sleep(300 * time.Millisecond) // some logs into the merged shard
	close(stop)
	wg.Wait()
	total := written.Load()
	wait("every log written", func(s string) bool { return strings.Contains(s, fmt.Sprintf("lines %s/", formatCount(int(total)))) })
	// The parents read to their ends: the status says done at its next polls.
	time.Sleep(time.Second)
	tm.Send(statusTickMsg(time.Now()))

	tm.Type("q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(*Model)
	fm.closeDone()
	seen := map[int64]int{}
	for seq := fm.store.ring.first; seq < fm.store.ring.next; seq++ {
		if e := fm.store.ring.at(seq); !e.isNote() {
			v, _ := e.rec().Get("seq")
			n, _ := strconv.ParseInt(v, 10, 64)
			seen[n]++
		}
	}
	missing, dup := 0, 0
	for n := range total {
		switch seen[n] {
		case 0:
			missing++
		case 1:
		default:
			dup++
		}
	}
	t.Logf("written %d, missing %d, duplicated %d; split %v, merged %v", total, missing, dup, split, merged)
	if missing > 0 || dup > 0 {
		t.Errorf("%d of %d logs missing, %d duplicated across the split and merge", missing, total, dup)
	}
	for _, parent := range []int{0, a, b} {
		if n := fm.logs.panes.status[parent].Delivered; int64(fm.store.lines(parent).Len()) != n {
			t.Errorf("shard %d delivered %d logs, %d of them in the buffer", parent, n, fm.store.lines(parent).Len())
		}
		if slices.Contains(fm.logs.panes.shards, parent) {
			t.Errorf("the pane of parent %d is still in the grid (status %+v)", parent, fm.logs.panes.status[parent])
		}
	}
	if !slices.Contains(fm.logs.panes.shards, merged[0].ID) || !slices.Contains(fm.logs.panes.shards, 1) {
		t.Errorf("panes %v, want shard 1 and the merged %d", fm.logs.panes.shards, merged[0].ID)
	}
}
