package spl

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// splCase is one entry of testdata/spl-cases.json, the project's conformance
// corpus collected from the SLS documentation (each case names its page).
type splCase struct {
	Name        string              `json:"name"`
	SPL         string              `json:"spl"`
	Input       []map[string]string `json:"input"`
	Expect      []map[string]string `json:"expect"`
	ExpectError string              `json:"expect_error"`
	Confidence  string              `json:"confidence"`
	Scenario    string              `json:"scenario"`
	Note        string              `json:"note"`
	Unordered   bool                `json:"unordered"`
}

// caseErrorWording pins the wording of the errors the corpus expects:
// expect_error text (a description, not SLS's message) -> what our message
// must contain.
var caseErrorWording = map[string]string{
	"instruction not supported in consumption (.let)":         "'.let' is not supported in real-time consumption",
	"syntax error: unterminated string":                       "unterminated string",
	"unsupported function in SPL: try_cast":                   "unsupported function in SPL: try_cast",
	"unsupported function in SPL: nullif":                     "unsupported function in SPL: nullif",
	"unsupported function in SPL: levenshtein_distance":       "unsupported function in SPL: levenshtein_distance",
	"unsupported function in SPL: json_array_get":             "unsupported function in SPL: json_array_get",
	"field renamed more than once":                            "renamed more than once",
	"SPL script too long (real-time consumption limit 10 KB)": "SPL script too long",
}

func loadCases(t testing.TB) []splCase {
	t.Helper()
	b, err := os.ReadFile("testdata/spl-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []splCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("parse spl-cases.json: %v", err)
	}
	return cases
}

// inputFields turns a case row into a log, in the JSON file's key order.
func orderedRows(t *testing.T, raw json.RawMessage) [][]Field {
	t.Helper()
	var rows []json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	var out [][]Field
	for _, r := range rows {
		var fs []Field
		if err := objectEach(string(r), func(k, v string) error {
			fs = append(fs, Field{k, jsonScalarText(v)})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		out = append(out, fs)
	}
	return out
}

func TestCorpus(t *testing.T) {
	b, err := os.ReadFile("testdata/spl-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var raws []map[string]json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		t.Fatal(err)
	}
	cases := loadCases(t)
	if len(cases) < 60 {
		t.Fatalf("corpus has only %d cases", len(cases))
	}
	for i, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			prog, err := Compile(tc.SPL)
			if tc.ExpectError != "" {
				if err == nil {
					t.Fatalf("Compile(%q) succeeded, want error %q", tc.SPL, tc.ExpectError)
				}
				want, ok := caseErrorWording[tc.ExpectError]
				if !ok {
					t.Fatalf("no wording pinned for expected error %q (got %v)", tc.ExpectError, err)
				}
				if !strings.Contains(err.Error(), want) {
					t.Fatalf("error = %v, want it to contain %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			var got []map[string]string
			for _, in := range orderedRows(t, raws[i]["input"]) {
				if err := prog.Run(in, func(out []Field) {
					m := map[string]string{}
					for _, f := range out {
						if _, dup := m[f.Key]; dup {
							t.Errorf("duplicate output field %q", f.Key)
						}
						m[f.Key] = f.Value
					}
					got = append(got, m)
				}); err != nil {
					t.Fatalf("Run: %v", err)
				}
			}
			want := tc.Expect
			if want == nil {
				want = []map[string]string{}
			}
			if got == nil {
				got = []map[string]string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got  %v\nwant %v\n(confidence %s; note: %s)", got, want, tc.Confidence, tc.Note)
			}
		})
	}
}
