package demogen_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"github.com/slstail/slstail/internal/demogen"
	"github.com/slstail/slstail/slsd"
)

const (
	project  = "demo"
	logstore = "access-log"
)

var key = slsd.Key{ID: "LTAIdemogen", Secret: "demogen-secret"}

// startSLSD starts slsd with the demo logstore on shards shards, and an
// unmodified SDK client for it signing with k.
func startSLSD(t *testing.T, shards int, k slsd.Key) sls.ClientInterface {
	t.Helper()
	s, err := slsd.New(slsd.Config{Keys: []slsd.Key{key}, Project: project, Logstore: logstore, Shards: shards})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	hc := slsd.NewHTTPClient(s.Endpoint())
	t.Cleanup(func() {
		hc.CloseIdleConnections()
		if err := s.Close(); err != nil {
			t.Errorf("close slsd: %v", err)
		}
	})
	c := sls.CreateNormalInterface(s.Endpoint(), k.ID, k.Secret, "")
	c.SetHTTPClient(hc)
	c.SetRetryTimeout(5 * time.Second)
	return c
}

// pullAll returns every log group in shard.
func pullAll(t *testing.T, c sls.ClientInterface, shard int) []*sls.LogGroup {
	t.Helper()
	cur, err := c.GetCursor(project, logstore, shard, "begin")
	if err != nil {
		t.Fatal(err)
	}
	end, err := c.GetCursor(project, logstore, shard, "end")
	if err != nil {
		t.Fatal(err)
	}
	var groups []*sls.LogGroup
	for cur != end {
		gl, next, err := c.PullLogs(project, logstore, shard, cur, end, 1000)
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, gl.LogGroups...)
		if next == cur {
			break
		}
		cur = next
	}
	return groups
}

func TestSDKWriterRoutesShards(t *testing.T) {
	c := startSLSD(t, 4, key)
	w := demogen.NewSDKWriter(c, project, logstore)
	g := demogen.New(1, demogen.Options{})
	at := time.Unix(1764000000, 0)
	for shard := range 4 {
		if err := w.WriteLogGroup(context.Background(), shard, g.LogGroup(at, 10+shard)); err != nil {
			t.Fatal(err)
		}
	}
	for shard := range 4 {
		groups := pullAll(t, c, shard)
		if len(groups) != 1 || len(groups[0].Logs) != 10+shard {
			t.Fatalf("shard %d holds %d groups, want one of %d logs", shard, len(groups), 10+shard)
		}
		lg := groups[0]
		tags := map[string]string{}
		for _, tag := range lg.LogTags {
			tags[tag.GetKey()] = tag.GetValue()
		}
		if lg.GetTopic() == "" || lg.GetSource() == "" || tags["__hostname__"] == "" || tags["pod"] == "" {
			t.Errorf("shard %d: topic %q source %q tags %v", shard, lg.GetTopic(), lg.GetSource(), tags)
		}
		if n := len(lg.Logs[0].Contents); n != len(demogen.FieldNames()) {
			t.Errorf("shard %d: %d fields per log, want %d", shard, n, len(demogen.FieldNames()))
		}
	}
}

// counter counts the logs its Writer wrote successfully.
type counter struct {
	demogen.Writer
	logs atomic.Int64
}

func (c *counter) WriteLogGroup(ctx context.Context, shard int, lg *sls.LogGroup) error {
	err := c.Writer.WriteLogGroup(ctx, shard, lg)
	if err == nil {
		c.logs.Add(int64(len(lg.Logs)))
	}
	return err
}

// TestRunIntoSLSD streams into slsd and finds every log written there.
func TestRunIntoSLSD(t *testing.T) {
	c := startSLSD(t, 4, key)
	w := &counter{Writer: demogen.NewSDKWriter(c, project, logstore)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- demogen.Run(ctx, w, demogen.RunOptions{Rate: 5000, Seed: 2, OnError: func(err error) {
			t.Errorf("write: %v", err)
		}})
	}()
	deadline := time.After(60 * time.Second)
	for w.logs.Load() < 2000 {
		select {
		case err := <-done:
			t.Fatalf("Run returned early: %v", err)
		case <-deadline:
			t.Fatalf("only %d logs written in 60 s", w.logs.Load())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var stored int64
	for shard := range 4 {
		n := 0
		for _, lg := range pullAll(t, c, shard) {
			n += len(lg.Logs)
		}
		if n == 0 {
			t.Errorf("shard %d got no logs", shard)
		}
		stored += int64(n)
	}
	if stored != w.logs.Load() {
		t.Errorf("slsd holds %d logs, %d were written", stored, w.logs.Load())
	}
}

func TestRunStopsOnBadTarget(t *testing.T) {
	for _, tc := range []struct {
		name     string
		key      slsd.Key
		logstore string
		code     string
	}{
		{"missing logstore", key, "no-such-logstore", "LogStoreNotExist"},
		{"wrong secret", slsd.Key{ID: key.ID, Secret: "wrong"}, logstore, "SignatureNotMatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := startSLSD(t, 2, tc.key)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			err := demogen.Run(ctx, demogen.NewSDKWriter(c, project, tc.logstore), demogen.RunOptions{Rate: 100})
			var se *sls.Error
			if !errors.As(err, &se) || se.Code != tc.code {
				t.Fatalf("Run returned %v, want SLS error %s", err, tc.code)
			}
			if ctx.Err() != nil {
				t.Fatal("Run ran until its deadline")
			}
		})
	}
}
