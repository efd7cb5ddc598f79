package cli

import (
	"fmt"
	"os"
	"path/filepath"
)

// stateDir is where slstail keeps what it writes for itself (the query
// history, the SDK's log): $XDG_STATE_HOME/slstail, else
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
// otherwise: sdk.log in the state directory, or nowhere when there is no home.
func sdkLogFile(getenv func(string) string) string {
	dir, err := stateDir(getenv)
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "sdk.log")
}
