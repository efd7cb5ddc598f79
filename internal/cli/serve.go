package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
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
	splitEvery   time.Duration
}

func newServeCmd(s Env) *cobra.Command {
	o := serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run slsd, the SLS-compatible local server, for testing and demos",
		Long: `serve runs slsd, an in-memory server that speaks the SLS HTTP API (signatures,
protobuf + lz4, cursors, consumer groups, SPL in PullLogs, shard split and merge)
on 127.0.0.1, so that slstail and any program using an SLS SDK can be tried
without an account. slsd is for local use: --addr beyond loopback is warned about.

The key pair is --access-key-id/--access-key-secret, else $` + slsd.EnvAccessKeyID + ` and
$` + slsd.EnvAccessKeySecret + ` (kept out of ps), else generated.

--split-every D splits the widest shard every D and merges the halves back the
next time, to watch a consumer across both; any SDK's SplitShard and MergeShards
work too.

` + slsd.Supported + `

The SDKs put the project in the host name (<project>.<endpoint>), which does not
resolve for 127.0.0.1. slstail handles that itself.

` + slsd.ClientHelp("127.0.0.1:7000", "<project>"),
		Example: `  slstail serve --generate 500
  slstail --endpoint 127.0.0.1:7000 --project demo --logstore access --from begin
  slstail serve --generate 500 --split-every 30s`,
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
	f.DurationVar(&o.splitEvery, "split-every", 0, "split a shard, and merge it back the next time, this often (0: never)")
	return cmd
}

func (o serveOptions) config() (slsd.Config, error) {
	cfg := slsd.Config{
		Addr:       o.addr,
		Project:    o.project,
		Logstore:   o.logstore,
		Shards:     o.shards,
		Retention:  slsd.Retention{MaxBytes: o.retentionMB << 20, MaxAge: o.retentionAge},
		SplitEvery: o.splitEvery,
	}
	switch {
	case o.keyID != "" && o.keySecret != "":
		cfg.Keys = []slsd.Key{{ID: o.keyID, Secret: o.keySecret}}
	case o.keyID != "" || o.keySecret != "":
		return cfg, usageError(fmt.Errorf("give both --access-key-id and --access-key-secret, or neither"))
	default:
		k, ok, err := slsd.KeyFromEnv(os.Getenv)
		if err != nil {
			return cfg, usageError(err)
		}
		if ok {
			cfg.Keys = []slsd.Key{k}
		}
	}
	if o.splitEvery < 0 {
		return cfg, usageError(fmt.Errorf("--split-every %s: want a positive interval, or 0", o.splitEvery))
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
	level := slog.LevelWarn
	if o.splitEvery > 0 {
		level = slog.LevelInfo // each split and merge
	}
	cfg.Logger = slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: level}))
	srv, err := slsd.New(cfg)
	if err != nil {
		return fmt.Errorf("slsd: %w", err)
	}
	if err := srv.Start(); err != nil {
		return listenError(o.addr, err)
	}
	key := srv.Keys()[0]
	if w := srv.ExposureWarning(); w != "" {
		fmt.Fprintln(s.Err, w)
	}
	// The secret is printed on purpose: it is this local server's own key,
	// generated or given on the command line, and the user needs it to
	// connect. One taken from the environment is not repeated.
	secret := key.Secret
	if o.keyID == "" && s.getenv(slsd.EnvAccessKeySecret) != "" {
		secret = "$" + slsd.EnvAccessKeySecret
	}
	fmt.Fprintf(s.Out, `slsd listening on %[1]s
  project   %[2]s
  logstore  %[3]s (%[4]d shards)

Tail it:
  ALIBABA_CLOUD_ACCESS_KEY_ID=%[5]s ALIBABA_CLOUD_ACCESS_KEY_SECRET=%[6]s \
    slstail --endpoint %[1]s --project %[2]s --logstore %[3]s

%[7]s
Stop with Ctrl+C.
`, srv.Endpoint(), o.project, o.logstore, o.shards, key.ID, secret, slsd.ClientHelp(srv.Endpoint(), o.project))

	// Serve until interrupted; with --generate, also until the generator
	// fails (it returns only on error or when ctx ends).
	var genErr error
	if o.generate > 0 {
		genCtx, stopGen := context.WithCancel(ctx)
		genDone := make(chan error, 1)
		go func() {
			genDone <- generate(genCtx, srv.Endpoint(), key, o.project, o.logstore, o.generate, o.shards, o.splitEvery > 0)
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

// generate writes demo logs into the served logstore until ctx ends. While
// shards split and merge, groups go without a hash key: slsd spreads them
// over whichever shards are readwrite, new ones included.
func generate(ctx context.Context, endpoint string, key slsd.Key, project, logstore string, rate, shards int, resharding bool) error {
	var w demogen.Writer = newSDKWriter(endpoint, key, project, logstore)
	if resharding {
		client := sls.CreateNormalInterface(endpoint, key.ID, key.Secret, key.SecurityToken)
		client.SetHTTPClient(slsd.NewHTTPClient(endpoint))
		w = balancedWriter{client, project, logstore}
	}
	return demogen.Run(ctx, w, demogen.RunOptions{Rate: float64(rate), Shards: shards, Seed: uint64(time.Now().UnixNano())})
}

// balancedWriter puts log groups without a hash key.
type balancedWriter struct {
	client            sls.ClientInterface
	project, logstore string
}

func (w balancedWriter) WriteLogGroup(ctx context.Context, _ int, lg *sls.LogGroup) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return w.client.PutLogs(w.project, w.logstore, lg)
}
