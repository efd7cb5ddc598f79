package consumer

import (
	"slices"
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
	fs := r.AppendFields(nil)
	if r.Shard != 3 || r.Topic() != "cdn" || r.Source() != "10.1.2.3" || r.NumFields() != 12 || len(fs) != 12 || fs[11] != (Field{"k11", "value"}) {
		t.Errorf("record = %+v, fields %v", r, fs)
	}
	if !r.Time.Equal(time.Unix(1714557601, 5)) || !r.Receive().Equal(time.Unix(1714557600, 0)) {
		t.Errorf("times %v %v", r.Time, r.Receive())
	}
	if recs[0].Group() != recs[2].Group() || recs[2].Group() == recs[3].Group() {
		t.Error("records of one log group should share its Group, and only those")
	}
	b := Batch{Records: slices.Clone(recs)}
	b.Compact()
	c := b.Records[4]
	if !slices.Equal(c.AppendFields(nil), fs) || c.Topic() != "cdn" || !c.Receive().Equal(r.Receive()) || c.Group() == r.Group() {
		t.Errorf("compacted record %+v", c)
	}
	if b.Records[0].Group() != b.Records[2].Group() {
		t.Error("compacted records of one log group should share a Group")
	}
	if toRecords(0, &sls.LogGroupList{}) != nil {
		t.Error("empty list gave records")
	}
}

// TestToRecordsKeepsEveryField covers what the compact encoding must get
// right: logs whose keys differ from their group's first log, empty keys and
// values, values longer than a chunk and than a one-byte length, logs with
// no fields, empty groups, and enough logs to fill several chunks. Every
// record must give back exactly its log's fields, in order.
func TestToRecordsKeepsEveryField(t *testing.T) {
	kv := func(k, v string) *sls.LogContent {
		return &sls.LogContent{Key: proto.String(k), Value: proto.String(v)}
	}
	long := strings.Repeat("x", 3*chunkSize)
	gl := &sls.LogGroupList{LogGroups: []*sls.LogGroup{
		{Logs: []*sls.Log{
			{Time: proto.Uint32(1), Contents: []*sls.LogContent{kv("a", "1"), kv("b", "2")}},
			{Time: proto.Uint32(2), Contents: []*sls.LogContent{kv("a", "3"), kv("b", "")}},    // same keys
			{Time: proto.Uint32(3), Contents: []*sls.LogContent{kv("b", "4"), kv("a", "5")}},   // same keys, other order
			{Time: proto.Uint32(4), Contents: []*sls.LogContent{kv("a", "6")}},                 // fewer keys
			{Time: proto.Uint32(5), Contents: nil},                                             // no fields
			{Time: proto.Uint32(6), Contents: []*sls.LogContent{kv("", "7"), kv("big", long)}}, // empty key, huge value
			{Time: proto.Uint32(7), Contents: []*sls.LogContent{kv("a", strings.Repeat("é", 200)), kv("b", "8")}},
		}},
		{}, // a group without logs
		{Logs: []*sls.Log{{Time: proto.Uint32(8), Contents: nil}, {Time: proto.Uint32(9), Contents: []*sls.LogContent{kv("c", "9")}}}},
	}}
	big := &sls.LogGroup{}
	for i := 0; i < 3000; i++ { // about 200 KB of fields: several chunks
		big.Logs = append(big.Logs, &sls.Log{Time: proto.Uint32(10), Contents: []*sls.LogContent{
			kv("seq", strconv.Itoa(i)), kv("msg", strings.Repeat("m", i%97))}})
	}
	gl.LogGroups = append(gl.LogGroups, big)

	views := toRecords(1, gl)
	recs := slices.Clone(views)
	compact(recs, nil)
	var want [][]Field
	for _, g := range gl.LogGroups {
		for _, l := range g.Logs {
			var fs []Field
			for _, c := range l.Contents {
				fs = append(fs, Field{c.GetKey(), c.GetValue()})
			}
			want = append(want, fs)
		}
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, r := range recs {
		if r.log != nil {
			t.Fatalf("record %d was not compacted", i)
		}
		for name, r := range map[string]Record{"view": views[i], "compacted": r} {
			got := r.AppendFields(nil)
			if r.NumFields() != len(want[i]) || !slices.Equal(got, want[i]) {
				t.Fatalf("%s record %d: fields %.200v, want %.200v", name, i, got, want[i])
			}
		}
		if r.Time != views[i].Time || r.Shard != 1 {
			t.Fatalf("record %d: time or shard changed by compaction", i)
		}
	}
	// Compacting twice changes nothing.
	again := slices.Clone(recs)
	compact(again, nil)
	if !slices.Equal(again, recs) {
		t.Error("a second Compact changed records")
	}
	if v, ok := recs[5].Get("big"); !ok || v != long {
		t.Errorf("Get(big) = %d bytes, %v", len(v), ok)
	}
	if _, ok := recs[0].Get("missing"); ok {
		t.Error("Get found a missing key")
	}
}

func TestNewRecord(t *testing.T) {
	g := &Group{Topic: "t", Source: "s", Tags: []Field{{"host", "h"}}}
	fs := []Field{{"a", "1"}, {"", ""}, {"b", strings.Repeat("v", 300)}}
	r := NewRecord(2, time.Unix(5, 0), g, fs...)
	if !slices.Equal(r.AppendFields(nil), fs) || r.NumFields() != 3 || r.Topic() != "t" || r.Tags()[0].Value != "h" {
		t.Errorf("record %+v: fields %v", r, r.AppendFields(nil))
	}
	var zero Record
	if zero.Topic() != "" || zero.Source() != "" || zero.Tags() != nil || !zero.Receive().IsZero() || zero.NumFields() != 0 {
		t.Error("the zero Record should read as empty")
	}
	for range zero.Fields() {
		t.Error("the zero Record has fields")
	}
}

// decodedList is a pull as the SDK hands it over: decoded from the wire, so
// that its objects lie in memory the way the SDK's decoder allocates them.
func decodedList(b *testing.B, groups, perGroup int) *sls.LogGroupList {
	raw, err := testLogGroupList(groups, perGroup).Marshal()
	if err != nil {
		b.Fatal(err)
	}
	gl := &sls.LogGroupList{}
	if err := gl.Unmarshal(raw); err != nil {
		b.Fatal(err)
	}
	return gl
}

// BenchmarkToRecords is the Session's share of a pull (on the SDK's shard
// worker); BenchmarkCompact is what a receiver that keeps records adds.
func BenchmarkToRecords(b *testing.B) {
	gl := decodedList(b, 1000, 25)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		toRecords(0, gl)
	}
	b.ReportMetric(float64(b.N*25000)/b.Elapsed().Seconds(), "logs/s")
}

func BenchmarkCompact(b *testing.B) {
	gl := decodedList(b, 1000, 25)
	views := toRecords(0, gl)
	recs := make([]Record, len(views))
	for _, interned := range []bool{false, true} {
		name := "inline"
		if interned {
			name = "interned"
		}
		b.Run(name, func(b *testing.B) {
			d := newValueDict()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				copy(recs, views)
				if interned {
					compact(recs, d)
				} else {
					compact(recs, nil)
				}
			}
			b.ReportMetric(float64(b.N*25000)/b.Elapsed().Seconds(), "logs/s")
		})
	}
}
