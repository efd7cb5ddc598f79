package cli

import (
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

	tail := newTailCmd(s)
	root.AddCommand(tail, newDemoCmd(s), newServeCmd(s), newSplCmd(s), newLagCmd(s), newGroupsCmd(s), newVersionCmd(s))
	root.PersistentFlags().String("config", "", "config file (default $XDG_CONFIG_HOME/slstail/config.toml; env SLSTAIL_CONFIG)")
	return root
}
