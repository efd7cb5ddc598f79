package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// levelValues are the values each level gives one setting in the precedence
// table; a setting's default is what Resolve gives with none of them.
type levelValues struct {
	def, top, profile, env, flag string
	tomlQuote                    bool // string-typed in the file
}

func valuesFor(st setting) levelValues {
	switch st.key {
	case "theme":
		return levelValues{DefaultTheme, "dark", "light", "high-contrast", "auto", true}
	case "buffer_lines":
		return levelValues{fmt.Sprint(DefaultBufferLines), "1", "2", "3", "4", false}
	case "from":
		return levelValues{DefaultFrom, "top", "profile", "env", "flag", true}
	case "merge_hold":
		return levelValues{DefaultMergeHold.String(), "2s", "3s", "4s", "5s", true}
	}
	return levelValues{"", "top", "profile", "env", "flag", true}
}

// get reads a resolved setting back as a string, by its file key.
func get(s Settings, key string) string {
	switch key {
	case "endpoint":
		return s.Endpoint
	case "project":
		return s.Project
	case "logstore":
		return s.Logstore
	case "query":
		return s.Query
	case "group":
		return s.Group
	case "consumer":
		return s.Consumer
	case "from":
		return s.From
	case "theme":
		return s.Theme
	case "aliyun_profile":
		return s.AliyunProfile
	case "buffer_lines":
		return fmt.Sprint(s.BufferLines)
	case "merge_hold":
		return s.MergeHold.String()
	}
	panic(key)
}

// TestPrecedence checks flag > env > profile > top level > default for every
// setting and every combination of levels that set it.
func TestPrecedence(t *testing.T) {
	for _, st := range stringSettings {
		v := valuesFor(st)
		lit := func(s string) string {
			if v.tomlQuote {
				return fmt.Sprintf("%q", s)
			}
			return s
		}
		for mask := range 16 {
			top, prof, inEnv, inFlag := mask&1 != 0, mask&2 != 0, mask&4 != 0, mask&8 != 0
			name := fmt.Sprintf("%s/top=%v,profile=%v,env=%v,flag=%v", st.key, top, prof, inEnv, inFlag)
			t.Run(name, func(t *testing.T) {
				src := "default_profile = \"p\"\n"
				if top {
					src += st.key + " = " + lit(v.top) + "\n"
				}
				src += "[profiles.p]\n"
				if prof {
					src += st.key + " = " + lit(v.profile) + "\n"
				}
				f, err := parse(cfgPath, src)
				if err != nil {
					t.Fatal(err)
				}
				flags := map[string]string{"output": "jsonl"} // a flag Resolve does not own
				if inFlag {
					flags[st.flag] = v.flag
				}
				getenv := env()
				if inEnv {
					getenv = env(st.env[0], v.env)
				}
				s, err := Resolve(f, flags, getenv)
				if err != nil {
					t.Fatal(err)
				}
				want, wantSrc := v.def, Source{}
				switch {
				case inFlag:
					want, wantSrc = v.flag, Source{Origin: OriginFlag, Name: "--" + st.flag}
				case inEnv:
					want, wantSrc = v.env, Source{Origin: OriginEnv, Name: st.env[0]}
				case prof:
					want, wantSrc = v.profile, Source{Origin: OriginProfile, Name: "p"}
				case top:
					want, wantSrc = v.top, Source{Origin: OriginFile}
				}
				if got := get(s, st.key); got != want {
					t.Errorf("%s = %q, want %q", st.key, got, want)
				}
				if got := s.Sources[st.key]; got.Origin != wantSrc.Origin || got.Name != wantSrc.Name {
					t.Errorf("source = %v, want %v", got, wantSrc)
				}
			})
		}
	}
}

func TestSourceString(t *testing.T) {
	f, err := Load("testdata/config.toml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Resolve(f, map[string]string{"project": "web"}, env("SLSTAIL_LOGSTORE", "app"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"profile":        "config file",
		"endpoint":       "profile prod",
		"project":        "flag --project",
		"logstore":       "env SLSTAIL_LOGSTORE",
		"query":          "profile prod",
		"group":          "profile prod",
		"consumer":       "default",
		"from":           "profile prod",
		"theme":          "config file",
		"aliyun_profile": "profile prod",
		"buffer_lines":   "config file",
		"merge_hold":     "default",
		"keys.pause":     "profile prod",
	}
	got := map[string]string{}
	for k, src := range s.Sources {
		got[k] = src.String()
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Sources = %v\nwant %v", got, want)
	}
	if k := s.Sources["from"].Key(); k != "profiles.prod.from" {
		t.Errorf("from's key = %q", k)
	}
	if k := s.Sources["project"].Key(); k != "" {
		t.Errorf("a flag's key = %q, want none", k)
	}
}

func TestResolveGroupEmptyOverrides(t *testing.T) {
	f, err := parse(cfgPath, "group = \"shared\"\n[profiles.p]\ngroup = \"\"\n[profiles.q]\n")
	if err != nil {
		t.Fatal(err)
	}
	// A profile's group = "" (ephemeral) overrides the top level's group.
	s, _ := Resolve(f, map[string]string{"profile": "p"}, env())
	if s.Group != "" || s.Sources["group"].Origin != OriginProfile {
		t.Errorf("profile p: group %q from %v, want the profile's empty group", s.Group, s.Sources["group"])
	}
	s, _ = Resolve(f, map[string]string{"profile": "q"}, env())
	if s.Group != "shared" {
		t.Errorf("profile q: group %q, want the top level's", s.Group)
	}
	// So does --group "", while an empty SLSTAIL_GROUP counts as unset.
	s, _ = Resolve(f, map[string]string{"profile": "q", "group": ""}, env("SLSTAIL_GROUP", "g"))
	if s.Group != "" || s.Sources["group"].Origin != OriginFlag {
		t.Errorf("--group \"\": group %q from %v", s.Group, s.Sources["group"])
	}
	s, _ = Resolve(f, map[string]string{"profile": "q"}, env("SLSTAIL_GROUP", ""))
	if s.Group != "shared" {
		t.Errorf("empty SLSTAIL_GROUP: group %q, want the file's", s.Group)
	}
}

func TestResolveAliyunProfileEnv(t *testing.T) {
	f, err := parse(cfgPath, "aliyun_profile = \"file\"\n")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := Resolve(f, nil, env("ALIBABA_CLOUD_PROFILE", "cli"))
	if s.AliyunProfile != "cli" {
		t.Errorf("ALIBABA_CLOUD_PROFILE: aliyun profile %q, want it to beat the file", s.AliyunProfile)
	}
	s, _ = Resolve(f, nil, env("ALIBABA_CLOUD_PROFILE", "cli", "SLSTAIL_ALIYUN_PROFILE", "ours"))
	if s.AliyunProfile != "ours" {
		t.Errorf("both variables: aliyun profile %q, want SLSTAIL_ALIYUN_PROFILE's", s.AliyunProfile)
	}
}

func TestResolveProfileChoice(t *testing.T) {
	f, err := parse(cfgPath, "default_profile = \"a\"\n[profiles.a]\nproject = \"pa\"\n[profiles.b]\nproject = \"pb\"\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		flags   map[string]string
		env     func(string) string
		profile string
		project string
	}{
		{nil, env(), "a", "pa"},
		{nil, env(EnvProfile, "b"), "b", "pb"},
		{map[string]string{"profile": "a"}, env(EnvProfile, "b"), "a", "pa"},
		{map[string]string{"profile": ""}, env(), "", ""}, // --profile "" opts out of default_profile
	}
	for _, tt := range tests {
		s, err := Resolve(f, tt.flags, tt.env)
		if err != nil || s.Profile != tt.profile || s.Project != tt.project {
			t.Errorf("flags %v: profile %q project %q err %v; want %q %q", tt.flags, s.Profile, s.Project, err, tt.profile, tt.project)
		}
	}
}

func TestResolveUnknownProfile(t *testing.T) {
	f, err := Load("testdata/config.toml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		f     *File
		flags map[string]string
		env   func(string) string
		want  string
	}{
		{f, map[string]string{"profile": "stagin"}, env(),
			`flag --profile: "stagin": no such profile in testdata/config.toml (did you mean "staging"?); profiles: prod, staging`},
		{f, nil, env(EnvProfile, "dev"),
			`env SLSTAIL_PROFILE: "dev": no such profile in testdata/config.toml; profiles: prod, staging`},
		{&File{Path: cfgPath}, map[string]string{"profile": "prod"}, env(),
			`flag --profile: "prod": no such profile: there is no config file at ` + cfgPath},
		{nil, map[string]string{"profile": "prod"}, env(),
			`flag --profile: "prod": no such profile: no config file was loaded`},
	}
	for _, tt := range tests {
		_, err := Resolve(tt.f, tt.flags, tt.env)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Resolve error\n got: %v\nwant: %s", err, tt.want)
		}
	}
}

func TestResolveChecksFlagsAndEnv(t *testing.T) {
	tests := []struct {
		flags map[string]string
		env   func(string) string
		want  string
	}{
		{map[string]string{"theme": "solarized"}, env(), `flag --theme: unknown theme "solarized"; themes: auto, dark, high-contrast, light, mono`},
		{nil, env("SLSTAIL_THEME", "lihgt"), `env SLSTAIL_THEME: unknown theme "lihgt" (did you mean "light"?)`},
		{map[string]string{"buffer-lines": "many"}, env(), `flag --buffer-lines: "many" is not a whole number of lines`},
		{nil, env("SLSTAIL_BUFFER_LINES", "0"), `env SLSTAIL_BUFFER_LINES: 0 is out of range`},
	}
	for _, tt := range tests {
		_, err := Resolve(nil, tt.flags, tt.env)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Resolve error\n got: %v\nwant: %s…", err, tt.want)
		}
	}
	s, err := Resolve(nil, map[string]string{"buffer-lines": "250_000"}, env())
	if err != nil || s.BufferLines != 250000 {
		t.Errorf("--buffer-lines 250_000: %d, %v", s.BufferLines, err)
	}
}

func TestResolveKeysMerge(t *testing.T) {
	f, err := Load("testdata/config.toml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Resolve(f, map[string]string{"profile": "prod"}, env())
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]string{"pause": {"ctrl+s"}}; !reflect.DeepEqual(s.Keys, want) {
		t.Errorf("prod keys = %v, want the profile's override %v", s.Keys, want)
	}
	s, err = Resolve(f, map[string]string{"profile": "staging"}, env())
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]string{"pause": {"space", "p"}}; !reflect.DeepEqual(s.Keys, want) {
		t.Errorf("staging keys = %v, want the top level's %v", s.Keys, want)
	}
	// Settings own their key lists: changing them leaves the File alone.
	s.Keys["pause"][0] = "x"
	if f.Global.Keys["pause"][0] != "space" {
		t.Error("Settings.Keys aliases the File's")
	}
}

func TestInvalid(t *testing.T) {
	f, err := Load("testdata/config.toml")
	if err != nil {
		t.Fatal(err)
	}
	cause := errors.New(`bad start position "soon"`)
	tests := []struct {
		flags   map[string]string
		env     func(string) string
		setting string
		want    string
	}{
		{map[string]string{"profile": "staging"}, env(), "from", `config testdata/config.toml:33: profiles.staging.from: bad start position "soon"`},
		{nil, env(), "keys.pause", `config testdata/config.toml:26: profiles.prod.keys.pause: bad start position "soon"`},
		{map[string]string{"profile": "staging"}, env(), "keys.pause", `config testdata/config.toml:14: keys.pause: bad start position "soon"`},
		{nil, env(), "theme", `config testdata/config.toml:10: theme: bad start position "soon"`},
		{map[string]string{"from": "soon"}, env(), "from", `flag --from: bad start position "soon"`},
		{nil, env("SLSTAIL_FROM", "soon"), "from", `env SLSTAIL_FROM: bad start position "soon"`},
		{map[string]string{"profile": ""}, env(), "from", `default from: bad start position "soon"`},
	}
	for _, tt := range tests {
		s, err := Resolve(f, tt.flags, tt.env)
		if err != nil {
			t.Fatal(err)
		}
		got := s.Invalid(tt.setting, cause)
		if got.Error() != tt.want {
			t.Errorf("Invalid(%q)\n got: %v\nwant: %s", tt.setting, got, tt.want)
		}
		if !errors.Is(got, cause) {
			t.Errorf("Invalid(%q) does not wrap the cause", tt.setting)
		}
	}
}

// TestEveryMistakeAtOnce: a file with mistakes still resolves, so that the
// mistakes of the flags and the environment are reported in the same run,
// and a value the file had wrong is neither used nor reported twice.
func TestEveryMistakeAtOnce(t *testing.T) {
	src := `default_profile = "prod"
theme = "drak"
[profiles.prod]
endpoint = "e.example.com"
logstor = "x"
buffer_lines = 0
consumer = "jane@laptop"
[profiles.prod.keys]
pause = ["space", 3]
quit = "x"
`
	f, ferr := parse(cfgPath, src)
	if ferr == nil || f == nil {
		t.Fatalf("parse = %v, %v: want the file and its errors", f, ferr)
	}
	s, rerr := Resolve(f, map[string]string{"buffer-lines": "many"}, env("SLSTAIL_THEME", "solarized"))
	if rerr == nil {
		t.Fatal("Resolve found nothing wrong")
	}
	if s.Endpoint != "e.example.com" || s.Consumer != "jane@laptop" || s.BufferLines != 0 || s.Theme != "" {
		t.Errorf("resolved %+v: want the good values and the defaults' zero for the bad", s)
	}
	if _, ok := s.Keys["pause"]; ok || !reflect.DeepEqual(s.Keys["quit"], []string{"x"}) {
		t.Errorf("keys %v: want the half-read pause left out, quit kept", s.Keys)
	}
	lines := strings.Split(JoinErrors(rerr, ferr).Error(), "\n")
	want := []string{
		cfgPath + ":2: theme: unknown theme",
		cfgPath + ":5: unknown key \"profiles.prod.logstor\"",
		cfgPath + ":6: profiles.prod.buffer_lines",
		cfgPath + ":9: profiles.prod.keys.pause[1]",
		"env SLSTAIL_THEME: unknown theme \"solarized\"",
		"flag --buffer-lines: \"many\" is not a whole number",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("error %d = %q, want %q in it", i, lines[i], w)
		}
	}
}

func TestJoinErrors(t *testing.T) {
	if JoinErrors() != nil || JoinErrors(nil, errors.Join(nil)) != nil {
		t.Error("nothing joined is not nil")
	}
	one := errors.New("one")
	if JoinErrors(nil, one) != one {
		t.Error("a single error is not returned as itself")
	}
	a := &Error{Path: cfgPath, Line: 7, Msg: "a"}
	b := &Error{Path: cfgPath, Line: 2, Msg: "b"}
	flag := &Error{Source: "flag --from", Msg: "c"}
	got := JoinErrors(flag, errors.Join(a, nil, b), one).Error()
	want := "config " + cfgPath + ":2: b\nconfig " + cfgPath + ":7: a\nflag --from: c\none"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
