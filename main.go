// Command slstail tails Alibaba Cloud SLS logstores live: a consumer-group
// session per logstore, an SPL filter evaluated server-side, and a terminal UI
// with a merged tail, per-shard panes, and checkpoint and lag status.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Set by the release build (see .goreleaser.yaml); "dev" means a local build.
var (
	Version = "dev"
	Commit  = ""
	Date    = ""
)

// Exit codes, the same for every subcommand.
const (
	exitOK      = 0
	exitFailure = 1 // a runtime failure: network, auth, server error
	exitUsage   = 2 // bad flags, bad config, or a query the engine rejects
)

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as the user's to fix (exit code 2).
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// streams are the process's standard files, passed down so that commands can
// be tested without touching the real ones.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// run executes the command line and maps its error to an exit code.
func run(ctx context.Context, args []string, s streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(s.err, "slstail: %v\n", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if isFlagError(err) {
		return exitUsage
	}
	return exitFailure
}
