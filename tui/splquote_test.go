package tui

import (
	"strings"
	"testing"

	"github.com/slstail/slstail/spl"
)

// Every field name and value, however hostile, must read back as itself:
// the where clause keeps the log that has it and drops one that differs.
func TestWhereEqualsRoundTrips(t *testing.T) {
	fields := []string{"status", "upstream_addr", "where", "and", "NULL", "__tag__:hostname", "a b",
		`we"ird`, "1abc", "request-time", "ключ", "__time__x"}
	values := []string{"503", "it's", "''", "'; drop --", "$HOME", "`rm -rf`", "a\nb", "tab\there",
		"\x1b[31mred", "ü ß 漢字", "--", "/* x */", `\`, `"`, "", " ", "\u202eevil", "a\x7fb"}
	for _, f := range fields {
		for _, v := range values {
			stage, err := whereEquals(f, v, false)
			if err != nil {
				t.Fatalf("%q=%q: %v", f, v, err)
			}
			q := appendStage("*", stage)
			if strings.ContainsAny(q, "\n\t\r") || strings.ContainsRune(q, 0x1b) {
				t.Fatalf("query %q is not one printable line", q)
			}
			prog, err := spl.Compile(q)
			if err != nil {
				t.Fatalf("%q=%q: query %q does not compile: %v", f, v, q, err)
			}
			if !keeps(t, prog, f, v) {
				t.Errorf("query %q drops %q=%q", q, f, v)
			}
			if keeps(t, prog, f, v+"x") {
				t.Errorf("query %q keeps %q=%q", q, f, v+"x")
			}
			neg, _ := whereEquals(f, v, true)
			nprog, err := spl.Compile(appendStage("*", neg))
			if err != nil {
				t.Fatalf("negated %q: %v", neg, err)
			}
			if keeps(t, nprog, f, v) || !keeps(t, nprog, f, v+"x") {
				t.Errorf("negated query %q is wrong for %q=%q", neg, f, v)
			}
		}
	}
	if _, err := whereEquals("k", "\xff", false); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

func keeps(t *testing.T, prog *spl.Program, k, v string) bool {
	t.Helper()
	kept := false
	if err := prog.Run([]spl.Field{{Key: "__time__", Value: "1764000000"}, {Key: k, Value: v}}, func([]spl.Field) { kept = true }); err != nil {
		t.Fatalf("run: %v", err)
	}
	return kept
}

func TestAppendStage(t *testing.T) {
	const st = "| where a = '1'"
	for _, tt := range []struct{ query, want string }{
		{"", "* | where a = '1'"},
		{"   ", "* | where a = '1'"},
		{"*", "* | where a = '1'"},
		{"*;", "* | where a = '1'"},
		{"* | where b = 2 ;  ", "* | where b = 2 | where a = '1'"},
		{"* | where b = 2 -- only errors", "* | where b = 2 | where a = '1' -- only errors"},
		{"* | where b = 2; -- note", "* | where b = 2 | where a = '1' -- note"},
		{"* /* keep */", "* /* keep */ | where a = '1'"},
	} {
		got := appendStage(tt.query, st)
		if got != tt.want {
			t.Errorf("appendStage(%q) = %q, want %q", tt.query, got, tt.want)
		}
		if _, err := spl.Compile(got); err != nil {
			t.Errorf("appendStage(%q) = %q does not compile: %v", tt.query, got, err)
		}
	}
}
