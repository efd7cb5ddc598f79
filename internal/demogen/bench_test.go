package demogen

import (
	"io"
	"strconv"
	"testing"
	"time"
)

func BenchmarkNext(b *testing.B) {
	g := New(1, Options{})
	at := epoch
	b.ReportAllocs()
	for b.Loop() {
		at = at.Add(time.Millisecond)
		g.Next(at)
	}
}

func BenchmarkLogGroup(b *testing.B) {
	for _, n := range []int{25, 256} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			g := New(1, Options{})
			at := epoch
			b.ReportAllocs()
			for b.Loop() {
				at = at.Add(time.Millisecond)
				g.LogGroup(at, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/log")
		})
	}
}

func BenchmarkLogGroupMarshal(b *testing.B) {
	g := New(1, Options{})
	b.ReportAllocs()
	var size int
	for b.Loop() {
		raw, err := g.LogGroup(epoch, 256).Marshal()
		if err != nil {
			b.Fatal(err)
		}
		size = len(raw)
	}
	b.ReportMetric(float64(size)/256, "bytes/log")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*256), "ns/log")
}

func BenchmarkWriteJSONL(b *testing.B) {
	const n = 10000
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSONL(io.Discard, n, 1, epoch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/log")
}
