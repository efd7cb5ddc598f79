package consumer

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"google.golang.org/protobuf/proto"
)

func testLogGroupList(groups, perGroup int) *sls.LogGroupList {
	gl := &sls.LogGroupList{}
	for g := 0; g < groups; g++ {
		lg := &sls.LogGroup{Topic: proto.String("cdn"), Source: proto.String("10.1.2.3"),
			LogTags: []*sls.LogTag{{Key: proto.String("__receive_time__"), Value: proto.String("1714557600")}}}
		for i := 0; i < perGroup; i++ {
			l := &sls.Log{Time: proto.Uint32(1714557601), TimeNs: proto.Uint32(5)}
			for k := 0; k < 12; k++ {
				l.Contents = append(l.Contents, &sls.LogContent{Key: proto.String("k" + strconv.Itoa(k)), Value: proto.String("value")})
			}
			lg.Logs = append(lg.Logs, l)
		}
		gl.LogGroups = append(gl.LogGroups, lg)
	}
	return gl
}

func TestToRecords(t *testing.T) {
	recs := toRecords(3, testLogGroupList(2, 3))
	if len(recs) != 6 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[4]
	if r.Shard != 3 || r.Topic != "cdn" || r.Source != "10.1.2.3" || len(r.Fields) != 12 || r.Fields[11] != (Field{"k11", "value"}) {
		t.Errorf("record = %+v", r)
	}
	if !r.Time.Equal(time.Unix(1714557601, 5)) || !r.Receive.Equal(time.Unix(1714557600, 0)) {
		t.Errorf("times %v %v", r.Time, r.Receive)
	}
	// Fields of one record must not run into the next one's.
	recs[0].Fields = append(recs[0].Fields, Field{"x", "y"})
	if recs[1].Fields[0].Key != "k0" {
		t.Error("append to one record's fields overwrote the next record")
	}
	if toRecords(0, &sls.LogGroupList{}) != nil {
		t.Error("empty list gave records")
	}
}

func BenchmarkToRecords(b *testing.B) {
	gl := testLogGroupList(1000, 25)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		toRecords(0, gl)
	}
	b.ReportMetric(float64(b.N*25000)/b.Elapsed().Seconds(), "logs/s")
}

func TestAppendJSONStringEscapesEveryControl(t *testing.T) {
	in := "a\"\\\n\x1b[2J\x7f\u009b31m\xffé"
	got := string(AppendJSONString(nil, in))
	want := `"a\"\\\n\u001b[2J\u007f\u009b31m\ufffdé"`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var back string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back != strings.ToValidUTF8(in, "\ufffd") {
		t.Errorf("decodes to %q, %v", back, err)
	}
}
