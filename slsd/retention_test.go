package slsd

import (
	"slices"
	"sort"
	"testing"
	"time"
)

func TestRetentionByBytes(t *testing.T) {
	const limit = 3000
	s := startServer(t, Config{Retention: Retention{MaxBytes: limit}})
	c := newClient(t, s, testKey)
	oldBegin, _ := c.GetCursor(testProject, testLogstore, 0, "begin")

	// Model: what stays is the newest suffix of the puts (across shards)
	// that fits in the limit.
	type put struct{ first, size int }
	var puts []put
	retained := func() []int {
		var out []int
		total := 0
		for i := len(puts) - 1; i >= 0; i-- {
			if total += puts[i].size; total > limit {
				break
			}
			for k := range 10 {
				out = append(out, puts[i].first+k)
			}
		}
		sort.Ints(out)
		return out
	}
	stored := func() []int {
		var out []int
		for shard := range 4 {
			b, err := c.GetCursor(testProject, testLogstore, shard, "begin")
			if err != nil {
				t.Fatal(err)
			}
			gl, _, err := c.PullLogs(testProject, testLogstore, shard, b, "", 1000)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, seqs(t, gl)...)
		}
		sort.Ints(out)
		return out
	}
	keys := []string{"0", "0", "8", "0", "4", "0", "c", "0", "0", "8", "0", "0"}
	for i, key := range keys {
		g := numberedGroup(i*10, 10)
		if err := c.PostLogStoreLogs(testProject, testLogstore, g, &key); err != nil {
			t.Fatal(err)
		}
		puts = append(puts, put{i * 10, g.Size()})
		if got, want := stored(), retained(); !slices.Equal(got, want) {
			t.Fatalf("after put %d: stored %v, want %v", i, got, want)
		}
	}
	if len(retained()) == len(keys)*10 {
		t.Fatal("the limit never bit; the test proves nothing")
	}
	// A cursor into dropped data is answered as SLS answers one past its TTL.
	_, _, err := c.PullLogs(testProject, testLogstore, 0, oldBegin, "", 10)
	wantError(t, err, 400, "InvalidCursor")
}

func TestRetentionByAge(t *testing.T) {
	var clock fakeClock
	clock.set(time.Now())
	s := startServer(t, Config{Now: clock.now, Retention: Retention{MaxAge: time.Minute}})
	c := newClient(t, s, testKey)
	key := "0"
	if err := c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(0, 5), &key); err != nil {
		t.Fatal(err)
	}
	old, _ := c.GetCursor(testProject, testLogstore, 0, "begin")
	clock.add(50 * time.Second)
	if err := c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(5, 5), &key); err != nil {
		t.Fatal(err)
	}
	clock.add(20 * time.Second) // the first group is 70 s old now
	s.store.expire()            // what the janitor does every second
	begin, _ := c.GetCursor(testProject, testLogstore, 0, "begin")
	gl, _, err := c.PullLogs(testProject, testLogstore, 0, begin, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := seqs(t, gl); !slices.Equal(got, []int{5, 6, 7, 8, 9}) {
		t.Fatalf("kept %v, want the second group only", got)
	}
	_, err = c.GetCursorTime(testProject, testLogstore, 0, old)
	wantError(t, err, 400, "InvalidCursor")
}
