package slsd

import (
	"slices"
	"strconv"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

func TestPutPullRoundTrip(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)
	for _, tc := range []struct {
		name      string
		put, pull int
	}{
		{"lz4 both ways", sls.Compress_LZ4, sls.Compress_LZ4},
		{"uncompressed put", sls.Compress_None, sls.Compress_LZ4},
		{"zstd both ways", sls.Compress_ZSTD, sls.Compress_ZSTD},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "00000000000000000000000000000000" // shard 0's range
			begin, err := c.GetCursor(testProject, testLogstore, 0, "end")
			if err != nil {
				t.Fatal(err)
			}
			var want []int
			for i := range 3 {
				g := numberedGroup(i*100, 100)
				if err := c.PostLogStoreLogsV2(testProject, testLogstore, &sls.PostLogStoreLogsRequest{
					LogGroup: g, HashKey: &key, CompressType: tc.put}); err != nil {
					t.Fatal(err)
				}
				want = append(want, seqs(t, &sls.LogGroupList{LogGroups: []*sls.LogGroup{g}})...)
			}
			gl, meta, err := c.PullLogsWithQuery(&sls.PullLogRequest{Project: testProject, Logstore: testLogstore,
				ShardID: 0, Cursor: begin, LogGroupMaxCount: 1000, CompressType: tc.pull})
			if err != nil {
				t.Fatal(err)
			}
			if got := seqs(t, gl); !slices.Equal(got, want) {
				t.Fatalf("pulled %d logs %v..., want %d", len(got), got[:min(5, len(got))], len(want))
			}
			if meta.Count != 3 || len(gl.LogGroups) != 3 {
				t.Fatalf("x-log-count %d, groups %d, want 3", meta.Count, len(gl.LogGroups))
			}
			g := gl.LogGroups[0]
			if g.GetTopic() != "topic-a" || g.GetSource() != "10.0.0.1" || len(g.LogTags) != 1 || g.LogTags[0].GetValue() != "web-1" {
				t.Fatalf("log group metadata lost: %v", g)
			}
			end, err := c.GetCursor(testProject, testLogstore, 0, "end")
			if err != nil {
				t.Fatal(err)
			}
			if meta.NextCursor != end {
				t.Fatalf("next cursor %s, want the end cursor %s", meta.NextCursor, end)
			}
			// The SDK labels each group with its cursor from x-log-read-last-cursor.
			first, _ := decodeCursor(begin)
			for i, g := range gl.LogGroups {
				if got := g.GetCursor(); got != encodeCursor(first+int64(i)) {
					t.Fatalf("group %d cursor %s, want %s", i, got, encodeCursor(first+int64(i)))
				}
			}
			// At the end: nothing, and the cursor comes back unchanged.
			gl, meta, err = c.PullLogsWithQuery(&sls.PullLogRequest{Project: testProject, Logstore: testLogstore,
				ShardID: 0, Cursor: end, LogGroupMaxCount: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(gl.LogGroups) != 0 || meta.NextCursor != end {
				t.Fatalf("pull at end: %d groups, next %s, want 0 and %s", len(gl.LogGroups), meta.NextCursor, end)
			}
		})
	}
}

func TestPutWithoutKeySpreadsOverShards(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)
	for i := range 8 {
		if err := c.PutLogs(testProject, testLogstore, numberedGroup(i*10, 10)); err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for shard := range 4 {
		cur, err := c.GetCursor(testProject, testLogstore, shard, "begin")
		if err != nil {
			t.Fatal(err)
		}
		gl, _, err := c.PullLogs(testProject, testLogstore, shard, cur, "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(gl.LogGroups) == 0 {
			t.Errorf("shard %d got nothing", shard)
		}
		total += len(seqs(t, gl))
	}
	if total != 80 {
		t.Fatalf("pulled %d logs, want 80", total)
	}
}

func TestHashKeyRouting(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)
	shards, err := c.ListShards(testProject, testLogstore)
	if err != nil {
		t.Fatal(err)
	}
	if len(shards) != 4 || shards[0].InclusiveBeginKey != "00000000000000000000000000000000" ||
		shards[3].ExclusiveBeginKey != "ffffffffffffffffffffffffffffffff" || shards[1].InclusiveBeginKey != "40000000000000000000000000000000" {
		t.Fatalf("shards: %+v", shards)
	}
	for i, sh := range shards {
		if sh.ShardID != i || sh.Status != "readwrite" {
			t.Fatalf("shard %d: %+v", i, sh)
		}
		key := sh.InclusiveBeginKey
		if err := c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(i, 1), &key); err != nil {
			t.Fatal(err)
		}
	}
	for i := range shards {
		cur, _ := c.GetCursor(testProject, testLogstore, i, "begin")
		gl, _, err := c.PullLogs(testProject, testLogstore, i, cur, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := seqs(t, gl); !slices.Equal(got, []int{i}) {
			t.Fatalf("shard %d holds %v, want [%d]", i, got, i)
		}
	}
}

func TestCursorsByPositionAndTime(t *testing.T) {
	var clock fakeClock
	t0 := time.Now().Unix()
	clock.set(time.Unix(t0, 0)) // near the real time: requests' dates are checked against it
	at := func(d int64) string { return strconv.FormatInt(t0+d, 10) }
	s := startServer(t, Config{Now: clock.now})
	c := newClient(t, s, testKey)
	// Three groups received at t0, t0+10s, t0+20s.
	key := "00"
	for i := range 3 {
		if err := c.PostLogStoreLogs(testProject, testLogstore, numberedGroup(i, 1), &key); err != nil {
			t.Fatal(err)
		}
		clock.add(10 * time.Second)
	}
	cursor := func(from string) string {
		t.Helper()
		cur, err := c.GetCursor(testProject, testLogstore, 0, from)
		if err != nil {
			t.Fatal(err)
		}
		return cur
	}
	pullAll := func(cur, end string) []int {
		t.Helper()
		gl, _, err := c.PullLogs(testProject, testLogstore, 0, cur, end, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return seqs(t, gl)
	}
	begin, end := cursor("begin"), cursor("end")
	b, _ := decodeCursor(begin)
	e, _ := decodeCursor(end)
	if e-b != 3 {
		t.Fatalf("begin %d end %d: want 3 groups apart", b, e)
	}
	for _, tc := range []struct {
		from string
		want []int
	}{
		{"begin", []int{0, 1, 2}},
		{at(-1000), []int{0, 1, 2}}, // before the first group
		{at(5), []int{1, 2}},
		{at(10), []int{1, 2}},
		{at(20), []int{2}},
		{at(21), nil},
		{"end", nil},
	} {
		if got := pullAll(cursor(tc.from), ""); !slices.Equal(got, tc.want) {
			t.Errorf("from=%s: got %v, want %v", tc.from, got, tc.want)
		}
	}
	// end_cursor is exclusive: [begin, cursor(t0+20)) is the first two groups.
	if got := pullAll(begin, cursor(at(20))); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("begin..t0+20: got %v", got)
	}
	// count limits log groups.
	gl, next, err := c.PullLogs(testProject, testLogstore, 0, begin, "", 2)
	if err != nil || len(gl.LogGroups) != 2 {
		t.Fatalf("count=2: %v groups, %v", len(gl.GetLogGroups()), err)
	}
	if got := pullAll(next, ""); !slices.Equal(got, []int{2}) {
		t.Errorf("after two: got %v", got)
	}
	// Cursor time is the receive time of the group at the cursor; at the
	// end cursor, that of the last group.
	for cur, want := range map[string]int64{begin: t0, next: t0 + 20, end: t0 + 20} {
		got, err := c.GetCursorTime(testProject, testLogstore, 0, cur)
		if err != nil {
			t.Fatal(err)
		}
		if got.Unix() != want {
			t.Errorf("cursor time of %s: %d, want %d", cur, got.Unix(), want)
		}
	}
}
