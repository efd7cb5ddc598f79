// Command slstail tails Alibaba Cloud SLS logstores live: a consumer-group
// session per logstore, an SPL filter evaluated server-side, and a terminal UI
// with a merged tail, per-shard panes, and checkpoint and lag status.
//
// The commands live in internal/cli; this file only wires the process to them.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/slstail/slstail/internal/cli"
)

// Set by the release build (see .goreleaser.yaml); "dev" means a local build.
var (
	Version = "dev"
	Commit  = ""
	Date    = ""
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Env{
		In:     os.Stdin,
		Out:    os.Stdout,
		Err:    os.Stderr,
		Getenv: os.Getenv,
		Build:  cli.Build{Version: Version, Commit: Commit, Date: Date},
	})
	stop()
	os.Exit(code)
}
