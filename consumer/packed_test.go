package consumer

import (
	"slices"
	"testing"
	"time"
	"unsafe"
)

// A packed record is 40 bytes and unpacks to the record it was, shared
// keys or not, in the same instant.
func TestPackRoundTrip(t *testing.T) {
	if n := unsafe.Sizeof(Packed{}); n != 40 {
		t.Errorf("Packed is %d bytes, want 40", n)
	}
	recs := toRecords(7, testLogGroupList(2, 3))
	if _, ok := Pack(recs[0]); ok {
		t.Error("a record still reading the SDK's log was packed")
	}
	b := Batch{Records: recs}
	b.Compact()
	built := NewRecord(2, time.Unix(1764000000, 123456789), nil, Field{Key: "k", Value: "v"})
	for _, r := range append(b.Records, built) {
		p, ok := Pack(r)
		if !ok {
			t.Fatal("a compacted record was not packed")
		}
		u := p.Record()
		if u.Shard != r.Shard || p.Shard() != r.Shard || !u.Time.Equal(r.Time) || u.Group() != r.Group() ||
			!slices.Equal(u.AppendFields(nil), r.AppendFields(nil)) {
			t.Errorf("unpacked %+v, packed from %+v", u, r)
		}
	}
	if !(Packed{}).IsZero() {
		t.Error("the zero Packed is not zero")
	}
}
