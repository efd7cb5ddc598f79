package spl

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
)

// fuzzSeeds are queries from every test table plus the corpus.
func fuzzSeeds(t testing.TB) []string {
	seeds := []string{
		"*", "* | where cast(status as bigint) >= 500", "* | where a like '%x_%' escape '\\'",
		"* | extend x = case when a = '1' then ARRAY[1][1] else map(ARRAY['k'], ARRAY[2])['k'] end",
		"* | parse-csv -delim='\\t' -quote='\"' -strict c as a, b | parse-kv -greedy -delims=' ' c",
		"* | expand-values -path='$.a' -limit=2 -keep v as e | pack-fields -include='.*' -exclude='e' as j",
		"* | project -wildcard \"__tag__:*\", x = y | project-away -wildcard \"a*\" | project-rename b = c",
		"* | parse-json -mode='preserve' -path='$.x[0]' -prefix='p_' d | parse-regexp d, '(?P<k>\\w+)'",
		"* | where __tag__:__path__ between 'a' and 'z' or not (x in (1, 2.5, 'x', null) is null)",
		"* /* c */ | WHERE -a < +b -- x\n;",
	}
	for _, tc := range loadCases(t) {
		if len(tc.SPL) < 2000 {
			seeds = append(seeds, tc.SPL)
		}
	}
	for _, tc := range funcCases {
		seeds = append(seeds, "* | extend r = "+tc.expr)
	}
	return seeds
}

var fuzzLogs = [][]Field{
	f("__time__", "1700000000", "__topic__", "t", "__tag__:__path__", "/a.log", "status", "503", "a", "1", "b", "x",
		"c", "k=v&x=y", "d", `{"a": [1, {"b": "c"}], "x": [{"y": 1}]}`, "v", `[1, "2", null]`, "rt", "0.5"),
	f("status", "abc", "a", "", "d", "not json", "v", "{"),
	f(),
}

// FuzzParse: parsing never panics, and errors are positioned inside the query.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, err := Parse(q)
		if err != nil {
			e := err.(*Error)
			if e.Offset < 0 || e.Offset > len(q) || e.End < e.Offset || e.End > len(q) || e.Line < 1 || e.Col < 1 {
				t.Fatalf("bad error position %+v for %q", e, q)
			}
		}
	})
}

// FuzzCheck: checking never panics, tokens always tile the input, and a
// query that checks clean compiles and runs without panicking.
func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		res := Check(q)
		checkCoverage(t, q, res.Tokens)
		if res.Err != nil {
			return
		}
		p, err := Compile(q)
		if err != nil {
			t.Fatalf("Check accepted %q but Compile says %v", q, err)
		}
		for _, in := range fuzzLogs {
			_ = p.Run(in, func(out []Field) {
				for _, fl := range out {
					if fl.Key == "" && strings.Contains(q, "\"\"") {
						t.Fatalf("empty field name from %q", q)
					}
				}
			})
		}
	})
}

// One Program serves many goroutines (slsd runs one per shard).
func TestConcurrentRun(t *testing.T) {
	p := mustCompile(t, "* | where cast(status as bigint) >= 500 | extend ms = cast(request_time as double) * 1000 | expand-values -keep v as e | project status, ms, e")
	rows := demoRows(2000)
	for i := range rows {
		rows[i] = append(rows[i], Field{"v", `[1,2]`})
	}
	want := make([]string, len(rows))
	for i, r := range rows {
		want[i] = fmtRows(runAll(t, p, r))
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < len(rows); i += 3 {
				var got [][]Field
				if err := p.Run(rows[i], func(out []Field) { got = append(got, append([]Field(nil), out...)) }); err != nil {
					t.Error(err)
					return
				}
				if fmtRows(got) != want[i] {
					t.Errorf("row %d: got %s want %s", i, fmtRows(got), want[i])
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

// FuzzJSONLines: any input yields valid JSON lines of string values, and
// every input line is accounted for.
func FuzzJSONLines(f *testing.F) {
	f.Add(`{"a":"1","status":"503"}` + "\n" + `{"b": 2, "c": [1, {"d": null}], "e": "\u00e9\"\\"}`)
	f.Add("{\"a\":\"\xff\x7f\"}\n\n[1]\n{\"a\"")
	f.Add(`{ "status" : "500" , "x" : true }` + "\r\n" + `{}`)
	progs := []*Program{
		mustCompile(f, "*"),
		mustCompile(f, "* | where cast(status as bigint) >= 500"),
		mustCompile(f, "* | extend n = length(a) | parse-json c | project-away b"),
	}
	f.Fuzz(func(t *testing.T, input string) {
		for _, p := range progs {
			var out, errs strings.Builder
			st, err := FilterJSONLines(context.Background(), p, strings.NewReader(input), &out, &errs)
			if err != nil {
				t.Fatal(err)
			}
			if st.Logs+st.BadLines > st.Lines {
				t.Fatalf("stats %+v do not add up", st)
			}
			for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
				if line == "" && out.Len() == 0 {
					continue
				}
				var m map[string]string
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("output line %q is not an object of strings: %v", line, err)
				}
			}
		}
	})
}
