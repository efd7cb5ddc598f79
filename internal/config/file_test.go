package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const cfgPath = "/home/u/.config/slstail/config.toml"

func TestLoadExample(t *testing.T) {
	path := filepath.Join("testdata", "config.toml")
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.DefaultProfile != "prod" || !f.Exists || f.Path != path {
		t.Errorf("file = %+v", f)
	}
	wantGlobal := Profile{Theme: "dark", BufferLines: 100000, Keys: map[string][]string{"pause": {"space", "p"}}}
	if !reflect.DeepEqual(f.Global, wantGlobal) {
		t.Errorf("Global = %+v, want %+v", f.Global, wantGlobal)
	}
	wantProd := Profile{
		Endpoint:      "cn-hangzhou.log.aliyuncs.com",
		Project:       "my-project",
		Logstore:      "nginx-access",
		Query:         "* | where cast(status as bigint) >= 500",
		From:          "end",
		AliyunProfile: "default",
		Keys:          map[string][]string{"pause": {"ctrl+s"}},
	}
	if !reflect.DeepEqual(f.Profiles["prod"], wantProd) {
		t.Errorf("prod = %+v, want %+v", f.Profiles["prod"], wantProd)
	}
	if got := f.profileNames(); !reflect.DeepEqual(got, []string{"prod", "staging"}) {
		t.Errorf("profiles = %v", got)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file = %v, want fs.ErrNotExist", err)
	}
}

// TestLoadErrors checks that each mistake is reported with the file, the
// line it is on and the key, in words a user can act on.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the whole message
	}{
		{
			"unknown key with suggestion",
			"default_profile = \"prod\"\n\n[profiles.prod]\nendpoint = \"e\"\nproject = \"p\"\n\nlogstor = \"l\"\n",
			`config ` + cfgPath + `:7: unknown key "profiles.prod.logstor" (did you mean "logstore"?)`,
		},
		{
			"unknown top-level key",
			"# comment\nthme = \"dark\"\n",
			`config ` + cfgPath + `:2: unknown key "thme" (did you mean "theme"?)`,
		},
		{
			"unknown key without a close match",
			"[profiles.p]\nendpoint = \"e\"\ncolour = \"red\"\n",
			`config ` + cfgPath + `:3: unknown key "profiles.p.colour"`,
		},
		{
			"implied table reported at its first key",
			"\n[profile.prod]\nendpoint = \"e\"\n",
			`config ` + cfgPath + `:2: unknown key "profile" (did you mean "profiles"?)`,
		},
		{
			"dotted key",
			"[profiles.p]\nendpoint = \"e\"\nquery.text = \"*\"\n",
			`config ` + cfgPath + `:3: profiles.p.query must be a string; got a table`,
		},
		{
			"syntax error",
			"theme = \"dark\"\nbuffer_lines = 100\nquery = \"unterminated\n",
			`config ` + cfgPath + `:3: strings cannot contain newlines (after key "query")`,
		},
		{
			"duplicate key",
			"[profiles.p]\nproject = \"a\"\nproject = \"b\"\n",
			`config ` + cfgPath + `:3: Key 'profiles.p.project' has already been defined.`,
		},
		{
			"string for integer",
			"theme = \"dark\"\nbuffer_lines = \"lots\"\n",
			`config ` + cfgPath + `:2: buffer_lines must be an integer; got string "lots"`,
		},
		{
			"integer for string",
			"[profiles.p]\nendpoint = \"e\"\nproject = 42\n",
			`config ` + cfgPath + `:3: profiles.p.project must be a string; got integer 42`,
		},
		{
			"buffer_lines out of range",
			"buffer_lines = 0\n",
			`config ` + cfgPath + `:1: buffer_lines: 0 is out of range: want 1 to 10000000 lines`,
		},
		{
			"merge_hold not a duration",
			"[profiles.p]\nmerge_hold = \"soon\"\n",
			`config ` + cfgPath + `:2: profiles.p.merge_hold: "soon" is not a duration (say 1s or 500ms)`,
		},
		{
			"merge_hold out of range",
			"merge_hold = \"2m\"\n",
			`config ` + cfgPath + `:1: merge_hold: 2m0s is out of range: want 0 to 1m0s`,
		},
		{
			"unknown theme",
			"[profiles.p]\ntheme = \"drak\"\n",
			`config ` + cfgPath + `:2: profiles.p.theme: unknown theme "drak" (did you mean "dark"?); themes: auto, dark, high-contrast, light, mono`,
		},
		{
			"profile that is not a table",
			"profiles.p = \"x\"\n",
			`config ` + cfgPath + `:1: profiles.p must be a table, like [profiles.p]; got string "x"`,
		},
		{
			"profiles as array of tables",
			"\n[[profiles]]\nname = \"p\"\n",
			`config ` + cfgPath + `:2: profiles must be a table of profiles, like [profiles.prod]; got an array of tables`,
		},
		{
			"key binding not a string",
			"[keys]\npause = [\"space\", 3]\n",
			`config ` + cfgPath + `:2: keys.pause[1] must be a string naming a key, like "ctrl+c"; got integer 3`,
		},
		{
			"keys not a table",
			"keys = [\"q\"]\n",
			`config ` + cfgPath + `:1: keys must be a table of action = ["key", …]; got an array`,
		},
		{
			"default_profile not defined",
			"default_profile = \"stagng\"\n[profiles.prod]\n[profiles.staging]\n",
			`config ` + cfgPath + `:1: default_profile "stagng" is not a profile in this file (did you mean "staging"?); profiles: prod, staging`,
		},
		{
			"default_profile with no profiles",
			"default_profile = \"prod\"\n",
			`config ` + cfgPath + `:1: default_profile "prod" is not a profile in this file; the file defines no profiles (add a [profiles.NAME] table)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parse(cfgPath, tt.src)
			if err == nil {
				t.Fatalf("parse = %+v, want error %q", f, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Path != cfgPath || ce.Line == 0 {
				t.Errorf("error %#v is not an *Error with a path and line", err)
			}
		})
	}
}

// TestLoadAllErrors checks that one load reports every mistake, top to
// bottom, rather than making the user fix them one run at a time.
func TestLoadAllErrors(t *testing.T) {
	src := `theme = 3
[profiles.a]
logstor = "x"
buffer_lines = -1
[profiles.a.keys]
quit = 1
`
	_, err := parse(cfgPath, src)
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{":1: theme", ":3: unknown key", ":4: profiles.a.buffer_lines", ":6: profiles.a.keys.quit"}
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.Contains(lines[i], cfgPath+w) {
			t.Errorf("error %d = %q, want it to contain %q", i, lines[i], w)
		}
	}
}

// TestLoadSecrets checks that credentials are refused wherever they are put
// and however they are spelt, and that the refusal never echoes the secret.
func TestLoadSecrets(t *testing.T) {
	const secret = "Zq9vS3cr3tV4lu3xx"
	for _, src := range []string{
		"access_key_secret = \"" + secret + "\"\n",
		"[profiles.prod]\nendpoint = \"e\"\naccess_key_secret = \"" + secret + "\"\n",
		"[profiles.prod]\nAccessKeySecret = \"" + secret + "\"\n",
		"[profiles.prod]\naccess-key-id = \"" + secret + "\"\n",
		"[profiles.prod]\nsecurity_token = \"" + secret + "\"\n",
		"[keys]\naccess_key_secret = \"" + secret + "\"\n",
		"[profiles.prod]\naccess_key_secret = 12345\n", // a wrong type still is no place for a secret
	} {
		_, err := parse(cfgPath, src)
		if err == nil {
			t.Errorf("%q: accepted", src)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, secret) || strings.Contains(msg, "12345") {
			t.Errorf("%q: error shows the secret: %s", src, msg)
		}
		for _, want := range []string{cfgPath + ":", "credentials are not read from the config file", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "aliyun_profile"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q: error %q lacks %q", src, msg, want)
			}
		}
	}
}

func TestLoadAccepts(t *testing.T) {
	// Forms a user may reasonably write: a single key as a string, quoted
	// profile names, inline tables, settings at the top level.
	src := `endpoint = "cn-hangzhou.log.aliyuncs.com"
[keys]
quit = "q"
unbound = []
[profiles."eu.prod"]
project = "p"
keys = { pause = ["space"] }
`
	f, err := parse(cfgPath, src)
	if err != nil {
		t.Fatal(err)
	}
	if f.Global.Endpoint != "cn-hangzhou.log.aliyuncs.com" ||
		!reflect.DeepEqual(f.Global.Keys, map[string][]string{"quit": {"q"}, "unbound": {}}) {
		t.Errorf("Global = %+v", f.Global)
	}
	if p := f.Profiles["eu.prod"]; p.Project != "p" || !reflect.DeepEqual(p.Keys, map[string][]string{"pause": {"space"}}) {
		t.Errorf(`profiles."eu.prod" = %+v`, p)
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"endpoint", "project", "logstore", "query", "theme", "profiles"}
	for in, want := range map[string]string{
		"logstor":  "logstore",
		"Project":  "project",
		"endpiont": "endpoint", // transposition
		"qeury":    "query",
		"profile":  "profiles",
		"colour":   "",
		"x":        "",
	} {
		if got := suggest(in, known); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"drak", "dark", 1}, {"ab", "ba", 1}} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}
