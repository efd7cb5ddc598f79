package tui

import (
	"math/rand/v2"
	"sort"
	"testing"
)

// A seqList matches a plain slice through pushes and trims across block
// boundaries, and lets blocks go as they are trimmed.
func TestSeqListAgainstSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var l seqList
	var want []uint64
	seq := uint64(0)
	for round := 0; round < 200; round++ {
		for n := rng.IntN(3000); n > 0; n-- {
			seq += 1 + uint64(rng.IntN(5))
			l.push(seq)
			want = append(want, seq)
		}
		first := seq - uint64(rng.IntN(4000))
		l.trim(first)
		for len(want) > 0 && want[0] < first {
			want = want[1:]
		}
		if l.Len() != len(want) {
			t.Fatalf("round %d: Len %d, want %d", round, l.Len(), len(want))
		}
		for i := range want {
			if l.At(i) != want[i] {
				t.Fatalf("round %d: At(%d) = %d, want %d", round, i, l.At(i), want[i])
			}
		}
		for k := 0; k < 20; k++ {
			q := first + uint64(rng.IntN(6000))
			if got, w := l.Pos(q), sort.Search(len(want), func(i int) bool { return want[i] >= q }); got != w {
				t.Fatalf("round %d: Pos(%d) = %d, want %d", round, q, got, w)
			}
		}
		if max := len(want)/seqBlockLen + 2; len(l.blocks) > max {
			t.Fatalf("round %d: %d blocks for %d seqs", round, len(l.blocks), len(want))
		}
	}
	fromSlice := seqListOf(append([]uint64(nil), want...))
	fromSlice.push(seq + 1)
	if fromSlice.Len() != len(want)+1 || fromSlice.At(len(want)) != seq+1 {
		t.Fatalf("seqListOf then push: Len %d, last %d", fromSlice.Len(), fromSlice.At(fromSlice.Len()-1))
	}
	for i := range want {
		if fromSlice.At(i) != want[i] {
			t.Fatalf("seqListOf: At(%d) = %d, want %d", i, fromSlice.At(i), want[i])
		}
	}
}
