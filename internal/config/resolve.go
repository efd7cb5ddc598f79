package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Settings are the effective settings after precedence is applied.
type Settings struct {
	Profile       string // the profile in use; "" for none
	Endpoint      string
	Project       string
	Logstore      string
	Query         string
	Group         string // "" means an ephemeral consumer group
	Consumer      string // the consumer name in a named group; "" means the default, user@host
	From          string // unchecked; see Invalid
	Theme         string
	AliyunProfile string
	BufferLines   int
	MergeHold     time.Duration       // how long the merged tail waits for a slow shard; 0: not at all
	Keys          map[string][]string // action → keys, top level merged with the profile's
	Highlight     []HighlightRule     // the file's [[highlight]] rules, before the built-in ones

	// Sources says where each value came from, by setting name ("project",
	// "theme", "profile", …) and by "keys.ACTION" for each key override.
	Sources map[string]Source

	file *File // to locate file values in Invalid
}

// Origin is the kind of place a value came from, weakest first.
type Origin int

const (
	OriginDefault Origin = iota // built in
	OriginFile                  // top level of the config file
	OriginProfile               // [profiles.NAME] in the config file
	OriginEnv                   // environment variable
	OriginFlag                  // command-line flag
)

// Source is where one setting's value came from.
type Source struct {
	Origin Origin
	Name   string   // flag "--project", variable "SLSTAIL_PROJECT", or profile "prod"
	key    toml.Key // the key in the file, for OriginFile and OriginProfile
}

// String describes the source for messages such as "project from flag
// --project": "flag --project", "env SLSTAIL_PROJECT", "profile prod",
// "config file" or "default".
func (s Source) String() string {
	switch s.Origin {
	case OriginFlag:
		return "flag " + s.Name
	case OriginEnv:
		return "env " + s.Name
	case OriginProfile:
		return "profile " + s.Name
	case OriginFile:
		return "config file"
	}
	return "default"
}

// Key is the setting's key in the config file ("profiles.prod.from"), or ""
// when the value did not come from the file.
func (s Source) Key() string {
	if len(s.key) == 0 {
		return ""
	}
	return s.key.String()
}

// setting ties a file key to its flag and environment variables.
type setting struct {
	key  string   // key in the file and in Settings.Sources
	flag string   // flag name, without dashes
	env  []string // variables, first non-empty wins
}

// EnvProfile names the environment variable that chooses a profile, as
// --profile does.
const EnvProfile = "SLSTAIL_PROFILE"

var stringSettings = []setting{
	{"endpoint", "endpoint", []string{"SLSTAIL_ENDPOINT"}},
	{"project", "project", []string{"SLSTAIL_PROJECT"}},
	{"logstore", "logstore", []string{"SLSTAIL_LOGSTORE"}},
	{"query", "query", []string{"SLSTAIL_QUERY"}},
	{"group", "group", []string{"SLSTAIL_GROUP"}},
	{"consumer", "consumer", []string{"SLSTAIL_CONSUMER"}},
	{"from", "from", []string{"SLSTAIL_FROM"}},
	{"theme", "theme", []string{"SLSTAIL_THEME"}},
	// ALIBABA_CLOUD_PROFILE is the aliyun CLI's own variable; honouring it
	// here keeps env > file, which would otherwise invert because the file's
	// value is passed on explicitly.
	{"aliyun_profile", "aliyun-profile", []string{"SLSTAIL_ALIYUN_PROFILE", "ALIBABA_CLOUD_PROFILE"}},
	{"buffer_lines", "buffer-lines", []string{"SLSTAIL_BUFFER_LINES"}},
	{"merge_hold", "merge-hold", []string{"SLSTAIL_MERGE_HOLD"}},
}

// Resolve applies precedence, per setting: flag > environment > the chosen
// profile > the top level of the file > built-in default.
//
// flags holds only the flags the user set, by flag name without dashes (as
// pflag's FlagSet.Visit yields them); an entry means "set", even to "", so
// --group "" asks for an ephemeral group over a profile's. Names Resolve
// does not know are ignored, so all visited flags can be passed. Environment
// variables count only when not empty. getenv is os.Getenv in production.
//
// The profile is --profile, else SLSTAIL_PROFILE, else the file's
// default_profile; none is fine, but naming one the file lacks is an error
// that lists those it has. Theme and buffer_lines are checked whatever their
// source; the other values are the caller's to check (see Invalid).
//
// Every mistake is reported, not just the first: the error joins them (see
// JoinErrors), and the Settings returned hold what could be resolved, so
// that the caller can check those values too and report everything at once.
// A value the file had wrong (Load reported it) is left at its default and
// not reported again.
func Resolve(f *File, flags map[string]string, getenv func(string) string) (Settings, error) {
	if f == nil {
		f = &File{}
	}
	s := Settings{Sources: map[string]Source{}, file: f}
	var errs []error
	var prof *Profile
	if err := s.chooseProfile(f, flags, getenv); err != nil {
		errs = append(errs, err)
	} else if p, ok := f.Profiles[s.Profile]; ok {
		prof = &p
	}
	for _, st := range stringSettings {
		v, src := lookup(f, s.Profile, prof, st, flags, getenv)
		if f.bad[src.key.String()] && len(src.key) > 0 {
			v, src = defaultValue(st.key), Source{}
		}
		s.Sources[st.key] = src
		if err := s.set(st.key, v); err != nil {
			errs = append(errs, err)
		}
	}
	s.Highlight = slices.Clone(f.Highlight)
	s.Keys = map[string][]string{}
	for _, level := range []struct {
		p   *Profile
		src Source
	}{
		{&f.Global, Source{Origin: OriginFile, key: toml.Key{"keys"}}},
		{prof, Source{Origin: OriginProfile, Name: s.Profile, key: toml.Key{"profiles", s.Profile, "keys"}}},
	} {
		if level.p == nil {
			continue
		}
		for action, keys := range level.p.Keys {
			src := level.src
			src.key = append(slices.Clone(src.key), action)
			if f.bad[src.key.String()] {
				continue // Load reported it; a half-read list would only add noise
			}
			s.Keys[action] = slices.Clone(keys)
			s.Sources["keys."+action] = src
		}
	}
	return s, JoinErrors(errs...)
}

func (s *Settings) chooseProfile(f *File, flags map[string]string, getenv func(string) string) error {
	var src Source
	if name, ok := flags["profile"]; ok {
		s.Profile, src = name, Source{Origin: OriginFlag, Name: "--profile"}
	} else if name := getenv(EnvProfile); name != "" {
		s.Profile, src = name, Source{Origin: OriginEnv, Name: EnvProfile}
	} else if f.DefaultProfile != "" && !f.bad["default_profile"] {
		s.Profile, src = f.DefaultProfile, Source{Origin: OriginFile, key: toml.Key{"default_profile"}}
	}
	s.Sources["profile"] = src
	if s.Profile == "" {
		return nil
	}
	if _, ok := f.Profiles[s.Profile]; ok {
		return nil
	}
	var why string
	switch {
	case !f.Exists && f.Path != "":
		why = fmt.Sprintf("no such profile: there is no config file at %s", f.Path)
	case !f.Exists:
		why = "no such profile: no config file was loaded"
	default:
		why = fmt.Sprintf("no such profile in %s%s; %s", f.Path, didYouMean(s.Profile, f.profileNames()), f.knownProfiles())
	}
	return s.errorAt("profile", fmt.Sprintf("%q: %s", s.Profile, why))
}

// lookup finds one setting's value and where it came from.
func lookup(f *File, profile string, prof *Profile, st setting, flags map[string]string, getenv func(string) string) (string, Source) {
	if v, ok := flags[st.flag]; ok {
		return v, Source{Origin: OriginFlag, Name: "--" + st.flag}
	}
	for _, name := range st.env {
		if v := getenv(name); v != "" {
			return v, Source{Origin: OriginEnv, Name: name}
		}
	}
	if prof != nil && f.md.IsDefined("profiles", profile, st.key) {
		return fileValue(*prof, st.key), Source{Origin: OriginProfile, Name: profile, key: toml.Key{"profiles", profile, st.key}}
	}
	if f.md.IsDefined(st.key) {
		return fileValue(f.Global, st.key), Source{Origin: OriginFile, key: toml.Key{st.key}}
	}
	return defaultValue(st.key), Source{}
}

func defaultValue(key string) string {
	switch key {
	case "from":
		return DefaultFrom
	case "theme":
		return DefaultTheme
	case "buffer_lines":
		return strconv.Itoa(DefaultBufferLines)
	case "merge_hold":
		return DefaultMergeHold.String()
	}
	return ""
}

func fileValue(p Profile, key string) string {
	switch key {
	case "endpoint":
		return p.Endpoint
	case "project":
		return p.Project
	case "logstore":
		return p.Logstore
	case "query":
		return p.Query
	case "group":
		return p.Group
	case "consumer":
		return p.Consumer
	case "from":
		return p.From
	case "theme":
		return p.Theme
	case "aliyun_profile":
		return p.AliyunProfile
	case "buffer_lines":
		return strconv.Itoa(p.BufferLines)
	case "merge_hold":
		return p.MergeHold
	}
	panic("config: no setting " + key)
}

// set stores a value, checking those this package owns. Values from the file
// were checked by Load.
func (s *Settings) set(key, v string) error {
	switch key {
	case "endpoint":
		s.Endpoint = v
	case "project":
		s.Project = v
	case "logstore":
		s.Logstore = v
	case "query":
		s.Query = v
	case "group":
		s.Group = v
	case "consumer":
		s.Consumer = v
	case "from":
		s.From = v
	case "aliyun_profile":
		s.AliyunProfile = v
	case "theme":
		if err := checkTheme(v); err != nil {
			return s.Invalid(key, err)
		}
		s.Theme = v
	case "buffer_lines":
		n, err := strconv.ParseInt(strings.TrimSpace(strings.ReplaceAll(v, "_", "")), 10, 64)
		if err != nil {
			return s.Invalid(key, fmt.Errorf("%q is not a whole number of lines", v))
		}
		if err := checkBufferLines(n); err != nil {
			return s.Invalid(key, err)
		}
		s.BufferLines = int(n)
	case "merge_hold":
		d, err := ParseMergeHold(v)
		if err != nil {
			return s.Invalid(key, err)
		}
		s.MergeHold = d
	default:
		panic("config: no setting " + key)
	}
	return nil
}

// Invalid reports that the value of setting (a Sources name: "from",
// "keys.pause", …) is bad, located where the user wrote it:
//
//	config /home/u/.config/slstail/config.toml:12: profiles.prod.from: <err>
//	flag --from: <err>
//	env SLSTAIL_FROM: <err>
//
// It is the hook for the checks this package leaves to others: start
// positions for the CLI, key names for the keymap. The result is an *Error
// that wraps err.
func (s Settings) Invalid(setting string, err error) error {
	e := s.errorAt(setting, "")
	e.Err = err
	return e
}

// errorAt builds an *Error about setting, placed at its source.
func (s Settings) errorAt(setting, msg string) *Error {
	src := s.Sources[setting]
	e := &Error{Msg: msg}
	switch src.Origin {
	case OriginFile, OriginProfile:
		e.Path = s.file.Path
		e.Line = s.file.line(src.key)
		e.Msg = src.key.String()
		if msg != "" {
			e.Msg += ": " + msg
		}
	case OriginFlag, OriginEnv:
		e.Source = src.String()
	default:
		e.Source = "default " + setting
	}
	return e
}
