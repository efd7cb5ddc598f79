package tui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/slstail/slstail/consumer"
)

// fakeSource stands in for *consumer.Session: tests push batches and
// status into it and read back what the UI asked of it.
type fakeSource struct {
	batches chan consumer.Batch
	events  chan consumer.Event

	mu         sync.Mutex
	status     consumer.Status
	restarts   []string
	froms      []consumer.StartFrom
	restartErr error
	starts     int
	stops      int
	calls      []string      // "start" and "stop", in the order they happened
	startGate  chan struct{} // if set, Start waits for it or for ctx
}

func newFake() *fakeSource {
	return &fakeSource{
		batches: make(chan consumer.Batch, 64),
		events:  make(chan consumer.Event, 16),
		status: consumer.Status{
			Endpoint: "127.0.0.1:7001", Project: "demo", Logstore: "access", Group: "slstail-test",
			Consumer: "me@host-1", Conn: consumer.ConnConnected, Query: "*",
		},
	}
}

func (f *fakeSource) Start(ctx context.Context) error {
	if f.startGate != nil {
		select {
		case <-f.startGate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts++
	f.calls = append(f.calls, "start")
	return nil
}

func (f *fakeSource) Restart(_ context.Context, q string, from consumer.StartFrom) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.restartErr != nil {
		return f.restartErr
	}
	f.restarts = append(f.restarts, q)
	f.froms = append(f.froms, from)
	f.status.Generation++
	f.status.Query = q
	return nil
}

func (f *fakeSource) Stop(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stops++
	f.calls = append(f.calls, "stop")
	return nil
}

func (f *fakeSource) Batches() <-chan consumer.Batch { return f.batches }
func (f *fakeSource) Events() <-chan consumer.Event  { return f.events }
func (f *fakeSource) Status() consumer.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.status
	st.Shards = append([]consumer.ShardStatus(nil), f.status.Shards...)
	return st
}

var errRejected = errors.New(`server rejected the query: 1:17: unknown function "lenght"`)

// t0 is the fixed clock of every test.
var t0 = time.Date(2026, 11, 24, 18, 20, 0, 0, time.UTC)

// rec builds a deterministic access-log record.
func rec(shard, i int) consumer.Record {
	return recWith(shard, i, recFields(i)...)
}

func recFields(i int) []consumer.Field {
	statuses := []string{"200", "200", "304", "404", "500", "200", "502"}
	methods := []string{"GET", "POST", "GET", "PUT"}
	return []consumer.Field{
		{Key: "method", Value: methods[i%len(methods)]},
		{Key: "uri", Value: fmt.Sprintf("/api/v1/items/%d", i%97)},
		{Key: "status", Value: statuses[i%len(statuses)]},
		{Key: "cdn_in", Value: fmt.Sprint(40 + (i*7)%60)},
		{Key: "latency_ms", Value: fmt.Sprint((i * 13) % 900)},
		{Key: "ua", Value: "curl/8.5.0"},
	}
}

// recWith is rec(shard, i) with other fields.
func recWith(shard, i int, fields ...consumer.Field) consumer.Record {
	g := &consumer.Group{
		Topic:   "nginx",
		Source:  fmt.Sprintf("10.0.%d.%d", shard, i%250),
		Tags:    []consumer.Field{{Key: "hostname", Value: fmt.Sprintf("web-%d", shard)}},
		Receive: t0.Add(time.Duration(i)*137*time.Millisecond + time.Second),
	}
	return consumer.NewRecord(shard, t0.Add(time.Duration(i)*137*time.Millisecond), g, fields...)
}

func shardStatus(n int) []consumer.ShardStatus {
	var out []consumer.ShardStatus
	for i := 0; i < n; i++ {
		out = append(out, consumer.ShardStatus{
			Shard: i, Held: true, Owner: "me@host-1", State: consumer.ShardPulling,
			LogsInPerSec: float64(100 * (i + 1)), LogsOutPerSec: float64(10 * (i + 1)),
			Delivered:      int64(1000 * (i + 1)),
			CheckpointTime: t0.Add(-time.Duration(i*i) * 20 * time.Second),
			EndTime:        t0,
			Lag:            time.Duration(i*i) * 20 * time.Second,
		})
	}
	return out
}
