package config

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/slstail/slstail/themes"
)

// Themes returns the theme names the file, --theme and SLSTAIL_THEME accept;
// "auto" picks dark or light from the terminal's background.
func Themes() []string { return themes.Names() }

// Built-in defaults, for settings no flag, variable or file sets.
const (
	DefaultFrom        = "end"
	DefaultTheme       = "auto"
	DefaultBufferLines = 100_000
	DefaultMergeHold   = time.Second
)

// maxMergeHold bounds merge_hold: the merged tail runs this far behind a
// silent shard, and a minute behind is no longer a live tail.
const maxMergeHold = time.Minute

// maxBufferLines bounds buffer_lines: at a few hundred bytes a log, more would
// take gigabytes, which is more likely a typo than a wish.
const maxBufferLines = 10_000_000

// File is a parsed, validated config file.
type File struct {
	Path           string
	Exists         bool    // false when the default file is absent (see Open)
	DefaultProfile string  // profile used when neither --profile nor SLSTAIL_PROFILE names one
	Global         Profile // settings at the top level: they apply under every profile
	Profiles       map[string]Profile
	Highlight      []HighlightRule // [[highlight]] rules, in order (highlight.go)

	// md and src locate keys for error messages and tell a setting that is
	// absent from one written as "" (group = "" asks for an ephemeral group
	// even when the top level names one).
	md  toml.MetaData
	src string
	// bad holds the keys (toml.Key.String()) whose values Load rejected and
	// left out, so that Resolve neither uses them nor reports them again.
	bad map[string]bool
}

// Profile is a set of settings as written in the file, at the top level or
// under [profiles.NAME].
type Profile struct {
	Endpoint      string
	Project       string
	Logstore      string
	Query         string
	Group         string // consumer group; "" means an ephemeral one
	Consumer      string // this slstail's name in a named group; "" means user@host
	From          string // start position, checked by the CLI (see Settings.Invalid)
	Theme         string
	AliyunProfile string // profile in ~/.aliyun/config.json to take credentials from
	BufferLines   int
	MergeHold     string              // how long the merged tail waits for a slow shard ("1s")
	Keys          map[string][]string // action → keys; checked by the keymap package
}

// settingKeys are the keys a Profile (or the top level) may hold.
var settingKeys = []string{
	"endpoint", "project", "logstore", "query", "group", "consumer", "from",
	"theme", "aliyun_profile", "buffer_lines", "merge_hold", "keys",
}

// topKeys are the keys only the top level may hold.
var topKeys = []string{"default_profile", "profiles", "highlight"}

// Load reads and validates the config file at path. All the problems found
// are reported at once, each with the file, line and key, in an error that
// unwraps to one or more *Error. A missing file gives an error that wraps
// fs.ErrNotExist.
//
// A file that is valid TOML but has mistakes (unknown keys, bad values) is
// returned along with the error, its mistaken values left out: resolving
// what is left finds the mistakes of flags and the environment too, so that
// the user sees them all in one run (see JoinErrors). A syntax error
// returns no File.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // *fs.PathError already names the file
	}
	return parse(path, string(data))
}

func parse(path, src string) (*File, error) {
	var doc map[string]any
	md, err := toml.Decode(src, &doc)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{Path: path, Line: pe.Position.Line, Msg: tomlMessage(pe)}
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	f := &File{Path: path, Exists: true, Profiles: map[string]Profile{}, md: md, src: src, bad: map[string]bool{}}
	l := loader{f: f}
	l.top(doc)
	return f, joinErrors(l.errs)
}

// tomlMessage phrases a syntax error with the key it concerns, if known.
func tomlMessage(pe toml.ParseError) string {
	if pe.LastKey != "" && !strings.Contains(pe.Message, pe.LastKey) {
		return fmt.Sprintf("%s (after key %q)", pe.Message, pe.LastKey)
	}
	return pe.Message
}

// loader checks a decoded document against the schema and fills a File,
// collecting every error rather than stopping at the first.
type loader struct {
	f    *File
	errs []*Error
}

// errorf reports a mistake at key, whose value is then left out.
func (l *loader) errorf(key toml.Key, format string, args ...any) {
	l.f.bad[key.String()] = true
	l.errs = append(l.errs, &Error{Path: l.f.Path, Line: l.f.line(key), Msg: fmt.Sprintf(format, args...)})
}

func (l *loader) top(doc map[string]any) {
	for k, v := range doc {
		key := toml.Key{k}
		switch k {
		case "default_profile":
			if s, ok := l.str(key, v); ok {
				l.f.DefaultProfile = s
			}
		case "profiles":
			l.profiles(key, v)
		case "highlight":
			l.highlight(key, v)
		default:
			if !l.setting(key, v, &l.f.Global) {
				l.unknown(key, append(slices.Clone(topKeys), settingKeys...))
			}
		}
	}
	if name := l.f.DefaultProfile; name != "" {
		if _, ok := l.f.Profiles[name]; !ok && !l.f.md.IsDefined("profiles", name) {
			l.errorf(toml.Key{"default_profile"}, "default_profile %q is not a profile in this file%s; %s",
				name, didYouMean(name, l.f.profileNames()), l.f.knownProfiles())
		}
	}
}

func (l *loader) profiles(key toml.Key, v any) {
	tables, ok := v.(map[string]any)
	if !ok {
		l.errorf(key, "%s must be a table of profiles, like [profiles.prod]; got %s", key, describe(v))
		return
	}
	for name, pv := range tables {
		pkey := append(slices.Clone(key), name)
		fields, ok := pv.(map[string]any)
		if !ok {
			l.errorf(pkey, "%s must be a table, like [%s]; got %s", pkey, pkey, describe(pv))
			continue
		}
		var p Profile
		for k, v := range fields {
			fkey := append(slices.Clone(pkey), k)
			if !l.setting(fkey, v, &p) {
				l.unknown(fkey, settingKeys)
			}
		}
		l.f.Profiles[name] = p
	}
}

// setting decodes one setting into p, reporting whether key names one.
func (l *loader) setting(key toml.Key, v any, p *Profile) bool {
	var dst *string
	switch key[len(key)-1] {
	case "endpoint":
		dst = &p.Endpoint
	case "project":
		dst = &p.Project
	case "logstore":
		dst = &p.Logstore
	case "query":
		dst = &p.Query
	case "group":
		dst = &p.Group
	case "consumer":
		dst = &p.Consumer
	case "from":
		dst = &p.From
	case "aliyun_profile":
		dst = &p.AliyunProfile
	case "theme":
		if s, ok := l.str(key, v); ok {
			if err := checkTheme(s); err != nil {
				l.errorf(key, "%s: %v", key, err)
				return true
			}
			p.Theme = s
		}
		return true
	case "buffer_lines":
		n, ok := v.(int64)
		if !ok {
			l.errorf(key, "%s must be an integer; got %s", key, describe(v))
			return true
		}
		if err := checkBufferLines(n); err != nil {
			l.errorf(key, "%s: %v", key, err)
			return true
		}
		p.BufferLines = int(n)
		return true
	case "merge_hold":
		if s, ok := l.str(key, v); ok {
			if _, err := ParseMergeHold(s); err != nil {
				l.errorf(key, "%s: %v", key, err)
				return true
			}
			p.MergeHold = s
		}
		return true
	case "keys":
		p.Keys = l.keys(key, v)
		return true
	default:
		return false
	}
	if s, ok := l.str(key, v); ok {
		*dst = s
	}
	return true
}

// keys decodes a [keys] table: action = ["key", …], or action = "key" for a
// single key.
func (l *loader) keys(key toml.Key, v any) map[string][]string {
	table, ok := v.(map[string]any)
	if !ok {
		l.errorf(key, `%s must be a table of action = ["key", …]; got %s`, key, describe(v))
		return nil
	}
	out := make(map[string][]string, len(table))
	for action, kv := range table {
		akey := append(slices.Clone(key), action)
		if isSecretName(action) {
			l.secret(akey)
			continue
		}
		switch kv := kv.(type) {
		case string:
			out[action] = []string{kv}
		case []any:
			ks := make([]string, 0, len(kv))
			for i, e := range kv {
				s, ok := e.(string)
				if !ok {
					l.errorf(akey, "%s[%d] must be a string naming a key, like \"ctrl+c\"; got %s", akey, i, describe(e))
					continue
				}
				ks = append(ks, s)
			}
			out[action] = ks
		default:
			l.errorf(akey, `%s must be a list of keys, like ["space", "p"]; got %s`, akey, describe(kv))
		}
	}
	return out
}

func (l *loader) str(key toml.Key, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		l.errorf(key, "%s must be a string; got %s", key, describe(v))
	}
	return s, ok
}

// unknown reports a key the schema does not have, with the likeliest
// intended one.
func (l *loader) unknown(key toml.Key, known []string) {
	name := key[len(key)-1]
	if isSecretName(name) {
		l.secret(key)
		return
	}
	l.errorf(key, "unknown key %q%s", key.String(), didYouMean(name, known))
}

// secret refuses a credential in the file without echoing its value.
func (l *loader) secret(key toml.Key) {
	l.errorf(key, "%q: credentials are not read from the config file, so that it can be shared and "+
		"committed; remove the key and set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, "+
		"or run `aliyun configure --profile NAME` and set aliyun_profile = \"NAME\" here", key.String())
}

// isSecretName recognises the ways people spell credential keys:
// access_key_secret, AccessKeySecret, access-key-id, sts_token, …
func isSecretName(k string) bool {
	n := strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(strings.ToLower(k))
	switch n {
	case "accesskeysecret", "accesskeyid", "accesskey", "akid", "aksecret", "secretkey", "secretaccesskey",
		"secret", "securitytoken", "ststoken", "token", "password", "passwd":
		return true
	}
	return false
}

func checkTheme(s string) error {
	names := themes.Names()
	if slices.Contains(names, s) {
		return nil
	}
	return fmt.Errorf("unknown theme %q%s; themes: %s", s, didYouMean(s, names), strings.Join(names, ", "))
}

// ParseMergeHold reads a merge hold: a duration from 0 ("0" or "0s": show
// lines as they come, ordered within each delivery) to a minute.
func ParseMergeHold(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (say 1s or 500ms)", s)
	}
	if d < 0 || d > maxMergeHold {
		return 0, fmt.Errorf("%s is out of range: want 0 to %s", d, maxMergeHold)
	}
	return d, nil
}

func checkBufferLines(n int64) error {
	if n < 1 || n > maxBufferLines {
		return fmt.Errorf("%d is out of range: want 1 to %d lines", n, maxBufferLines)
	}
	return nil
}

// describe names a decoded TOML value's type for an error message, with the
// value itself when it is short and harmless to show.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		if len(v) > 40 {
			return "a string"
		}
		return "string " + strconv.Quote(v)
	case int64:
		return "integer " + strconv.FormatInt(v, 10)
	case float64:
		return "float " + strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return "boolean " + strconv.FormatBool(v)
	case time.Time:
		return "a datetime"
	case []any:
		return "an array"
	case []map[string]any:
		return "an array of tables"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}

// profileNames lists the profiles in the file, sorted.
func (f *File) profileNames() []string {
	names := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// knownProfiles phrases the profile list for "no such profile" errors.
func (f *File) knownProfiles() string {
	names := f.profileNames()
	if len(names) == 0 {
		return "the file defines no profiles (add a [profiles.NAME] table)"
	}
	return "profiles: " + strings.Join(names, ", ")
}
