package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// stateDir is where slstail keeps what it writes for itself (the query
// history, the SDK's logs, the consumer-name locks): $XDG_STATE_HOME/slstail, else
// ~/.local/state/slstail. A relative XDG_STATE_HOME is ignored, as the XDG
// spec asks. This is the one place that decides it; nothing is created here.
func stateDir(getenv func(string) string) (string, error) {
	base := getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(base) {
		base = ""
	}
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("state dir: %w", err)
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "slstail"), nil
}

// ensureStateDir is stateDir, created (private to the user) if missing.
func ensureStateDir(getenv func(string) string) (string, error) {
	dir, err := stateDir(getenv)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("state dir: %w", err)
	}
	return dir, nil
}

// sdkLogFile is where the SDK's own log goes unless --log-file says
// otherwise: sdk.<pid>.log in the state directory, or nowhere when there is
// no home. One file per process: the rotating writer neither appends
// safely to a file another process writes (it creates with O_TRUNC and no
// O_APPEND) nor rotates it safely, so concurrent runs sharing one sdk.log
// overwrote each other's lines. Old files are pruned here (pruneSDKLogs).
func sdkLogFile(getenv func(string) string) string {
	dir, err := stateDir(getenv)
	if err != nil {
		return ""
	}
	pruneSDKLogs(dir, time.Now())
	return filepath.Join(dir, fmt.Sprintf("sdk.%d.log", os.Getpid()))
}

const (
	// keepSDKLogs is how many SDK logs (with their rotated backups) are
	// kept whatever their age.
	keepSDKLogs = 10
	// sdkLogQuiet is how long a log must have gone unwritten before it is
	// pruned: a younger one may belong to a slstail still running.
	sdkLogQuiet = 24 * time.Hour
)

// pruneSDKLogs deletes the SDK logs in dir beyond the newest keepSDKLogs
// that nothing wrote to for sdkLogQuiet: the per-process sdk.<pid>.log
// files, their rotated backups, and the single sdk.log (and its backups) of
// earlier versions. Best effort: a file it cannot delete stays.
func pruneSDKLogs(dir string, now time.Time) {
	paths, err := filepath.Glob(filepath.Join(dir, "sdk*.log*"))
	if err != nil || len(paths) <= keepSDKLogs {
		return
	}
	type logFile struct {
		path string
		mod  time.Time
	}
	files := make([]logFile, 0, len(paths))
	for _, p := range paths {
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			files = append(files, logFile{p, fi.ModTime()})
		}
	}
	slices.SortFunc(files, func(a, b logFile) int { return b.mod.Compare(a.mod) })
	for i, f := range files {
		if i >= keepSDKLogs && now.Sub(f.mod) > sdkLogQuiet {
			os.Remove(f.path)
		}
	}
}
