package slsd

import (
	"slices"
	"strings"
	"testing"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"google.golang.org/protobuf/proto"
)

func TestPullWithQuery(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(t, s, testKey)
	key := "0"
	rawSize := 0
	for i := range 3 { // seq 0-9, 10-19, 20-29
		g := numberedGroup(i*10, 10)
		rawSize += g.Size()
		if err := c.PostLogStoreLogs(testProject, testLogstore, g, &key); err != nil {
			t.Fatal(err)
		}
	}
	bad := numberedGroup(30, 2)
	bad.Logs[1].Contents[0].Value = proto.String("thirty-one") // cast fails on this one
	rawSize += bad.Size()
	if err := c.PostLogStoreLogs(testProject, testLogstore, bad, &key); err != nil {
		t.Fatal(err)
	}
	begin, _ := c.GetCursor(testProject, testLogstore, 0, "begin")
	end, _ := c.GetCursor(testProject, testLogstore, 0, "end")
	pull := func(query string) (*sls.LogGroupList, *sls.PullLogMeta) {
		t.Helper()
		gl, meta, err := c.PullLogsWithQuery(&sls.PullLogRequest{Project: testProject, Logstore: testLogstore,
			ShardID: 0, Cursor: begin, LogGroupMaxCount: 100, Query: query})
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return gl, meta
	}

	gl, meta := pull("* | where cast(seq as bigint) >= 25")
	if got := seqs(t, gl); !slices.Equal(got, []int{25, 26, 27, 28, 29, 30}) {
		t.Fatalf("filtered: %v", got)
	}
	// Query metadata must be true: everything scanned, what came out, what failed.
	if meta.LinesBeforeQuery != 32 || meta.Lines != 6 || meta.FailedLines != 1 ||
		meta.DataCountBeforeQuery != 4 || meta.RawSizeBeforeQuery != rawSize {
		t.Fatalf("meta: %+v (raw size want %d)", *meta, rawSize)
	}
	// Groups with no log left are not sent, but their cursors are consumed.
	if meta.Count != 2 || len(gl.LogGroups) != 2 || meta.NextCursor != end {
		t.Fatalf("count %d, groups %d, next %s (end %s)", meta.Count, len(gl.LogGroups), meta.NextCursor, end)
	}
	// Group metadata and log time survive evaluation.
	g := gl.LogGroups[0]
	if g.GetTopic() != "topic-a" || g.GetSource() != "10.0.0.1" || len(g.LogTags) != 1 || g.Logs[0].GetTime() == 0 {
		t.Fatalf("group after query: %v", g)
	}

	// Projections and meta fields.
	gl, _ = pull(`* | where __tag__:host = 'web-1' and seq = '3' | project seq, t = __topic__`)
	if len(gl.LogGroups) != 1 || len(gl.LogGroups[0].Logs) != 1 {
		t.Fatalf("projection: %v", gl)
	}
	var kv []string
	for _, c := range gl.LogGroups[0].Logs[0].Contents {
		kv = append(kv, c.GetKey()+"="+c.GetValue())
	}
	if got := strings.Join(kv, ","); got != "seq=3,t=topic-a" {
		t.Fatalf("projected log: %s", got)
	}

	// "*" passes everything and still reports metadata.
	gl, meta = pull("*")
	logs := 0
	for _, g := range gl.LogGroups {
		logs += len(g.Logs)
	}
	if logs != 32 || meta.Lines != 32 || meta.LinesBeforeQuery != 32 || meta.DataCountBeforeQuery != 4 {
		t.Fatalf("pass-through: %d logs, meta %+v", logs, *meta)
	}

	// An invalid query is SLS's ParameterInvalid with the position.
	_, _, err := c.PullLogsWithQuery(&sls.PullLogRequest{Project: testProject, Logstore: testLogstore,
		ShardID: 0, Cursor: begin, LogGroupMaxCount: 100, Query: "* | where cast(seq as bigint"})
	wantError(t, err, 400, "ParameterInvalid")
	if !strings.Contains(err.Error(), "invalid query: line 1:") {
		t.Fatalf("error %v lacks the position", err)
	}
}
