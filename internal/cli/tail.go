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
	"github.com/slstail/slstail/internal/textsafe"
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
	f.String("merge-hold", "", "TUI: how long the merged tail waits for a slow shard before showing a line out of time order (default 1s; 0 does not wait)")
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
	if !plain {
		tuiSession(&cfg)
	}
	cfg.Limit = o.max
	sess, err := consumer.NewSession(cfg)
	if err != nil {
		return usageError(err)
	}
	if !plain {
		return runTUI(cmd.Context(), sess, set, s.getenv)
	}
	enc, err := newEncoder(orDefault(o.output, "jsonl"), o.template)
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
	return runPlain(cmd.Context(), sess, newPlainOut(s.Out, enc, plainLimits{max: o.max, until: until}), s.Err, interrupts())
}

// interrupts delivers SIGINT and SIGTERM for as long as the process runs.
// The first one also cancels the command's context (package main does
// that); runPlain reads them to tell a second one, which abandons the stop.
func interrupts() <-chan os.Signal {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	return ch
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

// maxWrite is how much encoded output one write may gather from the
// batches already waiting: large writes, few system calls, and a bounded
// buffer.
const maxWrite = 1 << 20

// abandonGrace is how long a second interrupt still waits for Stop to say
// what it left undone before the tail exits without knowing.
const abandonGrace = 200 * time.Millisecond

// plainOut writes batches of logs and acknowledges each batch once it has
// been written whole to the file descriptor: a checkpoint never covers a
// log that is not in the output, whatever kills the process afterwards.
// Nothing is buffered between batches.
type plainOut struct {
	w       io.Writer
	enc     recordEncoder
	lim     plainLimits
	buf     []byte
	whole   []consumer.Batch // encoded whole into buf: acknowledged once written
	written int64
	full    bool // --max reached
}

func newPlainOut(w io.Writer, enc recordEncoder, lim plainLimits) *plainOut {
	return &plainOut{w: w, enc: enc, lim: lim}
}

// add encodes what the limits let through of a batch. A batch is
// acknowledged only if it was encoded whole: one cut by --max, or with logs
// past --until, keeps its shard's checkpoint before it, so that a later
// run from the checkpoint writes those logs again rather than skipping
// them.
func (o *plainOut) add(b consumer.Batch) error {
	whole := true
	for i := range b.Records {
		r := &b.Records[i]
		if !o.lim.until.IsZero() && r.Time.After(o.lim.until) {
			whole = false
			continue
		}
		var err error
		if o.buf, err = o.enc.AppendRecord(o.buf, r); err != nil {
			return err
		}
		o.written++
		if o.lim.max > 0 && o.written >= o.lim.max {
			o.full = true
			whole = whole && i == len(b.Records)-1
			break
		}
	}
	if whole {
		o.whole = append(o.whole, b)
	}
	return nil
}

// flush writes what was encoded in one write and acknowledges the batches
// it held whole.
func (o *plainOut) flush() error {
	if len(o.buf) > 0 {
		if _, err := o.w.Write(o.buf); err != nil {
			return err
		}
		o.buf = o.buf[:0]
	}
	for i := range o.whole {
		// A refused acknowledgement (the run was closed meanwhile) only
		// means the next run writes the batch again: at least once.
		o.whole[i].Ack()
	}
	clear(o.whole)
	o.whole = o.whole[:0]
	return nil
}

// errReaderLeft ends a tail whose reader closed the pipe (EPIPE on stdout):
// a normal end, like head's.
var errReaderLeft = errors.New("reader left")

// errCancelled ends a tail whose context ended: the first SIGINT or
// SIGTERM, as package main cancels the context on it.
var errCancelled = errors.New("cancelled")

// write takes a batch and whatever else is already waiting (up to
// maxWrite), writes it all, and acknowledges it.
func (o *plainOut) write(first consumer.Batch, more <-chan consumer.Batch) error {
	if err := o.add(first); err != nil {
		return err
	}
gather:
	for !o.full && len(o.buf) < maxWrite {
		select {
		case b, ok := <-more:
			if !ok {
				break gather
			}
			if err := o.add(b); err != nil {
				return err
			}
		default:
			break gather
		}
	}
	if err := o.flush(); err != nil {
		if errors.Is(err, syscall.EPIPE) {
			return errReaderLeft
		}
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// runPlain writes delivered logs until ctx ends (the first SIGINT or
// SIGTERM), --max or --until is reached, the reader goes away (EPIPE), or
// the session fails; then it stops the session, which commits the
// checkpoints of what was written. A second interrupt abandons the stop.
func runPlain(ctx context.Context, sess session, out *plainOut, errw io.Writer, sigs <-chan os.Signal) error {
	// SIGPIPE is caught only so that a write to a closed stdout returns
	// EPIPE instead of killing the process; the signal itself says nothing
	// (a write to a reset socket raises it too, and anyone can send it).
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	defer signal.Stop(pipe)

	if err := sess.Start(ctx); err != nil {
		if ctx.Err() != nil {
			// Interrupted while connecting: the user's choice, not a
			// failure, and a Start that did not finish leaves nothing to
			// stop (an ephemeral group it made is deleted with it).
			return nil
		}
		return fmt.Errorf("start: %w", err)
	}
	runErr := out.run(ctx, sess, errw, sigs)
	// The signal that cancelled ctx is in sigs too, or soon will be: the
	// runtime hands a signal to its channels one after the other, so it
	// may reach sigs after ctx's watcher has cancelled. It is this one,
	// not a second, so the stop lets it pass (package main cancels ctx
	// on a signal and nothing else).
	owed := 0
	switch {
	case errors.Is(runErr, errCancelled):
		owed, runErr = 1, nil
	case errors.Is(runErr, errReaderLeft):
		runErr = nil
	}
	stopErr := stopPlain(sess, sigs, owed)
	if stopErr != nil {
		return errors.Join(runErr, stopErr)
	}
	return runErr
}

// run is the writing loop of runPlain.
func (o *plainOut) run(ctx context.Context, sess session, errw io.Writer, sigs <-chan os.Signal) error {
	var tick <-chan time.Time
	if !o.lim.until.IsZero() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		tick = t.C
	}
	events, batches := sess.Events(), sess.Batches()
	for {
		select {
		case <-ctx.Done():
			return errCancelled
		case <-sigs:
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if ev.Kind != consumer.EventInfo && ev.Kind != consumer.EventRestarted {
				fmt.Fprintf(errw, "slstail: %s\n", textsafe.Sanitize(ev.Msg))
			}
			if ev.Kind == consumer.EventFailed {
				return errors.New(textsafe.Sanitize(ev.Msg))
			}
		case <-tick:
			if caughtUpPast(sess.Status(), o.lim.until, time.Now()) {
				return nil
			}
		case b, ok := <-batches:
			if !ok {
				return errors.New("the session ended unexpectedly")
			}
			if err := o.write(b, batches); err != nil || o.full {
				return err
			}
		}
	}
}

// stopPlain stops the session. A second SIGINT or SIGTERM abandons the
// wait: the tail then exits at once, saying what may be left undone. The
// first owed signals are the one that asked for the stop.
func stopPlain(sess session, sigs <-chan os.Signal, owed int) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- sess.Stop(ctx) }()
	for ; ; owed-- {
		select {
		case err := <-done:
			return err
		case <-sigs:
		}
		if owed == 0 {
			break
		}
	}
	cancel()
	st := sess.Status()
	abandoned := fmt.Errorf("stop abandoned by a second interrupt: the checkpoints of what was written may not be committed, and consumer group %q may be left behind", st.Group)
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("stop abandoned by a second interrupt: %w", err)
		}
		return nil
	case <-time.After(abandonGrace):
		return abandoned
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
