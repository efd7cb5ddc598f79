package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"github.com/spf13/cobra"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/demogen"
	"github.com/slstail/slstail/slsd"
)

type demoOptions struct {
	rate     int
	shards   int
	query    string
	from     string
	output   string
	template string
	max      int64
	seed     uint64
	backfill time.Duration
}

func newDemoCmd(s Env) *cobra.Command {
	o := demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Tail a generated access-log stream from an in-process SLS server (no account needed)",
		Long: `demo starts slsd, slstail's SLS-compatible server, on 127.0.0.1 with a logstore
fed by a generated nginx/CDN access log (with bursts of 5xx errors, latency spikes
and a noisy bot), and tails it through the same consumer path as real SLS.`,
		Example: `  slstail demo
  slstail demo --query '* | where cast(cdn_in as bigint) > 70'
  slstail demo --output jsonl --max 100 | jq -c '{status, uri}'
  slstail demo --max 20 --template '{{.Time.Format "15:04:05"}} {{.F.status}} {{.F.uri}}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDemo(cmd, s, o) },
	}
	f := cmd.Flags()
	f.IntVar(&o.rate, "rate", 200, "generated logs per second")
	f.IntVar(&o.shards, "shards", slsd.DefaultShards, "shards of the demo logstore")
	f.StringVarP(&o.query, "query", "q", "", "initial SPL query")
	f.StringVar(&o.from, "from", "begin", "where to start: begin, end, -1m, ...")
	f.StringVarP(&o.output, "output", "o", "", "plain output instead of the TUI: jsonl, raw, or template")
	f.StringVar(&o.template, "template", "", "Go template for each log, as tail's (implies -o template)")
	f.Int64Var(&o.max, "max", 0, "stop after this many logs; implies plain output")
	f.Uint64Var(&o.seed, "seed", 0, "generator seed (0: a new stream each run)")
	f.DurationVar(&o.backfill, "backfill", 30*time.Second, "history written as a burst when the demo starts, so that --from begin has something to show")
	f.String("theme", "", "TUI theme: auto, dark, light, high-contrast, mono (env SLSTAIL_THEME)")
	return cmd
}

// demoEnv is a running in-process slsd with its generator.
type demoEnv struct {
	srv     *slsd.Server
	key     slsd.Key
	project string
	store   string
	stopGen context.CancelFunc
	genDone chan error
}

const (
	demoProject  = "demo"
	demoLogstore = "access"
)

func startDemo(ctx context.Context, o demoOptions) (*demoEnv, error) {
	if o.rate <= 0 {
		return nil, usageError(fmt.Errorf("--rate %d: want a positive number of logs per second", o.rate))
	}
	srv, err := slsd.New(slsd.Config{
		Project:   demoProject,
		Logstore:  demoLogstore,
		Shards:    o.shards,
		Retention: slsd.Retention{MaxBytes: 256 << 20},
	})
	if err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	env := &demoEnv{srv: srv, key: srv.Keys()[0], project: demoProject, store: demoLogstore, genDone: make(chan error, 1)}
	seed := o.seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	w := newSDKWriter(srv.Endpoint(), env.key, demoProject, demoLogstore)
	genCtx, stop := context.WithCancel(ctx)
	env.stopGen = stop
	// The history is written by the same goroutine, ahead of the live
	// stream, so that the UI opens at once and fills as it arrives.
	go func() {
		if o.backfill > 0 {
			// A burst at ten times the rate.
			bctx, cancel := context.WithTimeout(genCtx, o.backfill/10+time.Second)
			err := demogen.Run(bctx, w, demogen.RunOptions{Rate: float64(o.rate) * 10, Shards: o.shards, Seed: seed})
			cancel()
			if err != nil && !errors.Is(err, context.DeadlineExceeded) && genCtx.Err() == nil {
				env.genDone <- fmt.Errorf("demo backfill: %w", err)
				return
			}
		}
		env.genDone <- demogen.Run(genCtx, w, demogen.RunOptions{Rate: float64(o.rate), Shards: o.shards, Seed: seed + 1})
	}()
	return env, nil
}

// close stops the generator and the server; it reports a generator that
// failed on its own (the screen then shows the stream stopping, not why).
func (e *demoEnv) close() error {
	var genErr error
	if e.stopGen != nil {
		e.stopGen()
		if err := <-e.genDone; err != nil && !errors.Is(err, context.Canceled) {
			genErr = fmt.Errorf("demo generator: %w", err)
		}
	}
	// The session has stopped by now (checkpoints committed, group
	// deleted): what is left in flight is the SDK's workers winding down
	// in the background, against a server whose data goes with it. So a
	// short grace, then the server cuts them (Shutdown does on timeout);
	// that is not a failure of the run. On a loaded machine a 5 s grace
	// ran out and the demo exited 1 with a bare "context deadline
	// exceeded".
	ctx, cancel := context.WithTimeout(context.Background(), demoShutdownGrace)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return errors.Join(genErr, fmt.Errorf("stop the demo server: %w", err))
	}
	return genErr
}

// demoShutdownGrace is how long the demo's server may finish the requests
// in flight when the demo ends.
const demoShutdownGrace = 200 * time.Millisecond

func newSDKWriter(endpoint string, key slsd.Key, project, logstore string) *demogen.SDKWriter {
	client := sls.CreateNormalInterface(endpoint, key.ID, key.Secret, key.SecurityToken)
	client.SetHTTPClient(slsd.NewHTTPClient(endpoint))
	return demogen.NewSDKWriter(client, project, logstore)
}

func runDemo(cmd *cobra.Command, s Env, o demoOptions) (err error) {
	ctx := cmd.Context()
	// Everything the user got wrong is found before the server starts, as
	// tail does: the config file (its theme and keys apply), --query (with
	// a caret under the mistake), --from, --output and --template.
	set, err := resolveSettings(cmd, s.getenv)
	if err != nil {
		return err
	}
	from, err := consumer.ParseStartFrom(o.from)
	if err != nil {
		return usageError(fmt.Errorf("--from: %w", err))
	}
	plain := outputChoice{format: o.output, template: o.template, max: o.max}.plain(s.Out)
	var enc recordEncoder
	if plain {
		if enc, err = newEncoder(orDefault(o.output, "jsonl"), o.template); err != nil {
			return usageError(err)
		}
	}
	env, err := startDemo(ctx, o)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, env.close()) }()

	cfg := consumer.Config{
		Endpoint:    env.srv.Endpoint(),
		Project:     env.project,
		Logstore:    env.store,
		Credentials: consumer.Credentials{AccessKeyID: env.key.ID, AccessKeySecret: env.key.Secret},
		Query:       o.query,
		From:        from,
		LogFile:     sdkLogFile(s.getenv),
	}
	if !plain {
		tuiSession(&cfg)
	}
	cfg.Limit = o.max
	sess, err := consumer.NewSession(cfg)
	if err != nil {
		return err
	}
	if plain {
		return runPlain(ctx, sess, newPlainOut(s.Out, enc, plainLimits{max: o.max}), s.Err, interrupts())
	}
	set.Endpoint, set.Project, set.Logstore, set.Query = env.srv.Endpoint(), env.project, env.store, o.query
	return runTUI(ctx, sess, set, s.getenv)
}
