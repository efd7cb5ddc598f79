package tui

import (
	"io"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
)

// benchRecord is a typical access log: 12 fields, ~330 bytes of text, held
// the way the UI keeps records (compacted).
func benchRecord(shard, i int) consumer.Record {
	n := strconv.Itoa(i)
	g := &consumer.Group{Topic: "nginx", Source: "10.0." + strconv.Itoa(shard) + "." + strconv.Itoa(i%250),
		Receive: t0.Add(time.Duration(i) * time.Millisecond)}
	return consumer.NewRecord(shard, t0.Add(time.Duration(i)*time.Millisecond), g, []consumer.Field{
		{Key: "remote_addr", Value: "192.168." + strconv.Itoa(i%256) + "." + strconv.Itoa(i%199)},
		{Key: "method", Value: "GET"},
		{Key: "uri", Value: "/api/v1/items/" + n + "?page=" + strconv.Itoa(i%17)},
		{Key: "status", Value: strconv.Itoa(200 + (i%5)*100)},
		{Key: "body_bytes_sent", Value: strconv.Itoa(i % 65536)},
		{Key: "request_time", Value: "0." + strconv.Itoa(i%1000)},
		{Key: "upstream_addr", Value: "10.1.0." + strconv.Itoa(i%64) + ":8080"},
		{Key: "cdn_in", Value: strconv.Itoa(i % 100)},
		{Key: "cdn_out", Value: strconv.Itoa(i % 300)},
		{Key: "host", Value: "www.example.com"},
		{Key: "http_user_agent", Value: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 #" + n},
		{Key: "request_id", Value: "req-" + n + "-" + strconv.Itoa(shard)},
	}...)
}

func benchModel(b *testing.B, lines, shards int) *Model {
	b.Helper()
	opts := testOptions()
	opts.BufferCap = max(lines, 1000)
	m := New(newFake(), opts)
	b.Cleanup(m.closeDone)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	for i := 0; i < lines; i++ {
		m.store.add(benchRecord(i%shards, i), false)
	}
	f := m.src.(*fakeSource)
	f.status.Shards = shardStatus(shards)
	m.Update(statusTickMsg(t0))
	return m
}

// BenchmarkView measures one frame at 200×60 while following a stream:
// each frame one new line arrives, so the frame scrolls (one line to format,
// the rest from the frame cache). "cold" drops the cache every frame, the
// cost after a resize or format change: every visible line formatted.
func BenchmarkView(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		m := benchModel(b, n, 4)
		next := n
		for _, mode := range []string{"follow", "cold"} {
			for _, view := range []string{"tail", "panes"} {
				b.Run(view+"/"+mode+"/lines="+strconv.Itoa(n), func(b *testing.B) {
					if (m.logs.view == viewPanes) != (view == "panes") {
						m.Update(press("tab")[0])
					}
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if mode == "cold" {
							m.logs.rend.invalidate()
						} else {
							m.store.add(benchRecord(next%4, next), false)
							next++
						}
						m.logs.Update(linesMsg{}) // lays the frame out, as a batch does
						_ = m.View()
					}
				})
			}
		}
	}
}

// BenchmarkUpdateBatch measures Update on one coalesced message of 1,000
// records (250 from each of 4 shards) into a full 100,000-line buffer
// (every record evicts one), plus the View that follows it, i.e. one
// frame's work at 60,000 logs/s. The records go through the time-order
// merge, as in the program: each message releases what every shard has
// been read past and holds the rest for the next.
func BenchmarkUpdateBatch(b *testing.B) {
	m := benchModel(b, 100_000, 4)
	m.budget = 0 // the whole message each time: its cost, not the ingest's slicing
	msgs := make([]batchMsg, 8)
	for k := range msgs {
		var bs []consumer.Batch
		for s := 0; s < 4; s++ {
			recs := make([]consumer.Record, 250)
			for i := range recs {
				recs[i] = benchRecord(s, k*1000+s*250+i)
			}
			bs = append(bs, consumer.Batch{Shard: s, Records: recs})
		}
		msgs[k] = batchMsg{batches: bs, records: 1000}
	}
	// The messages go round: at each turn the merge starts a new order, so
	// that their times, which repeat, are not taken for late lines.
	msg := func(i int) batchMsg {
		if i%len(msgs) == 0 {
			m.flushMerge()
		}
		return msgs[i%len(msgs)]
	}
	b.Run("update", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.onBatches(msg(i))
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/record")
	})
	b.Run("update+view", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.Update(msg(i))
			_ = m.View()
		}
	})
}

// BenchmarkFilter measures setting a local filter over a full buffer: the
// one O(buffer) operation, run on a key press. The regexps are one on
// values and one with an "=", which is also tried on every key=value.
func BenchmarkFilter(b *testing.B) {
	for _, pat := range []string{"status=500", `re:^50\d$`, `re:status.50\d`, `re:status=50\d`} {
		b.Run(pat, func(b *testing.B) {
			m := benchModel(b, 100_000, 4)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.store.setFilter(newMatcher(pat))
			}
		})
	}
}

// BenchmarkMemoryPerLine reports the heap each buffered line costs, as the
// live heap after a GC: total (the record as delivered, its strings and
// field slice, plus the buffer's ring slot and index entries), and the
// buffer's own overhead (total minus the same records held in a plain slice).
// Run it with -benchtime 1x: one iteration builds n records.
func BenchmarkMemoryPerLine(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run("lines="+strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				base := liveHeap()
				st := newStore(n)
				for j := 0; j < n; j++ {
					st.add(benchRecord(j%4, j), false)
				}
				total := liveHeap() - base
				runtime.KeepAlive(st)
				st = nil

				base = liveHeap()
				recs := make([]consumer.Record, n)
				for j := range recs {
					recs[j] = benchRecord(j%4, j)
				}
				plain := liveHeap() - base
				runtime.KeepAlive(recs)

				b.ReportMetric(total/float64(n), "B/line")
				b.ReportMetric((total-plain)/float64(n), "overhead-B/line")
			}
		})
	}
}

func liveHeap() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc)
}

// probe wraps the model to time a key press: from Program.Send to the end
// of the View that follows its Update.
type probe struct {
	*Model
	sent    atomic.Int64 // unix nanos of the pending key press, 0 if none
	handled bool
	lat     chan time.Duration
	records atomic.Int64
}

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if b, ok := msg.(batchMsg); ok {
		p.records.Add(int64(b.records))
	}
	if _, ok := msg.(tea.KeyMsg); ok && p.sent.Load() != 0 {
		p.handled = true
	}
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

func (p *probe) View() string {
	v := p.Model.View()
	if p.handled {
		p.handled = false
		p.lat <- time.Duration(time.Now().UnixNano() - p.sent.Swap(0))
	}
	return v
}

// BenchmarkKeyLatencyUnderLoad runs the real Bubble Tea program (output
// discarded) while a source offers 100,000 logs/s in batches of 1,000 (or
// as fast as the UI takes them: "max"), and times key presses from Send to
// the end of the frame's View. The terminal write happens on the
// renderer's next tick, at most 1/60 s later.
func BenchmarkKeyLatencyUnderLoad(b *testing.B) {
	b.Run("offered=100k", func(b *testing.B) { keyLatency(b, 10*time.Millisecond) })
	b.Run("offered=max", func(b *testing.B) { keyLatency(b, 0) })
}

func keyLatency(b *testing.B, every time.Duration) {
	f := newFake()
	f.status.Shards = shardStatus(4)
	opts := testOptions()
	m := New(f, opts)
	p := &probe{Model: m, lat: make(chan time.Duration, 1)}
	prog := tea.NewProgram(p, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignals())
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		prog.Run()
	}()
	prog.Send(tea.WindowSizeMsg{Width: 200, Height: 60})
	go func() {
		defer wg.Done()
		pace := make(<-chan time.Time)
		if every > 0 {
			tick := time.NewTicker(every)
			defer tick.Stop()
			pace = tick.C
		}
		for i := 0; ; i++ {
			recs := make([]consumer.Record, 1000)
			for j := range recs {
				recs[j] = benchRecord(i%4, i*1000+j)
			}
			select {
			case f.batches <- consumer.Batch{Shard: i % 4, Records: recs}:
			case <-done:
				return
			}
			if every == 0 {
				continue
			}
			select {
			case <-pace:
			case <-done:
				return
			}
		}
	}()
	time.Sleep(300 * time.Millisecond) // let the stream fill the screen
	measureKeys(b, p, prog)
	close(done)
	prog.Quit()
	m.closeDone()
	wg.Wait()
}

// measureKeys times b.N human-paced j/k presses sent to a running program
// wrapped by p, and reports their latency percentiles and the logs/s the UI
// took meanwhile.
func measureKeys(b *testing.B, p *probe, prog *tea.Program) {
	var lats []time.Duration
	start := time.Now()
	startRecs := p.records.Load()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.sent.Store(time.Now().UnixNano())
		prog.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{rune("jk"[i%2])}})
		lats = append(lats, <-p.lat)
		time.Sleep(5 * time.Millisecond) // key presses are human-paced
	}
	b.StopTimer()
	elapsed := time.Since(start)
	slices.Sort(lats)
	b.ReportMetric(float64(lats[len(lats)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lats[len(lats)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lats[len(lats)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(p.records.Load()-startRecs)/elapsed.Seconds(), "logs/s")
}
