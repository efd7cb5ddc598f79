package consumer

import (
	"slices"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"google.golang.org/protobuf/proto"
)

// A packed record is 32 bytes and unpacks to the record it was, shared
// keys or not, in the same instant.
func TestPackRoundTrip(t *testing.T) {
	if n := unsafe.Sizeof(Packed{}); n != 32 {
		t.Errorf("Packed is %d bytes, want 32", n)
	}
	recs := toRecords(7, testLogGroupList(2, 3))
	if _, ok := Pack(recs[0]); ok {
		t.Error("a record still reading the SDK's log was packed")
	}
	b := Batch{Records: recs}
	b.Compact()
	built := NewRecord(2, time.Unix(1764000000, 123456789), nil, Field{Key: "k", Value: "v"})
	// Interned values, and a log whose keys are not its group's first
	// log's: its fields are counted when unpacked.
	var seq atomic.Int64
	gl := internList(2, 4, &seq)
	odd := gl.LogGroups[1].Logs[2]
	odd.Contents = append(odd.Contents[:2], &sls.LogContent{Key: proto.String("extra"), Value: proto.String("GET")})
	interned := toRecords(3, gl)
	compact(interned, newValueDict())
	if interned[6].shared {
		t.Fatal("the premise: the odd log does not share its group's keys")
	}
	all := append(append(b.Records, built), interned...)
	for _, r := range all {
		p, ok := Pack(r)
		if !ok {
			t.Fatal("a compacted record was not packed")
		}
		u := p.Record()
		if u.Shard != r.Shard || p.Shard() != r.Shard || !u.Time.Equal(r.Time) || u.Group() != r.Group() ||
			u.NumFields() != r.NumFields() ||
			!slices.Equal(u.AppendFields(nil), r.AppendFields(nil)) {
			t.Errorf("unpacked %+v, packed from %+v", u, r)
		}
	}
	if !(Packed{}).IsZero() {
		t.Error("the zero Packed is not zero")
	}
}
