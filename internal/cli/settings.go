package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/config"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/spl"
)

// resolveSettings merges flags, SLSTAIL_* environment, the config file's
// profile and the defaults (in that order of precedence).
func resolveSettings(cmd *cobra.Command, getenv func(string) string) (config.Settings, error) {
	configPath, _ := cmd.Flags().GetString("config")
	f, err := config.Open(configPath, getenv)
	if err != nil {
		return config.Settings{}, usageError(err)
	}
	flags := map[string]string{}
	cmd.Flags().Visit(func(fl *pflag.Flag) { flags[fl.Name] = fl.Value.String() })
	set, err := config.Resolve(f, flags, getenv)
	if err != nil {
		return set, usageError(err)
	}
	// Key overrides matter only to the TUI, but a config file with an error
	// is reported whatever the command, at the line that has it.
	if _, err := keyMap(set); err != nil {
		return set, err
	}
	return set, nil
}

// keyMap is the default key map with the settings' overrides applied; an
// error names the config file, line and key of the override at fault.
func keyMap(set config.Settings) (keymap.KeyMap, error) {
	km, err := keymap.Override(keymap.Default(), set.Keys)
	var ke *keymap.Error
	if errors.As(err, &ke) {
		return km, usageError(set.Invalid("keys."+ke.Action, err))
	}
	return km, err
}

// sessionConfig turns settings and credentials into a consumer configuration,
// checking everything that can be checked before any network traffic.
func sessionConfig(set config.Settings, c *connFlags, logFile string, getenv func(string) string) (consumer.Config, error) {
	var missing []string
	for _, m := range []struct{ name, val string }{
		{"--endpoint", set.Endpoint}, {"--project", set.Project}, {"--logstore", set.Logstore},
	} {
		if m.val == "" {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		return consumer.Config{}, usageError(fmt.Errorf("missing %s (flags, SLSTAIL_* environment, or a config profile; try `slstail demo` for a local stream)",
			strings.Join(missing, ", ")))
	}
	from, err := consumer.ParseStartFrom(orDefault(set.From, config.DefaultFrom))
	if err != nil {
		return consumer.Config{}, usageError(set.Invalid("from", err))
	}
	if q := strings.TrimSpace(set.Query); q != "" {
		if res := spl.Check(q); res.Err != nil {
			return consumer.Config{}, usageError(fmt.Errorf("%s: %w", set.Sources["query"], queryError(q, res.Err)))
		}
	}
	// A profile named in the config file must not beat keys the user exported
	// in this shell: pass it on only when it came from a flag or the environment.
	aliyunProfile := ""
	if src, ok := set.Sources["aliyun_profile"]; ok && (src.Origin == config.OriginFlag || src.Origin == config.OriginEnv) {
		aliyunProfile = set.AliyunProfile
	} else if getenv("ALIBABA_CLOUD_ACCESS_KEY_ID") == "" && c.keyID == "" {
		aliyunProfile = set.AliyunProfile
	}
	home, _ := os.UserHomeDir()
	flagCreds := consumer.Credentials{AccessKeyID: c.keyID, AccessKeySecret: c.keySecret, SecurityToken: c.token}
	provider, _, err := consumer.ResolveProvider(flagCreds, aliyunProfile, getenv, home)
	if err != nil {
		return consumer.Config{}, usageError(fmt.Errorf("credentials: %w", err))
	}
	if logFile == "" {
		logFile = sdkLogFile(getenv)
	}
	return consumer.Config{
		Endpoint: set.Endpoint,
		Project:  set.Project,
		Logstore: set.Logstore,
		Group:    set.Group,
		Provider: provider,
		Query:    set.Query,
		From:     from,
		LogFile:  logFile,
	}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
