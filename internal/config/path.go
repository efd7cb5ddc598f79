package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
)

// EnvConfig names the environment variable that overrides the config path,
// as --config does.
const EnvConfig = "SLSTAIL_CONFIG"

// DefaultPath returns where the config file lives when neither --config nor
// SLSTAIL_CONFIG says otherwise: $XDG_CONFIG_HOME/slstail/config.toml, else
// os.UserConfigDir's choice (~/.config on Linux and BSD, ~/Library/Application
// Support on macOS, %AppData% on Windows). XDG_CONFIG_HOME is honoured on
// every system, so that dotfile setups carry over to macOS. getenv is
// os.Getenv in production.
func DefaultPath(getenv func(string) string) (string, error) {
	dir, err := userConfigDir(runtime.GOOS, getenv)
	if err != nil {
		return "", fmt.Errorf("config file location: %w", err)
	}
	return filepath.Join(dir, "slstail", "config.toml"), nil
}

// userConfigDir is os.UserConfigDir reading the environment through getenv,
// with XDG_CONFIG_HOME first on every system.
func userConfigDir(goos string, getenv func(string) string) (string, error) {
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" {
		if !filepath.IsAbs(dir) {
			// The XDG spec says to ignore relative paths; os.UserConfigDir
			// rejects them. Silently falling back would read a different
			// file from the one the user meant.
			return "", fmt.Errorf("XDG_CONFIG_HOME=%q is not an absolute path", dir)
		}
		return dir, nil
	}
	switch goos {
	case "windows":
		if dir := getenv("AppData"); dir != "" {
			return dir, nil
		}
		return "", errors.New("neither XDG_CONFIG_HOME nor %AppData% is set")
	case "plan9":
		if home := getenv("home"); home != "" {
			return home + "/lib", nil
		}
		return "", errors.New("neither XDG_CONFIG_HOME nor $home is set")
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither XDG_CONFIG_HOME nor HOME is set")
	}
	if goos == "darwin" || goos == "ios" {
		return home + "/Library/Application Support", nil
	}
	return home + "/.config", nil
}

// Open finds and loads the config file: flagPath (the --config flag) if not
// empty, else $SLSTAIL_CONFIG, else DefaultPath. A file the user named that
// does not exist is an error; a missing default file is not, and yields an
// empty File (with Path set, and Exists false) so that everything falls back
// to flags, the environment and defaults. Like Load, it returns a file with
// mistakes along with its error.
func Open(flagPath string, getenv func(string) string) (*File, error) {
	path, named := flagPath, "--config"
	if path == "" {
		path, named = getenv(EnvConfig), EnvConfig
	}
	if path != "" {
		f, err := Load(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("config file %s (named by %s): %w", path, named, fs.ErrNotExist)
		}
		return f, err
	}
	path, err := DefaultPath(getenv)
	if err != nil {
		return nil, err
	}
	f, err := Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{Path: path}, nil
	}
	return f, err
}
