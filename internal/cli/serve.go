package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/slstail/slstail/internal/demogen"
	"github.com/slstail/slstail/slsd"
)

type serveOptions struct {
	addr         string
	keyID        string
	keySecret    string
	project      string
	logstore     string
	shards       int
	generate     int
	retentionMB  int64
	retentionAge time.Duration
}

func newServeCmd(s Env) *cobra.Command {
	o := serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run slsd, the SLS-compatible local server, for testing and demos",
		Long: `serve runs slsd, an in-memory server that speaks the SLS HTTP API (signatures,
protobuf + lz4, cursors, consumer groups, SPL in PullLogs) on 127.0.0.1, so that
slstail and any program using the SLS SDK can be tried without an account.

The SDK puts the project in the host name (<project>.<endpoint>), which does not
resolve for 127.0.0.1. slstail handles that itself; other SDK programs can set
HTTP_PROXY=http://<endpoint>, which slsd also accepts.`,
		Example: `  slstail serve --generate 500
  slstail --endpoint 127.0.0.1:7000 --project demo --logstore access --from begin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd.Context(), s, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:7000", "address to listen on")
	f.StringVar(&o.keyID, "access-key-id", "", "access key ID to accept (default: generated)")
	f.StringVar(&o.keySecret, "access-key-secret", "", "access key secret to accept (default: generated)")
	f.StringVar(&o.project, "project", "demo", "project to create")
	f.StringVar(&o.logstore, "logstore", "access", "logstore to create")
	f.IntVar(&o.shards, "shards", slsd.DefaultShards, "shards of the logstore")
	f.IntVar(&o.generate, "generate", 0, "write generated access logs at this many logs/s (0: off, the logstore starts empty)")
	f.Int64Var(&o.retentionMB, "retention-mb", 512, "keep at most this many MiB of raw logs per logstore (0: no cap)")
	f.DurationVar(&o.retentionAge, "retention-age", 0, "drop logs older than this (0: no age cap)")
	return cmd
}

func (o serveOptions) config() (slsd.Config, error) {
	cfg := slsd.Config{
		Addr:      o.addr,
		Project:   o.project,
		Logstore:  o.logstore,
		Shards:    o.shards,
		Retention: slsd.Retention{MaxBytes: o.retentionMB << 20, MaxAge: o.retentionAge},
	}
	switch {
	case o.keyID != "" && o.keySecret != "":
		cfg.Keys = []slsd.Key{{ID: o.keyID, Secret: o.keySecret}}
	case o.keyID != "" || o.keySecret != "":
		return cfg, usageError(fmt.Errorf("give both --access-key-id and --access-key-secret, or neither"))
	}
	if o.shards < 1 || o.shards > 256 {
		return cfg, usageError(fmt.Errorf("--shards %d: want 1 to 256", o.shards))
	}
	return cfg, nil
}

func runServe(ctx context.Context, s Env, o serveOptions) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	cfg.Logger = slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := slsd.New(cfg)
	if err != nil {
		return fmt.Errorf("slsd: %w", err)
	}
	if err := srv.Start(); err != nil {
		return listenError(o.addr, err)
	}
	key := srv.Keys()[0]
	// The secret is printed on purpose: it is this local server's own key,
	// generated or given on the command line, and the user needs it to connect.
	fmt.Fprintf(s.Out, `slsd listening on %[1]s
  project   %[2]s
  logstore  %[3]s (%[4]d shards)

Tail it:
  ALIBABA_CLOUD_ACCESS_KEY_ID=%[5]s ALIBABA_CLOUD_ACCESS_KEY_SECRET=%[6]s \
    slstail --endpoint %[1]s --project %[2]s --logstore %[3]s

Other SLS SDK programs: endpoint %[1]s with HTTP_PROXY=http://%[1]s
Stop with Ctrl+C.
`, srv.Endpoint(), o.project, o.logstore, o.shards, key.ID, key.Secret)

	// Serve until interrupted; with --generate, also until the generator
	// fails (it returns only on error or when ctx ends).
	var genErr error
	if o.generate > 0 {
		genCtx, stopGen := context.WithCancel(ctx)
		genDone := make(chan error, 1)
		go func() {
			genDone <- generate(genCtx, srv.Endpoint(), key, o.project, o.logstore, o.generate, o.shards)
		}()
		select {
		case <-ctx.Done():
			stopGen()
			genErr = <-genDone
		case genErr = <-genDone:
			stopGen()
		}
	} else {
		<-ctx.Done()
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("slsd shutdown: %w", err)
	}
	fmt.Fprintln(s.Err, "slsd stopped")
	if genErr != nil && ctx.Err() == nil {
		return fmt.Errorf("generator: %w", genErr)
	}
	return nil
}

// generate writes demo logs into the served logstore until ctx ends.
func generate(ctx context.Context, endpoint string, key slsd.Key, project, logstore string, rate, shards int) error {
	w := newSDKWriter(endpoint, key, project, logstore)
	return demogen.Run(ctx, w, demogen.RunOptions{Rate: float64(rate), Shards: shards, Seed: uint64(time.Now().UnixNano())})
}
