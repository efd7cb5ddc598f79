package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// env is a getenv over a fixed map, so tests never read or change the
// process environment.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestUserConfigDir(t *testing.T) {
	tests := []struct {
		goos    string
		env     func(string) string
		want    string
		wantErr string
	}{
		{"linux", env("XDG_CONFIG_HOME", "/x/cfg", "HOME", "/home/u"), "/x/cfg", ""},
		{"linux", env("HOME", "/home/u"), "/home/u/.config", ""},
		{"freebsd", env("HOME", "/home/u"), "/home/u/.config", ""},
		{"darwin", env("HOME", "/Users/u"), "/Users/u/Library/Application Support", ""},
		{"darwin", env("XDG_CONFIG_HOME", "/Users/u/.config", "HOME", "/Users/u"), "/Users/u/.config", ""},
		{"windows", env("AppData", `C:\Users\u\AppData\Roaming`), `C:\Users\u\AppData\Roaming`, ""},
		{"windows", env(), "", "AppData"},
		{"linux", env("XDG_CONFIG_HOME", "rel/cfg", "HOME", "/home/u"), "", "not an absolute path"},
		{"linux", env(), "", "HOME is set"},
	}
	for _, tt := range tests {
		got, err := userConfigDir(tt.goos, tt.env)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error = %v, want one containing %q", tt.goos, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: userConfigDir = %q, %v; want %q", tt.goos, got, err, tt.want)
		}
	}
}

func TestDefaultPath(t *testing.T) {
	got, err := DefaultPath(env("XDG_CONFIG_HOME", "/x/cfg"))
	if want := filepath.Join("/x/cfg", "slstail", "config.toml"); err != nil || got != want {
		t.Errorf("DefaultPath = %q, %v; want %q", got, err, want)
	}
	if _, err := DefaultPath(env("XDG_CONFIG_HOME", "cfg")); err == nil {
		t.Error("DefaultPath with a relative XDG_CONFIG_HOME: no error")
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	named := filepath.Join(dir, "named.toml")
	if err := os.WriteFile(named, []byte("theme = \"light\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	xdg := filepath.Join(dir, "xdg")
	missing := filepath.Join(dir, "missing.toml")

	t.Run("missing default file is empty", func(t *testing.T) {
		f, err := Open("", env("XDG_CONFIG_HOME", xdg))
		if err != nil {
			t.Fatal(err)
		}
		if f.Exists || f.Path != filepath.Join(xdg, "slstail", "config.toml") || len(f.Profiles) != 0 {
			t.Errorf("Open = %+v, want an empty File at the default path", f)
		}
		s, err := Resolve(f, nil, env())
		if err != nil || s.Theme != DefaultTheme || s.From != DefaultFrom || s.BufferLines != DefaultBufferLines {
			t.Errorf("Resolve over no file = %+v, %v; want defaults", s, err)
		}
	})
	t.Run("default file is read", func(t *testing.T) {
		p := filepath.Join(xdg, "slstail", "config.toml")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("theme = \"dark\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(p)
		f, err := Open("", env("XDG_CONFIG_HOME", xdg))
		if err != nil || !f.Exists || f.Global.Theme != "dark" {
			t.Errorf("Open = %+v, %v; want the default file's theme", f, err)
		}
	})
	t.Run("flag beats env", func(t *testing.T) {
		f, err := Open(named, env(EnvConfig, missing, "XDG_CONFIG_HOME", xdg))
		if err != nil || f.Path != named || f.Global.Theme != "light" {
			t.Errorf("Open = %+v, %v; want %s", f, err, named)
		}
	})
	t.Run("env names the file", func(t *testing.T) {
		f, err := Open("", env(EnvConfig, named, "XDG_CONFIG_HOME", xdg))
		if err != nil || f.Path != named {
			t.Errorf("Open = %+v, %v; want %s", f, err, named)
		}
	})
	for _, tt := range []struct {
		name, flag string
		env        func(string) string
		by         string
	}{
		{"missing --config is an error", missing, env("XDG_CONFIG_HOME", xdg), "--config"},
		{"missing SLSTAIL_CONFIG is an error", "", env(EnvConfig, missing, "XDG_CONFIG_HOME", xdg), EnvConfig},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.flag, tt.env)
			if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), tt.by) {
				t.Errorf("Open = %v; want a not-exist error naming %s and %s", err, missing, tt.by)
			}
		})
	}
	t.Run("bad file is an error", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.toml")
		if err := os.WriteFile(bad, []byte("theme = \n"), 0o600); err != nil {
			t.Fatal(err)
		}
		var ce *Error
		if _, err := Open(bad, env()); !errors.As(err, &ce) || ce.Path != bad || ce.Line != 1 {
			t.Errorf("Open = %v; want an *Error at %s:1", err, bad)
		}
	})
}
