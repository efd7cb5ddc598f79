package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slstail/slstail/consumer"
)

var t0 = time.Date(2026, 12, 3, 4, 40, 30, 0, time.UTC)

// ms is a log time t0 + n milliseconds.
func ms(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

// batch builds a batch of shard whose records have the given log times (ms
// after t0) and carry "id" = "s<shard>@<ms>" to name them in failures.
func batch(shard, gen int, times ...int) consumer.Batch {
	b := consumer.Batch{Shard: shard, Generation: gen}
	for _, n := range times {
		b.Records = append(b.Records, consumer.NewRecord(shard, ms(n), nil,
			consumer.Field{Key: "id", Value: fmt.Sprintf("s%d@%d", shard, n)}))
	}
	return b
}

// names renders released records as "s1@100" ("s1@100!" when late).
func names(outs []Out) string {
	var parts []string
	for _, o := range outs {
		id, _ := o.Rec.Get("id")
		if o.Late {
			id += "!"
		}
		parts = append(parts, id)
	}
	return strings.Join(parts, " ")
}

// The complaint: a replay delivers shard 2's minute, then shard 1's
// from the start again. Held until both were read past, they come out in
// one time order, each shard's own order kept.
func TestMergeOrdersShardsByTime(t *testing.T) {
	m := New(Options{})
	m.SetHolds(1, true) // the status lists both shards as pulling
	now := ms(0)
	m.Add(batch(2, 1, 10, 30, 50), now)
	if got := names(m.Release(now, nil)); got != "" {
		t.Fatalf("released %q before shard 1 was read; want nothing", got)
	}
	m.Add(batch(1, 1, 0, 20, 40, 60), now)
	// Shard 2 was read to 50, shard 1 to 60: everything up to 50 may go.
	if got, want := names(m.Release(now, nil)), "s1@0 s2@10 s1@20 s2@30 s1@40 s2@50"; got != want {
		t.Fatalf("released %q, want %q", got, want)
	}
	m.Add(batch(2, 1, 70), now)
	if got, want := names(m.Release(now, nil)), "s1@60"; got != want {
		t.Fatalf("then %q, want %q", got, want)
	}
	if m.Held() != 1 {
		t.Fatalf("held %d, want 1 (s2@70 waits for shard 1)", m.Held())
	}
}

// Ties on log time go by receive time, then shard, then position.
func TestMergeTies(t *testing.T) {
	late := &consumer.Group{Receive: ms(900)}
	early := &consumer.Group{Receive: ms(500)}
	b3 := consumer.Batch{Shard: 3, Records: []consumer.Record{
		consumer.NewRecord(3, ms(100), late, consumer.Field{Key: "id", Value: "s3-late"}),
		consumer.NewRecord(3, ms(100), early, consumer.Field{Key: "id", Value: "s3-early"}),
	}}
	b1 := consumer.Batch{Shard: 1, Records: []consumer.Record{
		consumer.NewRecord(1, ms(100), late, consumer.Field{Key: "id", Value: "s1-late-a"}),
		consumer.NewRecord(1, ms(100), late, consumer.Field{Key: "id", Value: "s1-late-b"}),
	}}
	m := New(Options{})
	m.Add(b3, t0)
	m.Add(b1, t0)
	// Shard 3's own order is kept: s3-late goes first, and holds s3-early
	// behind it (the merge never reorders a shard). Same log time: not late.
	got := names(m.Flush(nil))
	want := "s1-late-a s1-late-b s3-late s3-early"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A shard that was behind by more than the hold delivers records older than
// what is on screen: they come out at once, marked late, never dropped.
func TestMergeLate(t *testing.T) {
	m := New(Options{Hold: time.Second})
	m.Add(batch(0, 1, 1000, 1100), ms(0))
	m.Add(batch(1, 1, 1050), ms(0))
	if got, want := names(m.Release(ms(0), nil)), "s0@1000 s1@1050"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	// Shard 2 holds the watermark but has been silent: the hold releases.
	m.SetHolds(2, true)
	m.Add(batch(0, 1, 1200), ms(100))
	if got := names(m.Release(ms(900), nil)); got != "" {
		t.Fatalf("released %q before the hold expired", got)
	}
	if next, ok := m.Next(); !ok || !next.Equal(ms(1000)) {
		t.Fatalf("Next() = %v, %v; want %v (arrival of the oldest held + 1s)", next, ok, ms(1000))
	}
	// At 1000 ms the batch of 0 ms is due; s0@1200 came at 100 ms and waits.
	if got, want := names(m.Release(ms(1000), nil)), "s0@1100"; got != want {
		t.Fatalf("at the hold: got %q, want %q", got, want)
	}
	if got, want := names(m.Release(ms(1100), nil)), "s0@1200"; got != want {
		t.Fatalf("at its hold: got %q, want %q", got, want)
	}
	// Now shard 2 finally delivers, far behind: late, and at once.
	m.Add(batch(2, 1, 500, 600), ms(1200))
	if got, want := names(m.Release(ms(1200), nil)), "s2@500! s2@600!"; got != want {
		t.Fatalf("far-behind shard: got %q, want %q", got, want)
	}
}

// The hold is exact: a record waits until its batch is Hold old, not
// longer, whatever else arrives meanwhile.
func TestMergeHold(t *testing.T) {
	m := New(Options{Hold: 500 * time.Millisecond})
	m.SetHolds(1, true) // known from the status, never delivers
	m.Add(batch(0, 1, 10), ms(0))
	m.Add(batch(0, 1, 20), ms(300))
	for _, at := range []int{0, 100, 499} {
		if got := m.Release(ms(at), nil); len(got) != 0 {
			t.Fatalf("at %d ms released %s", at, names(got))
		}
	}
	if got, want := names(m.Release(ms(500), nil)), "s0@10"; got != want {
		t.Fatalf("at 500 ms: %q, want %q", got, want)
	}
	if next, _ := m.Next(); !next.Equal(ms(800)) {
		t.Fatalf("Next() = %v, want %v", next, ms(800))
	}
	if got := m.Release(ms(799), nil); len(got) != 0 {
		t.Fatalf("at 799 ms released %s", names(got))
	}
	if got, want := names(m.Release(ms(800), nil)), "s0@20"; got != want {
		t.Fatalf("at 800 ms: %q, want %q", got, want)
	}
	if _, ok := m.Next(); ok {
		t.Fatal("Next() reports a deadline with nothing held")
	}
}

// An idle shard (at its end) or a released one does not hold the
// watermark; a pulling one does, and so does one that has not reported yet.
func TestMergeIdleShard(t *testing.T) {
	m := New(Options{})
	m.Sync([]consumer.ShardStatus{
		{Shard: 0, Held: true, State: consumer.ShardPulling},
		{Shard: 1, Held: true, State: consumer.ShardIdle},
		{Shard: 2, Held: false, State: consumer.ShardPulling}, // another consumer's
		{Shard: 3, Held: true, State: consumer.ShardError},
	})
	m.Add(batch(0, 1, 10, 20), t0)
	if got, want := names(m.Release(t0, nil)), "s0@10 s0@20"; got != want {
		t.Fatalf("got %q, want %q: only shard 0 holds", got, want)
	}
	// Seen idle, shard 1 pulls again and delivers nothing (its query
	// filtered the pull away): what it delivers next is newer than what it
	// was seen idle at, so it does not hold s0@30.
	m.Sync([]consumer.ShardStatus{{Shard: 1, Held: true, State: consumer.ShardPulling}})
	m.Add(batch(0, 1, 30), t0)
	if got, want := names(m.Release(t0, nil)), "s0@30"; got != want {
		t.Fatalf("shard 1 pulls again after it was seen idle: got %q, want %q", got, want)
	}
	// Once it delivers, it holds again from its last record.
	m.Add(batch(1, 1, 35), t0)
	m.Add(batch(0, 1, 40), t0)
	if got, want := names(m.Release(t0, nil)), "s1@35"; got != want {
		t.Fatalf("shard 1 delivered and pulls: got %q, want %q (s0@40 waits for it)", got, want)
	}
	m.Sync([]consumer.ShardStatus{{Shard: 1, Held: true, State: consumer.ShardIdle}})
	if got, want := names(m.Release(t0, nil)), "s0@40"; got != want {
		t.Fatalf("shard 1 idle again: got %q, want %q", got, want)
	}
	// A shard seen starting (a new run, or given to this session anew)
	// has data ahead: it holds until it delivers or is seen idle.
	m.Sync([]consumer.ShardStatus{{Shard: 1, Held: true, State: consumer.ShardStarting}})
	m.Add(batch(0, 1, 50), t0)
	if got := m.Release(t0, nil); len(got) != 0 {
		t.Fatalf("shard 1 starts and has not delivered: released %s", names(got))
	}
	m.Sync([]consumer.ShardStatus{{Shard: 1, Held: true, State: consumer.ShardPulling}})
	if got := m.Release(t0, nil); len(got) != 0 {
		t.Fatalf("shard 1 pulls after it started, never seen idle: released %s", names(got))
	}
}

// A query change starts a new order: a shard seen idle under the old one
// holds again until it is seen idle under the new one (or delivers).
func TestMergeCaughtUpIsPerOrder(t *testing.T) {
	m := New(Options{})
	m.Sync([]consumer.ShardStatus{
		{Shard: 0, Held: true, State: consumer.ShardPulling},
		{Shard: 1, Held: true, State: consumer.ShardIdle},
	})
	m.Add(batch(0, 1, 5), t0)
	if got, want := names(m.Release(t0, nil)), "s0@5"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	m.Sync([]consumer.ShardStatus{{Shard: 1, Held: true, State: consumer.ShardPulling}})
	m.Add(batch(0, 2, 10), t0) // a new generation: a new order
	if got := m.Release(t0, nil); len(got) != 0 {
		t.Fatalf("released %s in the new order before shard 1 was seen idle in it", names(got))
	}
	m.Sync([]consumer.ShardStatus{{Shard: 1, Held: true, State: consumer.ShardIdle}})
	m.Sync([]consumer.ShardStatus{{Shard: 1, Held: true, State: consumer.ShardPulling}})
	if got, want := names(m.Release(t0, nil)), "s0@10"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A query change: what the old query's run left is released first, then
// the new run's replay, which is earlier in time but not late.
func TestMergeGeneration(t *testing.T) {
	m := New(Options{})
	m.SetHolds(1, true)
	m.Add(batch(0, 1, 5000, 5100), t0)
	m.Add(batch(0, 2, 100), t0) // the new query replays from earlier
	m.Add(batch(1, 2, 50), t0)
	m.Add(batch(1, 1, 5200), t0) // a straggler of generation 1
	out := m.Release(t0, nil)
	var gens []string
	for _, o := range out {
		gens = append(gens, strconv.Itoa(o.Gen))
	}
	if got, want := names(out), "s0@5000 s0@5100 s1@5200 s1@50"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got, want := strings.Join(gens, " "), "1 1 1 2"; got != want {
		t.Fatalf("generations %q, want %q", got, want)
	}
	if got, want := names(m.Flush(nil)), "s0@100"; got != want {
		t.Fatalf("flush: %q, want %q", got, want)
	}
}

func TestMergeMaxHeld(t *testing.T) {
	m := New(Options{MaxHeld: 3})
	m.SetHolds(1, true)
	m.Add(batch(0, 1, 1, 2, 3, 4, 5), t0)
	if got, want := names(m.Release(t0, nil)), "s0@1 s0@2"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A random interleaving: nothing lost or duplicated, each shard's order
// kept, Late exactly when an earlier-timed record follows a later one, and
// with every shard read and no hold expiring, the output is in time order.
func TestMergeRandom(t *testing.T) {
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 7))
		shards := 1 + r.IntN(6)
		m := New(Options{Hold: time.Duration(200+r.IntN(800)) * time.Millisecond, MaxHeld: 50 + r.IntN(200)})
		next := make([]int, shards) // per shard, the next log time base
		want := make([][]string, shards)
		var out []Out
		now := 0
		for range 200 {
			now += r.IntN(50)
			s := r.IntN(shards)
			var times []int
			for range 1 + r.IntN(8) {
				next[s] += r.IntN(40) - 5 // mostly rising, sometimes back
				times = append(times, next[s])
			}
			b := batch(s, 1, times...)
			for _, rec := range b.Records {
				id, _ := rec.Get("id")
				want[s] = append(want[s], id)
			}
			m.Add(b, ms(now))
			if r.IntN(3) == 0 {
				m.SetHolds(r.IntN(shards), r.IntN(2) == 0)
			}
			out = m.Release(ms(now), out)
		}
		out = m.Flush(out)
		got := make([][]string, shards)
		maxT := time.Time{}
		for i, o := range out {
			id, _ := o.Rec.Get("id")
			got[o.Rec.Shard] = append(got[o.Rec.Shard], id)
			wantLate := i > 0 && o.Rec.Time.Before(maxT)
			if o.Late != wantLate {
				t.Fatalf("seed %d: %s late=%v, want %v (latest before it %v)", seed, id, o.Late, wantLate, maxT)
			}
			if o.Rec.Time.After(maxT) || i == 0 {
				maxT = o.Rec.Time
			}
		}
		for s := range shards {
			if !slices.Equal(got[s], want[s]) {
				t.Fatalf("seed %d shard %d: order\n got %v\nwant %v", seed, s, got[s], want[s])
			}
		}
	}
}

// With every shard holding and read, and the hold never reached, the merge
// is a sort by time: the replay case.
func TestMergeReplaySorted(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m := New(Options{Hold: time.Hour, MaxHeld: 1 << 20})
	var all []int
	per := map[int][]int{}
	for s := range 4 {
		base := r.IntN(1000)
		for i := range 300 {
			per[s] = append(per[s], base+i*7+s)
		}
	}
	var out []Out
	for i := 0; i < 300; i += 30 {
		for _, s := range []int{2, 0, 3, 1} {
			m.Add(batch(s, 1, per[s][i:i+30]...), t0)
			all = append(all, per[s][i:i+30]...)
		}
		out = m.Release(t0, out)
	}
	out = m.Flush(out)
	slices.Sort(all)
	for i, o := range out {
		if o.Late {
			t.Fatalf("line %d late in a replay", i)
		}
		if got := int(o.Rec.Time.Sub(t0) / time.Millisecond); got != all[i] {
			t.Fatalf("line %d at %d ms, want %d", i, got, all[i])
		}
	}
}

// A negative hold does not wait: each Release lets out everything added,
// merged in time order within what came together, and what comes after a
// later record is late.
func TestMergeNegativeHoldDoesNotWait(t *testing.T) {
	m := New(Options{Hold: -1})
	m.SetHolds(1, true)
	now := ms(0)
	m.Add(batch(2, 1, 10, 30), now)
	m.Add(batch(1, 1, 0, 20), now)
	if got, want := names(m.Release(now, nil)), "s1@0 s2@10 s1@20 s2@30"; got != want {
		t.Fatalf("released %q, want %q", got, want)
	}
	m.Add(batch(1, 1, 25, 40), now)
	if got, want := names(m.Release(now, nil)), "s1@25! s1@40"; got != want {
		t.Fatalf("released %q, want %q", got, want)
	}
	if m.Held() != 0 {
		t.Fatalf("%d held", m.Held())
	}
}

// ReleaseN lets out what Release would, a slice at a time and in the same
// order, and says when it stopped short; stragglers of an older generation
// count in the slices too.
func TestReleaseNSlices(t *testing.T) {
	m := New(Options{})
	m.SetHolds(1, true)
	now := ms(0)
	m.Add(batch(2, 1, 10, 30, 50), now)
	m.Add(batch(1, 1, 0, 20, 40, 60), now)
	m.Add(batch(1, 0, 5, 7), now) // a straggler of the replaced query
	var got []string
	for i := 0; ; i++ {
		out, more := m.ReleaseN(now, nil, 2)
		if len(out) > 2 {
			t.Fatalf("slice %d: %d records, asked for 2", i, len(out))
		}
		got = append(got, names(out))
		if !more {
			break
		}
		if i > 10 {
			t.Fatal("ReleaseN keeps saying more")
		}
	}
	if g, want := strings.Join(got, " | "), "s1@5 s1@7 | s1@0 s2@10 | s1@20 s2@30 | s1@40 s2@50"; g != want {
		t.Fatalf("slices %q, want %q", g, want)
	}
	if m.Held() != 1 {
		t.Fatalf("held %d, want 1 (s1@60 waits for shard 2)", m.Held())
	}
}
