// Package cli is slstail's command line: the cobra commands (tail, demo,
// serve, spl, lag, version), how settings are resolved from flags,
// environment and the config file, and plain output. Package main only
// hands it the process's files, environment and build stamp.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes, the same for every subcommand.
const (
	exitOK      = 0
	exitFailure = 1 // a runtime failure: network, auth, server error
	exitUsage   = 2 // bad flags, bad config, or a query the engine rejects
)

// Build is how the binary was built: set by the release build's ldflags on
// package main, "dev" for a local build.
type Build struct {
	Version, Commit, Date string
}

// Env is what a command takes from its process: the standard files, the
// environment and the build stamp. Tests pass their own.
type Env struct {
	In       io.Reader
	Out, Err io.Writer
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	Build  Build
}

func (e Env) getenv(name string) string {
	if e.Getenv == nil {
		return os.Getenv(name)
	}
	return e.Getenv(name)
}

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as the user's to fix (exit code 2).
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// Run executes the command line and maps its error to an exit code.
func Run(ctx context.Context, args []string, s Env) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(s.Err, "slstail: %v\n", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if isFlagError(err) {
		return exitUsage
	}
	return exitFailure
}

// isFlagError recognises cobra's argument errors, which do not pass through
// the flag error func.
func isFlagError(err error) bool {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code == exitUsage
	}
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.Contains(msg, "arg(s)") || strings.HasPrefix(msg, "required flag")
}
