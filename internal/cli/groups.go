package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/textsafe"
)

type groupsOptions struct {
	conn   connFlags
	output string
	prune  bool
	dryRun bool
}

func newGroupsCmd(s Env) *cobra.Command {
	o := &groupsOptions{}
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "List a logstore's consumer groups; --prune deletes slstail's dead ones",
		Long: `groups lists the consumer groups of a logstore: whether slstail created the
group (its ephemeral groups have names of their own), ephemeral or named, the
heartbeat timeout, the order setting, the newest checkpoint update, and a state:
live (a checkpoint moved in the last 5 minutes), idle, or dead.

Dead is only ever said of slstail's own ephemeral groups, left behind by runs
that did not stop cleanly: created over an hour ago, and no checkpoint moved for
an hour (a running slstail keeps its group's checkpoints fresh). SLS allows 30
consumer groups per logstore; every tail deletes the dead ones as it starts, and
--prune does it by hand. No other group is ever deleted.`,
		Example: `  slstail groups --profile prod
  slstail groups --profile prod --prune --dry-run
  slstail groups --profile prod --output json | jq -r '.[] | select(.state == "dead") | .name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runGroups(cmd, s, o) },
	}
	f := cmd.Flags()
	o.conn.registerStore(f)
	f.StringVarP(&o.output, "output", "o", "table", "table or json")
	f.BoolVar(&o.prune, "prune", false, "delete the dead slstail groups")
	f.BoolVar(&o.dryRun, "dry-run", false, "with --prune: say what would be deleted, delete nothing")
	return cmd
}

func runGroups(cmd *cobra.Command, s Env, o *groupsOptions) error {
	if o.output != "table" && o.output != "json" {
		return usageError(fmt.Errorf("unknown --output %q: want table or json", o.output))
	}
	if o.dryRun && !o.prune {
		return usageError(errors.New("--dry-run only applies with --prune"))
	}
	set, err := resolveSettings(cmd, s.getenv)
	if err != nil {
		return err
	}
	// The groups of the logstore, not of one group: a profile's group and
	// start position do not apply.
	set.Group, set.From = "", ""
	cfg, err := sessionConfig(set, &o.conn, "", s.getenv)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var (
		groups   []consumer.GroupInfo
		outcomes []consumer.PruneOutcome
	)
	if o.prune {
		groups, outcomes, err = consumer.PruneGroups(ctx, cfg, o.dryRun)
	} else {
		groups, err = consumer.ListGroups(ctx, cfg)
	}
	if err != nil {
		return fmt.Errorf("list consumer groups of %s/%s: %w", cfg.Project, cfg.Logstore, err)
	}
	now := time.Now()
	if o.output == "json" {
		err = printGroupsJSON(s.Out, groups, outcomes, o.dryRun)
	} else {
		err = printGroups(s.Out, groups, outcomes, o.prune, o.dryRun, now)
	}
	if err != nil {
		return flushOrEPIPE(err)
	}
	var failed []error
	for _, oc := range outcomes {
		if oc.Err != nil {
			failed = append(failed, oc.Err)
		}
	}
	return errors.Join(failed...)
}

// groupRow is the JSON shape of one group of `groups --output json`.
type groupRow struct {
	Name              string `json:"name"`
	Slstail           bool   `json:"slstail"` // one of slstail's ephemeral-group names
	Kind              string `json:"kind"`    // "ephemeral" or "named"
	LegacyName        bool   `json:"legacy_name,omitempty"`
	Created           string `json:"created,omitempty"`
	TimeoutSeconds    int    `json:"timeout_seconds"`
	InOrder           bool   `json:"in_order"`
	Checkpoints       int    `json:"checkpoints"`
	CheckpointUpdated string `json:"checkpoint_updated,omitempty"`
	State             string `json:"state"`
	Error             string `json:"error,omitempty"`
	// Prune is what --prune did: "deleted", "would delete" (--dry-run) or
	// "delete failed".
	Prune string `json:"prune,omitempty"`
}

func groupKind(g consumer.GroupInfo) string {
	if g.Ephemeral {
		return "ephemeral"
	}
	return "named"
}

// pruneWord says what --prune did to a group, "" for nothing.
func pruneWord(name string, outcomes []consumer.PruneOutcome, dryRun bool) string {
	for _, oc := range outcomes {
		if oc.Name != name {
			continue
		}
		switch {
		case oc.Err != nil:
			return "delete failed"
		case oc.Deleted:
			return "deleted"
		case dryRun:
			return "would delete"
		}
	}
	return ""
}

func printGroupsJSON(w io.Writer, groups []consumer.GroupInfo, outcomes []consumer.PruneOutcome, dryRun bool) error {
	rows := make([]groupRow, len(groups))
	for i, g := range groups {
		rows[i] = groupRow{
			Name: g.Name, Slstail: g.Ephemeral, Kind: groupKind(g), LegacyName: g.Legacy,
			Created: rfc3339(g.Created), TimeoutSeconds: int(g.Timeout / time.Second), InOrder: g.InOrder,
			Checkpoints: g.Checkpoints, CheckpointUpdated: rfc3339(g.Updated), State: g.State.String(),
			Prune: pruneWord(g.Name, outcomes, dryRun),
		}
		if g.Err != nil {
			rows[i].Error = g.Err.Error()
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}

func printGroups(w io.Writer, groups []consumer.GroupInfo, outcomes []consumer.PruneOutcome, prune, dryRun bool, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSLSTAIL\tKIND\tTIMEOUT\tORDER\tCREATED\tCHECKPOINT UPDATED\tSTATE")
	dead := 0
	for _, g := range groups {
		made, kind := "-", groupKind(g)
		if g.Ephemeral {
			made = "yes"
		}
		if g.Legacy {
			kind += " (old name)"
		}
		order := "no"
		if g.InOrder {
			order = "yes"
		}
		created := "-"
		if !g.Created.IsZero() {
			created = ago(g.Created, now)
		}
		state := g.State.String()
		if g.Err != nil {
			state += " (checkpoints unreadable: " + g.Err.Error() + ")"
		}
		if g.State == consumer.GroupDead {
			dead++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", textsafe.Sanitize(g.Name), made, kind, g.Timeout,
			order, created, ago(g.Updated, now), textsafe.Sanitize(state))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d consumer %s (SLS allows 30 per logstore)", len(groups), plural(len(groups), "group", "groups"))
	if !prune {
		if dead > 0 {
			fmt.Fprintf(w, "; %d dead: `slstail groups --prune` deletes %s", dead, plural(dead, "it", "them"))
		}
		_, err := fmt.Fprintln(w)
		return err
	}
	fmt.Fprintln(w)
	done := 0
	for _, oc := range outcomes {
		switch {
		case oc.Err != nil:
			fmt.Fprintf(w, "could not delete %s: %v\n", textsafe.Sanitize(oc.Name), oc.Err)
		case oc.Deleted:
			done++
			fmt.Fprintf(w, "deleted %s\n", textsafe.Sanitize(oc.Name))
		case dryRun:
			done++
			fmt.Fprintf(w, "would delete %s\n", textsafe.Sanitize(oc.Name))
		}
	}
	verb := "deleted"
	if dryRun {
		verb = "would delete"
	}
	_, err := fmt.Fprintf(w, "%s %d dead slstail %s\n", verb, done, plural(done, "group", "groups"))
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
