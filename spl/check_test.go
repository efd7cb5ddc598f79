package spl

import (
	"fmt"
	"strings"
	"testing"
)

func tokenString(q string, toks []Token) string {
	var parts []string
	for _, t := range toks {
		parts = append(parts, fmt.Sprintf("%s:%s", t.Kind, q[t.Start:t.End]))
	}
	return strings.Join(parts, " ")
}

func TestCheckTokens(t *testing.T) {
	tests := []struct{ query, want string }{
		{"* | where cast(status as bigint) >= 500 -- errors",
			"source:* pipe:| instruction:where keyword:cast punct:( ident:status keyword:as type:bigint punct:) operator:>= number:500 comment:-- errors"},
		{"*|project-away -wildcard \"__tag__:*\"",
			"source:* pipe:| instruction:project instruction:- instruction:away option:- option:wildcard ident:\"__tag__:*\""},
		{"* | parse-kv -kv-sep=':' c | extend x = regexp_extract(c, '(\\d+)', 1)",
			"source:* pipe:| instruction:parse instruction:- instruction:kv option:- option:kv option:- option:sep operator:= string:':' ident:c pipe:| instruction:extend ident:x operator:= function:regexp_extract punct:( ident:c punct:, regexp:'(\\d+)' punct:, number:1 punct:)"},
		{"* | parse-regexp content, '(\\S+)' as ip /* x */",
			"source:* pipe:| instruction:parse instruction:- instruction:regexp ident:content punct:, regexp:'(\\S+)' keyword:as ident:ip comment:/* x */"},
	}
	for _, tc := range tests {
		res := Check(tc.query)
		if res.Err != nil {
			t.Errorf("Check(%q): %v", tc.query, res.Err)
		}
		if got := tokenString(tc.query, res.Tokens); got != tc.want {
			t.Errorf("Check(%q) tokens\n got  %s\n want %s", tc.query, got, tc.want)
		}
	}
}

// Invalid queries still get tokens for the whole input, so the editor can
// colour what follows the error.
func TestCheckInvalidStillTokenizes(t *testing.T) {
	q := "* | where a = 'x | extend b = lower(c) # \"unterminated"
	res := Check(q)
	if res.Err == nil || res.Err.Msg != "unterminated string: missing closing quote (')" {
		t.Fatalf("Err = %v", res.Err)
	}
	checkCoverage(t, q, res.Tokens)
	last := res.Tokens[len(res.Tokens)-1]
	if last.Kind != TokInvalid || last.End != len(q) {
		t.Errorf("last token %v, want an invalid token to the end", last)
	}
	q = "* | where lower(a) = 'x' | frobnicate 12 'y' | where b"
	res = Check(q)
	if res.Err == nil || !strings.Contains(res.Err.Msg, "unknown instruction 'frobnicate'") {
		t.Fatalf("Err = %v", res.Err)
	}
	checkCoverage(t, q, res.Tokens)
	if got := tokenString(q, res.Tokens[:6]); got != "source:* pipe:| instruction:where function:lower punct:( ident:a" {
		t.Errorf("tokens before the error: %s", got)
	}
}

// checkCoverage asserts tokens are ordered, do not overlap, stay in bounds
// and cover every non-space byte.
func checkCoverage(t testing.TB, q string, toks []Token) {
	t.Helper()
	covered := make([]bool, len(q))
	prevEnd := 0
	for _, tk := range toks {
		if tk.Start < prevEnd || tk.End < tk.Start || tk.End > len(q) {
			t.Fatalf("bad token %+v after offset %d in %q", tk, prevEnd, q)
		}
		for i := tk.Start; i < tk.End; i++ {
			covered[i] = true
		}
		prevEnd = tk.End
	}
	for i := 0; i < len(q); i++ {
		if !covered[i] && !strings.ContainsRune(" \t\n\r\f\v", rune(q[i])) {
			t.Fatalf("byte %d (%q) of %q is not in any token", i, q[i], q)
		}
	}
}

func TestCheckWarnings(t *testing.T) {
	q := "* | where __tag__:x = 'a' | extend c = a || b | pack-fields as j"
	res := Check(q)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		`1:11: quote this field name: "__tag__:x" (SLS documents only the quoted form)`,
		`1:42: SLS does not document '||' in SPL; concat(a, b) is the documented form`,
		`1:49: SLS documents pack-fields for data transformation; real-time consumption may refuse it`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ws := Check("* | where \"__tag__:x\" = 'a'").Warnings; len(ws) != 0 {
		t.Errorf("unexpected warnings %v", ws)
	}
}
