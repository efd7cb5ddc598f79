package cli

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/config"
	"github.com/slstail/slstail/keymap"
	"github.com/slstail/slstail/spl"
)

// resolveSettings merges flags, SLSTAIL_* environment, the config file's
// profile and the defaults (in that order of precedence), and checks every
// value: all the mistakes of the file, the flags and the environment are
// reported together, each where it was written, so that fixing a config
// takes one run, not one run per mistake.
func resolveSettings(cmd *cobra.Command, getenv func(string) string) (config.Settings, error) {
	configPath, _ := cmd.Flags().GetString("config")
	f, ferr := config.Open(configPath, getenv)
	if f == nil {
		return config.Settings{}, usageError(ferr) // unreadable: nothing more to check
	}
	flags := map[string]string{}
	cmd.Flags().Visit(func(fl *pflag.Flag) { flags[fl.Name] = fl.Value.String() })
	set, rerr := config.Resolve(f, flags, getenv)
	// Commands that join a named group are those with --consumer (tail).
	joins := cmd.Flags().Lookup("consumer") != nil
	errs := append([]error{ferr, rerr}, checkSettings(set, joins)...)
	if err := config.JoinErrors(errs...); err != nil {
		return set, usageError(err)
	}
	return set, nil
}

// checkSettings checks the values the config package leaves to its users,
// whatever the command: a config file with a mistake is reported by every
// command, at the line that has it. joins says the command joins the group,
// which an ephemeral group's name must not be (lag may read one).
func checkSettings(set config.Settings, joins bool) []error {
	errs := keyErrors(set)
	if _, err := consumer.ParseStartFrom(orDefault(set.From, config.DefaultFrom)); err != nil {
		errs = append(errs, set.Invalid("from", err))
	}
	if q := strings.TrimSpace(set.Query); q != "" {
		if res := spl.Check(q); res.Err != nil {
			errs = append(errs, set.Invalid("query", queryError(q, res.Err)))
		}
	}
	check := consumer.CheckGroupName
	if joins {
		check = consumer.CheckNamedGroup
	}
	if set.Group != "" {
		if err := check(set.Group); err != nil {
			errs = append(errs, set.Invalid("group", err))
		}
	}
	if set.Consumer != "" {
		if err := consumer.CheckConsumerName(set.Consumer); err != nil {
			errs = append(errs, set.Invalid("consumer", err))
		}
	}
	return errs
}

// keyErrors finds every bad key override: each action on its own against
// the default map (unknown action, empty key, a key another action has),
// then the good ones together, until no two of them collide.
func keyErrors(set config.Settings) []error {
	var errs []error
	fail := func(err error) {
		var ke *keymap.Error
		if errors.As(err, &ke) {
			err = set.Invalid("keys."+ke.Action, err)
		}
		errs = append(errs, err)
	}
	good := map[string][]string{}
	for _, action := range slices.Sorted(maps.Keys(set.Keys)) {
		one := map[string][]string{action: set.Keys[action]}
		if _, err := keymap.Override(keymap.Default(), one); err != nil {
			fail(err)
			continue
		}
		good[action] = set.Keys[action]
	}
	for len(good) > 0 {
		_, err := keymap.Override(keymap.Default(), good)
		if err == nil {
			break
		}
		fail(err)
		var ke *keymap.Error
		if !errors.As(err, &ke) || good[ke.Action] == nil {
			break
		}
		delete(good, ke.Action)
	}
	return errs
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
	if err != nil { // checked by resolveSettings already
		return consumer.Config{}, usageError(set.Invalid("from", err))
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
		Consumer: set.Consumer,
		Provider: provider,
		Query:    set.Query,
		From:     from,
		LogFile:  logFile,
		// Every tail tidies up after crashed runs (lag never starts a
		// session): nobody else would, and SLS allows only 30 groups
		// per logstore.
		PruneOnStart: true,
	}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
