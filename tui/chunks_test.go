package tui

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/slstail/slstail/consumer"
)

func numberedNote(i int) entry { return noteEntry(strconv.Itoa(i)) }

// chunkRing must behave as ring does, seq for seq, so that the store can
// switch to it without a change in what any view shows.
func TestChunkRingMatchesRing(t *testing.T) {
	for _, capacity := range []int{1, 3, chunkLen - 1, chunkLen, chunkLen + 1, 3*chunkLen + 7} {
		r := rand.New(rand.NewPCG(uint64(capacity), 1))
		a, b := newRing(capacity), newChunkRing(capacity)
		for i := range 6 * chunkLen {
			if r.IntN(3000) == 0 {
				a.clear()
				b.clear()
			}
			oa, ea := a.push(numberedNote(i))
			ob, eb := b.push(numberedNote(i))
			if ea != eb || oa.noteText() != ob.noteText() {
				t.Fatalf("cap %d push %d: evicted (%v %q) vs ring (%v %q)", capacity, i, eb, ob.noteText(), ea, oa.noteText())
			}
			if a.len() != b.len() || a.first != b.first || a.next != b.next || a.evicted != b.evicted {
				t.Fatalf("cap %d push %d: len/first/next/evicted %d/%d/%d/%d, ring %d/%d/%d/%d", capacity, i,
					b.len(), b.first, b.next, b.evicted, a.len(), a.first, a.next, a.evicted)
			}
			seq := a.first + uint64(r.IntN(a.len()+2)) - 1
			ga, gb := a.at(seq), b.at(seq)
			if (ga == nil) != (gb == nil) || (ga != nil && ga.noteText() != gb.noteText()) {
				t.Fatalf("cap %d: at(%d) = %v, ring %v", capacity, seq, gb, ga)
			}
		}
		if len(b.chunks) > capacity/chunkLen+2 {
			t.Fatalf("cap %d keeps %d chunks: evicted chunks are not dropped", capacity, len(b.chunks))
		}
	}
}

// A snapshot reads the lines of its moment while the ring goes on: under
// -race this proves that no slot a snapshot can read is ever written.
func TestChunkRingSnapshotConcurrent(t *testing.T) {
	const capacity = 3 * chunkLen
	r := newChunkRing(capacity)
	for i := range capacity {
		r.push(numberedNote(i))
	}
	snap := r.snapshot()
	var wg sync.WaitGroup
	errs := make(chan string, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 3 {
			want := snap.first
			snap.runs(func(first uint64, es []entry) bool {
				for i := range es {
					if es[i].noteText() != strconv.Itoa(int(first)+i) || first+uint64(i) != want {
						select {
						case errs <- "seq " + strconv.Itoa(int(first)+i) + " reads " + es[i].noteText():
						default:
						}
						return false
					}
					want++
				}
				return true
			})
			if want != snap.next {
				errs <- "runs ended at " + strconv.Itoa(int(want))
			}
		}
	}()
	// Meanwhile evict everything the snapshot holds, twice over.
	for i := capacity; i < 3*capacity; i++ {
		r.push(numberedNote(i))
	}
	r.clear()
	wg.Wait()
	select {
	case e := <-errs:
		t.Fatal(e)
	default:
	}
	if snap.len() != capacity || snap.at(snap.first).noteText() != "0" || snap.at(snap.next) != nil {
		t.Fatalf("snapshot changed: len %d", snap.len())
	}
}

// Taking a snapshot of a million lines costs a copy of 245 pointers.
func BenchmarkChunkRingSnapshot(b *testing.B) {
	r := newChunkRing(1_000_000)
	rec := consumer.NewRecord(0, time.Unix(0, 0), nil, consumer.Field{Key: "k", Value: "v"})
	for range 1_000_000 {
		r.push(logEntry(rec))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if r.snapshot().len() != 1_000_000 {
			b.Fatal("short snapshot")
		}
	}
}

// A dropped chunk is reused only while no snapshot is live: one taken
// before the drop keeps reading what it saw, however far the ring goes on.
func TestChunkRingReusesOnlyUnseenChunks(t *testing.T) {
	r := newChunkRing(2 * chunkLen)
	push := func(n int) {
		for range n {
			r.push(noteEntry(fmt.Sprint(r.next)))
		}
	}
	push(3 * chunkLen) // the first chunk is dropped, nobody saw it
	if r.spare == nil {
		t.Fatal("a chunk no snapshot saw was not kept for reuse")
	}
	first := r.chunks[0]
	snap := r.snapshot()
	push(chunkLen) // drops the chunk the snapshot reads
	if r.spare == first {
		t.Fatal("a chunk a live snapshot reads was kept for reuse")
	}
	push(2 * chunkLen)
	for seq := snap.first; seq < snap.next; seq++ {
		if e := snap.at(seq); e.noteText() != fmt.Sprint(seq) {
			t.Fatalf("the snapshot reads %q at %d: its chunk was reused", e.noteText(), seq)
		}
	}
	snap.release()
	snap.release() // twice is once
	if n := r.live.Load(); n != 0 {
		t.Fatalf("%d snapshots live after release", n)
	}
	push(chunkLen)
	if r.spare == nil {
		t.Fatal("no reuse once the snapshot was released")
	}
}
