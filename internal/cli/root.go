package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
)

// newRootCmd builds the command tree. Bare `slstail` is `slstail tail`, the
// way `stern` tails by default.
func newRootCmd(s Env) *cobra.Command {
	root := newTailCmd(s)
	root.Use = "slstail [flags]"
	root.Short = "Tail Alibaba Cloud SLS logstores live, filtered with SPL"
	root.Long = `slstail joins an SLS consumer group, consumes every shard of a logstore with an
SPL filter evaluated server-side, and shows a live merged tail, per-shard panes,
and checkpoint and lag status. When stdout is not a terminal it writes JSON lines.

Try it without an account:  slstail demo`
	root.Example = `  slstail demo
  slstail --endpoint cn-hangzhou.log.aliyuncs.com --project web --logstore nginx \
          --query '* | where cast(status as bigint) >= 500'
  slstail --profile prod --from -15m --output jsonl | jq .uri`
	root.SilenceUsage = true
	root.SilenceErrors = true
	root.Version = versionString(s.Build)
	root.SetVersionTemplate("{{.Version}}\n") // versionString already starts with the name
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return checkCommonFlags(cmd) }

	tail := newTailCmd(s)
	root.AddCommand(tail, newDemoCmd(s), newServeCmd(s), newSplCmd(s), newLagCmd(s), newGroupsCmd(s), newVersionCmd(s))
	root.PersistentFlags().String("config", "", "config file (default $XDG_CONFIG_HOME/slstail/config.toml; env SLSTAIL_CONFIG)")
	return root
}

// checkCommonFlags checks, once for every command that has them, the flags
// whose values cobra cannot check by type.
func checkCommonFlags(cmd *cobra.Command) error {
	// --max 0 and --max -5 used to mean "no limit", which a typo should
	// not: leave --max out for that.
	if f := cmd.Flags().Lookup("max"); f != nil && f.Changed {
		if n, err := strconv.ParseInt(f.Value.String(), 10, 64); err == nil && n <= 0 {
			return usageError(fmt.Errorf("--max %d: want a positive number of logs (leave --max out for no limit)", n))
		}
	}
	return nil
}
