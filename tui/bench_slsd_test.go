package tui

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/demogen"
	"github.com/slstail/slstail/slsd"
)

// BenchmarkKeyLatencyFromSlsd is the whole path under load: the demo
// generator writes access logs into slsd through the SDK at the offered
// rate, a real consumer.Session tails them (From end) and feeds the real
// Bubble Tea program, and key presses are timed from Send to the end of the
// View that follows. Generator, server, SDK consumer and UI share the
// machine's cores, as they do in `slstail demo`.
//
//	go test -run '^$' -bench KeyLatencyFromSlsd -benchtime 200x ./tui
func BenchmarkKeyLatencyFromSlsd(b *testing.B) {
	for _, rate := range []int{10_000, 100_000} {
		b.Run("offered="+map[int]string{10_000: "10k", 100_000: "100k"}[rate], func(b *testing.B) {
			keyLatencyFromSlsd(b, rate)
		})
	}
}

func keyLatencyFromSlsd(b *testing.B, rate int) {
	key := slsd.Key{ID: "LTAItuibench", Secret: "tui-bench-secret-0123456789"}
	srv, err := slsd.New(slsd.Config{Keys: []slsd.Key{key}, Project: "demo", Logstore: "access", Shards: 4,
		Retention: slsd.Retention{MaxBytes: 512 << 20}})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	hc := slsd.NewHTTPClient(srv.Endpoint())
	defer hc.CloseIdleConnections()
	writer := sls.CreateNormalInterface(srv.Endpoint(), key.ID, key.Secret, "")
	writer.SetHTTPClient(hc)

	sess, err := consumer.NewSession(consumer.Config{
		Endpoint: srv.Endpoint(), Project: "demo", Logstore: "access",
		Credentials: consumer.Credentials{AccessKeyID: key.ID, AccessKeySecret: key.Secret},
		Compact:     true, // as slstail runs the TUI
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := sess.Start(ctx); err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		demogen.Run(ctx, demogen.NewSDKWriter(writer, "demo", "access"),
			demogen.RunOptions{Rate: float64(rate), Shards: 4, Seed: 1, TicksPerSecond: 20})
	}()

	opts := testOptions()
	opts.Started = true
	m := New(sess, opts)
	p := &probe{Model: m, lat: make(chan time.Duration, 1)}
	prog := tea.NewProgram(p, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignals())
	go func() {
		defer wg.Done()
		prog.Run()
	}()
	prog.Send(tea.WindowSizeMsg{Width: 200, Height: 60})
	time.Sleep(2 * time.Second) // the stream reaches its rate and fills the screen
	measureKeys(b, p, prog)
	prog.Quit()
	m.closeDone()
	cancel()
	if err := sess.Stop(context.Background()); err != nil {
		b.Error(err)
	}
	wg.Wait()
}
