// Package config reads slstail's configuration file and merges it with
// flags and the environment.
//
// The file is TOML at $XDG_CONFIG_HOME/slstail/config.toml (see DefaultPath)
// and holds named profiles of connection settings, a theme and key overrides.
// It never holds credentials: those come from the environment or the aliyun
// CLI's ~/.aliyun/config.json, named by aliyun_profile.
//
// Precedence, per setting: flag > environment > profile > top level of the
// file > built-in default. Resolve applies it and records in
// Settings.Sources where every value came from, so that a bad value can be
// reported where the user wrote it (Settings.Invalid).
package config
