package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/slstail/slstail/consumer"
)

type lagOptions struct {
	conn     connFlags
	watch    bool
	interval time.Duration
	output   string
}

func newLagCmd(s Env) *cobra.Command {
	o := &lagOptions{}
	cmd := &cobra.Command{
		Use:   "lag --group NAME",
		Short: "Show a consumer group's checkpoints and lag, without joining it",
		Long: `lag reads a consumer group's checkpoints and each shard's newest data and prints
how far behind the group is, shard by shard, like kafka-consumer-groups --describe.
It is read-only: it never heartbeats, so it cannot take shards from the group.`,
		Example: `  slstail lag --profile prod --group billing-etl
  slstail lag --profile prod --group billing-etl --watch
  slstail lag --profile prod --group billing-etl --output json | jq '.[] | select(.lag_seconds > 60)'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runLag(cmd, s, o) },
	}
	f := cmd.Flags()
	o.conn.register(f, false, "consumer group to describe (required; never joined)")
	f.BoolVarP(&o.watch, "watch", "w", false, "refresh until interrupted")
	f.DurationVar(&o.interval, "interval", 2*time.Second, "refresh interval with --watch")
	f.StringVarP(&o.output, "output", "o", "table", "table or json")
	return cmd
}

func runLag(cmd *cobra.Command, s Env, o *lagOptions) error {
	if o.output != "table" && o.output != "json" {
		return usageError(fmt.Errorf("unknown --output %q: want table or json", o.output))
	}
	set, err := resolveSettings(cmd, s.getenv)
	if err != nil {
		return err
	}
	if set.Group == "" {
		return usageError(fmt.Errorf("lag needs --group: the consumer group to describe"))
	}
	cfg, err := sessionConfig(set, &o.conn, "", s.getenv)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	// On a terminal each refresh replaces the last, like watch(1); into a
	// pipe or file, clear-screen codes would be garbage, so refreshes are
	// separated by a blank line instead.
	clearScreen := o.watch && o.output == "table" && isTerminal(s.Out)
	for n := 0; ; n++ {
		shards, err := consumer.DescribeGroup(ctx, cfg)
		if err != nil {
			if ctx.Err() != nil {
				return nil // interrupted mid-refresh: as done as between two
			}
			return fmt.Errorf("describe group %q: %w", cfg.Group, err)
		}
		switch {
		case clearScreen:
			fmt.Fprint(s.Out, "\x1b[H\x1b[2J")
		case n > 0 && o.output == "table":
			fmt.Fprintln(s.Out)
		}
		if err := printLag(s.Out, o.output, cfg.Group, shards, time.Now()); err != nil {
			return flushOrEPIPE(err)
		}
		if !o.watch {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.interval):
		}
	}
}

// lagRow is the JSON shape of one shard of `lag --output json`.
type lagRow struct {
	Shard          int     `json:"shard"`
	Consumer       string  `json:"consumer"`
	Checkpoint     string  `json:"checkpoint"`
	CheckpointTime string  `json:"checkpoint_time,omitempty"`
	EndTime        string  `json:"end_time,omitempty"`
	LagSeconds     float64 `json:"lag_seconds"`
	UpdatedAt      string  `json:"updated_at,omitempty"`
	Error          string  `json:"error,omitempty"`
}

func printLag(w io.Writer, format, group string, shards []consumer.ShardStatus, now time.Time) error {
	rows := make([]lagRow, len(shards))
	for i, sh := range shards {
		rows[i] = lagRow{
			Shard: sh.Shard, Consumer: sh.Owner, Checkpoint: sh.Checkpoint,
			CheckpointTime: rfc3339(sh.CheckpointTime), EndTime: rfc3339(sh.EndTime),
			LagSeconds: sh.Lag.Seconds(), UpdatedAt: rfc3339(sh.UpdatedAt), Error: sh.LastError,
		}
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	// The group line is outside the table, so that a long group name does
	// not widen the SHARD column.
	fmt.Fprintf(w, "GROUP %s\n", group)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SHARD\tCONSUMER\tCHECKPOINT TIME\tEND TIME\tLAG\tCHECKPOINT UPDATED")
	var total time.Duration
	for _, sh := range shards {
		owner := orDefault(sh.Owner, "-")
		lag := "-"
		if !sh.CheckpointTime.IsZero() || !sh.EndTime.IsZero() {
			lag = sh.Lag.Round(time.Second).String()
			total = max(total, sh.Lag)
		}
		if sh.LastError != "" {
			lag = "error: " + sh.LastError
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", sh.Shard, owner, shortTime(sh.CheckpointTime, now),
			shortTime(sh.EndTime, now), lag, ago(sh.UpdatedAt, now))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "max lag %s\n", total.Round(time.Second))
	return err
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func shortTime(t, now time.Time) string {
	switch {
	case t.IsZero():
		return "-"
	case now.Sub(t) < 24*time.Hour:
		return t.Local().Format("15:04:05")
	}
	return t.Local().Format("2006-01-02 15:04")
}

func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return now.Sub(t).Round(time.Second).String() + " ago"
}
