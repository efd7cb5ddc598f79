package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestHighlightRules(t *testing.T) {
	src := `theme = "dark"

[[highlight]]
field = "upstream_status"
match = "500-599"
style = "error"

[[ highlight ]]
# a comment
"field" = "msg"
match = 're:timeout after \d+ms'
style = "#ff8800"

[profiles.prod]
project = "p"
`
	f, err := parse(cfgPath, src)
	if err != nil {
		t.Fatal(err)
	}
	want := []HighlightRule{
		{Field: "upstream_status", Match: "500-599", Style: "error", Line: 3},
		{Field: "msg", Match: `re:timeout after \d+ms`, Style: "#ff8800", Line: 8},
	}
	if !reflect.DeepEqual(f.Highlight, want) {
		t.Fatalf("rules %+v, want %+v", f.Highlight, want)
	}
	s, err := Resolve(f, map[string]string{"profile": "prod"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Highlight, want) {
		t.Fatalf("settings carry %+v", s.Highlight)
	}
}

// Each mistake is reported at its own line: the key's when it is written,
// the rule's header when a key is missing.
func TestHighlightErrors(t *testing.T) {
	src := `[[highlight]]
field = "status"
match = "599-500"
style = "error"

[[highlight]]
field = "level"
match = "re:(error"
colour = "red"

[[highlight]]
field = "level"
match = "warn"
style = "loud"

[[highlight]]
field = 5
match = "x"
style = "warn"
`
	_, err := parse(cfgPath, src)
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		cfgPath + `:3: highlight rule 1: match "599-500": the range is empty: 599 > 500`,
		cfgPath + `:6: highlight rule 2: no style (a rule needs field, match and style, like field = "status", match = "500-599", style = "error")`,
		cfgPath + `:8: highlight rule 2: match "re:(error": error parsing regexp: missing closing ): ` + "`(error`",
		cfgPath + `:9: highlight rule 2: unknown key "colour"`,
		cfgPath + `:14: highlight rule 3: style "loud": want fatal, error, warn, info, debug, none, a colour like "#ff8800" or an ANSI colour number 0-255`,
		cfgPath + `:17: highlight rule 4: field must be a string; got integer 5`,
	}
	got := strings.Split(err.Error(), "\n")
	for i := range got {
		got[i] = strings.TrimPrefix(got[i], "config ")
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestHighlightNotTables(t *testing.T) {
	_, err := parse(cfgPath, "theme = \"dark\"\nhighlight = \"status\"\n")
	if err == nil || !strings.Contains(err.Error(), ":2: highlight must be tables of rules") {
		t.Fatalf("error %v", err)
	}
	// Written inline, the rules are located at the highlight key.
	_, err = parse(cfgPath, "theme = \"dark\"\nhighlight = [{field = \"a\", match = \"x\", style = \"nope\"}]\n")
	if err == nil || !strings.Contains(err.Error(), ":2: highlight rule 1: style \"nope\"") {
		t.Fatalf("inline: error %v", err)
	}
}
