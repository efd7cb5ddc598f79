package spl

import (
	"slices"
	"testing"
)

// runAll runs p on each input and returns every output row (copied).
func runAll(t *testing.T, p *Program, ins ...[]Field) [][]Field {
	t.Helper()
	var rows [][]Field
	for _, in := range ins {
		if err := p.Run(in, func(out []Field) { rows = append(rows, slices.Clone(out)) }); err != nil {
			t.Fatalf("Run(%v): %v", in, err)
		}
	}
	return rows
}

// runOne runs p on one input that must yield exactly one row.
func runOne(t *testing.T, p *Program, in []Field) []Field {
	t.Helper()
	rows := runAll(t, p, in)
	if len(rows) != 1 {
		t.Fatalf("got %d rows, want 1: %v", len(rows), rows)
	}
	return rows[0]
}

func fieldsEqual(a, b []Field) bool { return slices.Equal(a, b) }

func mustCompile(t testing.TB, q string) *Program {
	t.Helper()
	p, err := Compile(q)
	if err != nil {
		t.Fatalf("Compile(%q): %v", q, err)
	}
	return p
}
