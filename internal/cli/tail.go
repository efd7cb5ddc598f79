package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/slstail/slstail/consumer"
)

type tailOptions struct {
	conn     connFlags
	output   string
	template string
	until    string
	max      int64
	theme    string
	buffer   int
	logFile  string
}

func newTailCmd(s Env) *cobra.Command {
	o := &tailOptions{}
	cmd := &cobra.Command{
		Use:   "tail",
		Short: "Tail a logstore (the default command)",
		Long: `tail joins a consumer group on a logstore and shows its logs live: the TUI on a
terminal, JSON lines when stdout is a pipe or with --output.`,
		Example: `  slstail tail --project web --logstore nginx --query "* | where status = '502'"
  slstail tail --profile prod --from -15m --until -5m --output jsonl | jq -r .uri
  slstail tail --profile prod --output template --template '{{.Time}} {{.F.status}} {{.F.uri}}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTail(cmd, s, o) },
	}
	f := cmd.Flags()
	o.conn.register(f, true, "consumer group to join (default: an ephemeral group, deleted on exit)")
	f.StringVarP(&o.output, "output", "o", "", "plain output: jsonl, raw, or template (default: the TUI on a terminal, jsonl otherwise)")
	f.StringVar(&o.template, "template", "", "Go template for each log: {{.Time}} {{.Shard}} {{.Topic}} {{.Source}} {{.F.field}}")
	f.StringVar(&o.until, "until", "", "stop once every shard is read past this time (RFC3339 or -5m); implies plain output")
	f.Int64Var(&o.max, "max", 0, "stop after this many logs; implies plain output")
	f.StringVar(&o.theme, "theme", "", "TUI theme: auto, dark, light, high-contrast, mono (env SLSTAIL_THEME)")
	f.IntVar(&o.buffer, "buffer-lines", 0, "TUI lines kept in memory (default 100000)")
	f.StringVar(&o.logFile, "log-file", "", "SDK log file (default $XDG_STATE_HOME/slstail/sdk.<pid>.log)")
	return cmd
}

func runTail(cmd *cobra.Command, s Env, o *tailOptions) error {
	set, err := resolveSettings(cmd, s.getenv)
	if err != nil {
		return err
	}
	cfg, err := sessionConfig(set, &o.conn, o.logFile, s.getenv)
	if err != nil {
		return err
	}
	release, err := joinAs(&cfg, s.Err, s.getenv)
	if err != nil {
		return err
	}
	defer release()
	plain := outputChoice{format: o.output, template: o.template, max: o.max, until: o.until}.plain(s.Out)
	cfg.Compact = !plain // the TUI keeps what it shows; plain output writes and drops
	sess, err := consumer.NewSession(cfg)
	if err != nil {
		return usageError(err)
	}
	if !plain {
		return runTUI(cmd.Context(), sess, set, s.getenv)
	}
	format := o.output
	if format == "" {
		format = "jsonl"
	}
	w, err := newRecordWriter(s.Out, format, o.template)
	if err != nil {
		return usageError(err)
	}
	var until time.Time
	if o.until != "" {
		u, err := consumer.ParseStartFrom(o.until)
		if err != nil || (u.Kind != consumer.PosTime && u.Kind != consumer.PosAgo) {
			return usageError(fmt.Errorf("--until %q: want an RFC3339 time or a duration ago like -5m", o.until))
		}
		until = u.Time
		if u.Kind == consumer.PosAgo {
			until = time.Now().Add(-u.Ago)
		}
	}
	return runPlain(cmd.Context(), sess, w, s.Err, plainLimits{max: o.max, until: until})
}

// session is what the plain tail needs of a consumer.Session.
type session interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	Batches() <-chan consumer.Batch
	Events() <-chan consumer.Event
	Status() consumer.Status
}

type plainLimits struct {
	max   int64
	until time.Time
}

// runPlain writes delivered logs until ctx ends, --max or --until is reached,
// or the reader goes away (SIGPIPE), then stops the session so that the
// checkpoints of what was delivered are flushed.
func runPlain(ctx context.Context, sess session, w recordWriter, errw io.Writer, lim plainLimits) (err error) {
	// With SIGPIPE caught, a write to a closed pipe returns EPIPE instead of
	// killing the process, so `| head` still flushes checkpoints.
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	defer signal.Stop(pipe)

	if err := sess.Start(ctx); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if serr := sess.Stop(stopCtx); serr != nil && err == nil {
			err = fmt.Errorf("stop (checkpoints may not be flushed): %w", serr)
		}
	}()

	var (
		written int64
		tick    = time.NewTicker(time.Second)
	)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return flushOrEPIPE(w.Flush())
		case <-pipe:
			return nil
		case ev := <-sess.Events():
			if ev.Kind != consumer.EventInfo && ev.Kind != consumer.EventRestarted {
				fmt.Fprintf(errw, "slstail: %s\n", ev.Msg)
			}
		case <-tick.C:
			if !lim.until.IsZero() && caughtUpPast(sess.Status(), lim.until, time.Now()) {
				return flushOrEPIPE(w.Flush())
			}
			if err := w.Flush(); err != nil {
				return flushOrEPIPE(err)
			}
		case b := <-sess.Batches():
			for i := range b.Records {
				r := &b.Records[i]
				if !lim.until.IsZero() && r.Time.After(lim.until) {
					continue
				}
				if err := w.Write(r); err != nil {
					return flushOrEPIPE(err)
				}
				written++
				if lim.max > 0 && written >= lim.max {
					return flushOrEPIPE(w.Flush())
				}
			}
		}
	}
}

// caughtUpPast reports whether every held shard has been read past until,
// so that no log received by then can still arrive: its delivered position
// (EndTime - Lag, a receive time, which grows in shard order) is at or after
// until, or it is idle (read to its end) with the wall clock past until. A
// busy shard is never idle, so the position is what ends a tail of a live
// logstore.
func caughtUpPast(st consumer.Status, until, now time.Time) bool {
	if now.Before(until) {
		return false
	}
	held := 0
	for _, sh := range st.Shards {
		if !sh.Held {
			continue
		}
		held++
		readPast := !sh.EndTime.IsZero() && !sh.EndTime.Add(-sh.Lag).Before(until)
		if !readPast && sh.State != consumer.ShardIdle {
			return false
		}
	}
	return held > 0
}

// flushOrEPIPE treats a reader that went away as a normal end.
func flushOrEPIPE(err error) error {
	if errors.Is(err, syscall.EPIPE) {
		return nil
	}
	return err
}
