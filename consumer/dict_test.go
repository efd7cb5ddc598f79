package consumer

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"google.golang.org/protobuf/proto"
)

// internList is access logs whose fields repeat to different degrees:
// method and user agent always, status often, uri sometimes, and seq and
// request_id never.
func internList(groups, perGroup int, seq *atomic.Int64) *sls.LogGroupList {
	gl := &sls.LogGroupList{}
	for g := 0; g < groups; g++ {
		gl.LogGroups = append(gl.LogGroups, accessLogGroup(seq, 1764000000, perGroup))
		lg := gl.LogGroups[len(gl.LogGroups)-1]
		for i, l := range lg.Logs {
			n := seq.Load()*31 + int64(i)
			l.Contents = append(l.Contents, &sls.LogContent{Key: proto.String("request_id"),
				Value: proto.String(fmt.Sprintf("%032x", n*2654435761))})
		}
	}
	return gl
}

func fieldsOf(recs []Record) [][]Field {
	out := make([][]Field, len(recs))
	for i, r := range recs {
		out[i] = r.AppendFields(nil)
	}
	return out
}

// Interning changes no value, stores the repeating ones once, and gives up
// on fields whose values never repeat.
func TestCompactInternsRepeatingValues(t *testing.T) {
	var seq atomic.Int64
	recs := toRecords(0, internList(200, 25, &seq))
	want := fieldsOf(recs)
	plain := slices.Clone(recs)
	compact(plain, nil)
	d := newValueDict()
	compact(recs, d)
	if got := fieldsOf(recs); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatal("interning changed the records' fields")
	}
	size := func(rs []Record) (n int) {
		for _, r := range rs {
			n += len(r.data)
		}
		return n
	}
	if a, b := size(recs), size(plain); a > b*6/10 {
		t.Errorf("interned records take %d bytes, inline %d: want at most 60%%", a, b)
	}
	if _, ok := d.index["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"]; !ok {
		t.Error("the user agent was not interned")
	}
	if !d.keys["request_id"].off || !d.keys["seq"].off {
		t.Error("fields whose values never repeat are still interned")
	}
	if d.keys["method"].off || d.keys["status"].off {
		t.Error("fields whose values repeat are no longer interned")
	}
	// Once given up on, a field costs the dictionary nothing more.
	n := d.n
	more := toRecords(0, internList(200, 25, &seq))
	compact(more, d)
	if d.n-n > 1000 {
		t.Errorf("a second round added %d entries, mostly unique ids", d.n-n)
	}
}

// A full dictionary is replaced for later compactions and lets its index
// go; records compacted against the old one still read their values from
// it, and a compaction that took it before the replacement still works.
func TestDictHolderReplacesAFullDictionary(t *testing.T) {
	var seq atomic.Int64
	var h dictHolder
	d1 := h.get()
	d1.maxEntries = 40
	first := toRecords(0, internList(20, 25, &seq))
	want := fieldsOf(first)
	compact(first, d1)
	if !d1.full() {
		t.Fatalf("dictionary of %d entries not full", d1.n)
	}
	d2 := h.get()
	if d2 == d1 {
		t.Fatal("a full dictionary was handed out again")
	}
	if d1.index != nil || d1.keys != nil {
		t.Error("the replaced dictionary kept its index")
	}
	second := toRecords(0, internList(20, 25, &seq))
	compact(second, d2)
	if !slices.EqualFunc(fieldsOf(first), want, slices.Equal) {
		t.Error("records of the replaced dictionary changed")
	}
	late := toRecords(0, internList(5, 25, &seq))
	wantLate := fieldsOf(late)
	compact(late, d1)
	if !slices.EqualFunc(fieldsOf(late), wantLate, slices.Equal) {
		t.Error("a compaction against the replaced dictionary changed its records")
	}
}

// Reading interned values needs no lock while other batches are being
// compacted against the same dictionary (run with -race).
func TestDictReadWhileCompacting(t *testing.T) {
	var seq atomic.Int64
	d := newValueDict()
	ready := toRecords(0, internList(50, 20, &seq))
	want := fieldsOf(ready)
	compact(ready, d)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			compact(toRecords(0, internList(50, 20, &seq)), d)
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			if !slices.EqualFunc(fieldsOf(ready), want, slices.Equal) {
				t.Error("fields changed while compacting")
				return
			}
		}
	}()
	wg.Wait()
}

// A value of any length round-trips, references and lengths alike past one
// uvarint byte.
func TestCompactLongAndManyValues(t *testing.T) {
	d := newValueDict()
	gl := &sls.LogGroupList{LogGroups: []*sls.LogGroup{{}}}
	for i := 0; i < 3000; i++ {
		long := strconv.Itoa(i%300) + string(make([]byte, 200+i%900))
		gl.LogGroups[0].Logs = append(gl.LogGroups[0].Logs, &sls.Log{Time: proto.Uint32(1), Contents: []*sls.LogContent{
			{Key: proto.String("k"), Value: proto.String(long)},
			{Key: proto.String("small"), Value: proto.String(strconv.Itoa(i % 700))},
		}})
	}
	recs := toRecords(0, gl)
	want := fieldsOf(recs)
	compact(recs, d)
	if !slices.EqualFunc(fieldsOf(recs), want, slices.Equal) {
		t.Fatal("long or many values did not round-trip")
	}
}
