package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every mistake of the config file and of the resolved settings is
// reported in one run, each where it was written: an unknown key override
// no longer hides a bad start position, nor a file mistake a bad flag.
func TestConfigMistakesAreReportedTogether(t *testing.T) {
	dir := cleanEnv(t)
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte(`default_profile = "prod"
thme = "dark"

[profiles.prod]
endpoint = "cn-hangzhou.log.aliyuncs.com"
from = "yesterday"
query = "* | where ("
consumer = "jane doe"

[profiles.prod.keys]
foo = "x"
copy = "q"
`), 0o600)
	code, _, errOut := runCLI(t, "tail", "--config", path, "--theme", "solarized", "--group", "slstail-a-b-0tnf6wu-k3x9")
	if code != exitUsage {
		t.Fatalf("exit %d, want %d:\n%s", code, exitUsage, errOut)
	}
	for _, want := range []string{
		path + `:2: unknown key "thme" (did you mean "theme"?)`,
		path + `:6: profiles.prod.from: start position "yesterday"`,
		path + `:7: profiles.prod.query: query 1:`,
		path + `:8: profiles.prod.consumer: consumer name "jane doe"`,
		path + `:11: profiles.prod.keys.foo: unknown action "foo"`,
		path + `:12: profiles.prod.keys.copy: "q" is bound to both "quit" and "copy"`,
		`flag --theme: unknown theme "solarized"`,
		`flag --group: consumer group "slstail-a-b-0tnf6wu-k3x9": names of this shape`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// File mistakes come first, top to bottom.
	if i, j := strings.Index(errOut, path+":2:"), strings.Index(errOut, path+":12:"); i < 0 || j < i || strings.Index(errOut, "flag --theme") < j {
		t.Errorf("not in order:\n%s", errOut)
	}
}

// --max 0 and --max -5 ran unbounded; they are usage errors now, for every
// command that has --max.
func TestMaxMustBePositive(t *testing.T) {
	cleanEnv(t)
	for _, args := range [][]string{
		{"tail", "--max", "0"},
		{"tail", "--max=-5"},
		{"--max", "0"}, // bare slstail is tail
		{"demo", "--max", "0", "-o", "jsonl"},
	} {
		code, out, errOut := runCLI(t, args...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, "want a positive number of logs (leave --max out for no limit)") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}
