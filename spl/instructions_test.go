package spl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// f builds a log from alternating keys and values.
func f(kv ...string) []Field {
	out := make([]Field, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Field{kv[i], kv[i+1]})
	}
	return out
}

func fmtRows(rows [][]Field) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("{")
		for i, fl := range r {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s=%q", fl.Key, fl.Value)
		}
		b.WriteString("}")
	}
	return b.String()
}

type instrCase struct {
	name  string
	query string
	in    [][]Field
	want  [][]Field // exact rows in order, fields in order
}

func runInstrCases(t *testing.T, cases []instrCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustCompile(t, tc.query)
			got := runAll(t, p, tc.in...)
			if fmtRows(got) != fmtRows(tc.want) {
				t.Errorf("%s\n got  %s\n want %s", tc.query, fmtRows(got), fmtRows(tc.want))
			}
		})
	}
}

func TestWhere(t *testing.T) {
	runInstrCases(t, []instrCase{
		{"keeps true, drops false", "* | where a = 'x'", [][]Field{f("a", "x"), f("a", "y")}, [][]Field{f("a", "x")}},
		{"missing field is null and drops", "* | where a = 'x'", [][]Field{f("b", "x")}, nil},
		{"varchar compared with number reads it as a number", "* | where status = 200", [][]Field{f("status", "200"), f("status", "404"), f("status", "abc")}, [][]Field{f("status", "200")}},
		{"number on the left", "* | where 500 <= status", [][]Field{f("status", "503"), f("status", "200")}, [][]Field{f("status", "503")}},
		{"decimal varchar", "* | where rt > 0.5", [][]Field{f("rt", "0.75"), f("rt", "0.25")}, [][]Field{f("rt", "0.75")}},
		{"three-valued or", "* | where a = 'x' or b = 'y'", [][]Field{f("b", "y"), f("c", "z")}, [][]Field{f("b", "y")}},
		{"not null is null", "* | where not (a = 'x')", [][]Field{f("a", "y"), f("b", "x")}, [][]Field{f("a", "y")}},
		{"between", "* | where cast(n as bigint) between 2 and 4", [][]Field{f("n", "1"), f("n", "2"), f("n", "4"), f("n", "5")}, [][]Field{f("n", "2"), f("n", "4")}},
		{"not between", "* | where cast(n as bigint) not between 2 and 4", [][]Field{f("n", "1"), f("n", "3")}, [][]Field{f("n", "1")}},
		{"in", "* | where method in ('GET', 'HEAD')", [][]Field{f("method", "GET"), f("method", "POST")}, [][]Field{f("method", "GET")}},
		{"not in", "* | where method not in ('GET', 'HEAD')", [][]Field{f("method", "GET"), f("method", "POST")}, [][]Field{f("method", "POST")}},
		{"like is case-sensitive and whole-value", "* | where u like '/api/%'", [][]Field{f("u", "/api/x"), f("u", "/API/x"), f("u", "x/api/")}, [][]Field{f("u", "/api/x")}},
		{"like underscore and escape", "* | where u like 'a\\_%' escape '\\'", [][]Field{f("u", "a_1"), f("u", "ab1")}, [][]Field{f("u", "a_1")}},
		{"is not null", "* | where a is not null", [][]Field{f("a", ""), f("b", "1")}, [][]Field{f("a", "")}},
		{"empty string is not null", "* | where a is null", [][]Field{f("a", ""), f("b", "1")}, [][]Field{f("b", "1")}},
		{"time field is an integer", "* | where __time__ >= 1700000000", [][]Field{f("__time__", "1700000001", "a", "1"), f("__time__", "1600000000", "a", "2")}, [][]Field{f("__time__", "1700000001", "a", "1")}},
		{"topic and tags are fields", "* | where __topic__ != 'app' and \"__tag__:__path__\" like '%.log'", [][]Field{f("__topic__", "web", "__tag__:__path__", "/a.log"), f("__topic__", "app", "__tag__:__path__", "/a.log")}, [][]Field{f("__topic__", "web", "__tag__:__path__", "/a.log")}},
		{"unquoted tag name", "* | where __tag__:__path__ = '/a.log'", [][]Field{f("__tag__:__path__", "/a.log")}, [][]Field{f("__tag__:__path__", "/a.log")}},
		{"upper-case keywords", "* | WHERE A = 'x' AND NOT B IS NULL", [][]Field{f("A", "x", "B", "1"), f("A", "x")}, [][]Field{f("A", "x", "B", "1")}},
		{"field names are case-sensitive", "* | where status = '200'", [][]Field{f("Status", "200")}, nil},
		{"comments anywhere", "* /* head */ | where a = 'x' -- tail\n", [][]Field{f("a", "x")}, [][]Field{f("a", "x")}},
		{"semicolon ends the statement", "* | where a = 'x';", [][]Field{f("a", "x")}, [][]Field{f("a", "x")}},
		{"quoted string with doubled quote", "* | where a = 'it''s'", [][]Field{f("a", "it's"), f("a", "its")}, [][]Field{f("a", "it's")}},
		{"backslash is not an escape", `* | where a = 'a\b'`, [][]Field{f("a", `a\b`)}, [][]Field{f("a", `a\b`)}},
		{"unary minus", "* | where -cast(a as bigint) < -1", [][]Field{f("a", "2"), f("a", "1")}, [][]Field{f("a", "2")}},
	})
}

func TestWhereRuntimeError(t *testing.T) {
	p := mustCompile(t, "* | where cast(status as bigint) >= 500")
	var rows int
	err := p.Run(f("status", "-"), func([]Field) { rows++ })
	var re *RuntimeError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want *RuntimeError", err, err)
	}
	if rows != 0 {
		t.Errorf("failed log produced %d rows", rows)
	}
	if got, want := err.Error(), "where (1:11): cannot cast '-' to bigint"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	// The program stays usable after a failure.
	if got := runAll(t, p, f("status", "503")); len(got) != 1 {
		t.Errorf("after a failure: %v", got)
	}
}

func TestExtend(t *testing.T) {
	runInstrCases(t, []instrCase{
		{"appends new fields in order", "* | extend b = 'B', c = 'C'", [][]Field{f("a", "A")}, [][]Field{f("a", "A", "b", "B", "c", "C")}},
		{"overwrite keeps the position", "* | extend a = 'new'", [][]Field{f("a", "old", "b", "B")}, [][]Field{f("a", "new", "b", "B")}},
		{"expressions see the input row", "* | extend a = 'new', b = a", [][]Field{f("a", "old")}, [][]Field{f("a", "new", "b", "old")}},
		{"null is not written", "* | extend x = regexp_extract(a, 'z(\\d+)', 1)", [][]Field{f("a", "abc")}, [][]Field{f("a", "abc")}},
		{"null overwrite removes the value", "* | extend a = null", [][]Field{f("a", "1", "b", "2")}, [][]Field{f("b", "2")}},
		{"typed values travel through the pipeline", "* | extend n = cast(x as bigint) | where n > 5 | extend m = n * 2", [][]Field{f("x", "7"), f("x", "3")}, [][]Field{f("x", "7", "n", "7", "m", "14")}},
		{"integer division truncates", "* | extend a = 7 / 2, b = -7 / 2, c = 7 % 3, d = 7 * 1.0 / 2", [][]Field{f()}, [][]Field{f("a", "3", "b", "-3", "c", "1", "d", "3.5")}},
		{"doubles render like Presto", "* | extend a = 1.0, b = 1e7, c = 0.0001, d = 2.5 * 2", [][]Field{f()}, [][]Field{f("a", "1.0", "b", "1.0E7", "c", "1.0E-4", "d", "5.0")}},
		{"booleans", "* | extend t = 1 < 2, u = 'a' = 'b'", [][]Field{f()}, [][]Field{f("t", "true", "u", "false")}},
		{"set the log time", "* | extend __time__ = cast(t as bigint)", [][]Field{f("__time__", "1", "t", "1700000000")}, [][]Field{f("__time__", "1700000000", "t", "1700000000")}},
		{"string concatenation operator", "* | extend c = a || '-' || b", [][]Field{f("a", "x", "b", "y")}, [][]Field{f("a", "x", "b", "y", "c", "x-y")}},
		{"case searched", "* | extend k = case when cast(s as bigint) >= 500 then 'error' when cast(s as bigint) >= 400 then 'client' else 'ok' end", [][]Field{f("s", "503"), f("s", "404"), f("s", "200")}, [][]Field{f("s", "503", "k", "error"), f("s", "404", "k", "client"), f("s", "200", "k", "ok")}},
		{"case simple", "* | extend k = case m when 'GET' then 'read' when 'POST' then 'write' end", [][]Field{f("m", "GET"), f("m", "PUT")}, [][]Field{f("m", "GET", "k", "read"), f("m", "PUT")}},
		{"case mixes bigint and double", "* | extend k = case when a = '1' then 1 else 2.5 end", [][]Field{f("a", "1")}, [][]Field{f("a", "1", "k", "1.0")}},
		{"quoted output name", "* | extend \"a:b\" = 'x'", [][]Field{f()}, [][]Field{f("a:b", "x")}},
		{"array and map literals", "* | extend a = ARRAY[1, 2], m = map(ARRAY['k'], ARRAY['v']) | extend b = a[2], c = m['k']", [][]Field{f()}, [][]Field{f("a", "[1,2]", "m", `{"k":"v"}`, "b", "2", "c", "v")}},
	})
}

func TestExtendRuntimeErrors(t *testing.T) {
	for _, tc := range []struct{ query, want string }{
		{"* | extend n = cast(a as bigint)", "extend (1:16): cannot cast 'x' to bigint"},
		{"* | extend n = cast(a as integer)", "extend (1:16): cannot cast '99999999999' to integer"},
		{"* | extend n = cast(b as bigint) / 0", "extend (1:16): division by zero"},
		{"* | extend n = json_parse(a)", "extend (1:16): json_parse(): invalid JSON: x"},
		{"* | extend n = ARRAY[1][3]", "extend (1:16): array subscript 3 out of bounds (array has 1 elements)"},
		{"* | extend __time__ = cast(to_unixtime(date_parse('2024-01-01', '%Y-%m-%d')) as bigint), x = 9223372036854775807 + cast(b as bigint)", "extend (1:94): bigint overflow: 9223372036854775807 + 1"},
	} {
		p := mustCompile(t, tc.query)
		in := f("a", "x", "b", "1")
		if strings.Contains(tc.query, "integer") {
			in = f("a", "99999999999")
		}
		err := p.Run(in, func(out []Field) { t.Errorf("%s: unexpected row %v", tc.query, out) })
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: err = %v, want %q", tc.query, err, tc.want)
		}
	}
	// try() turns the failure into NULL.
	p := mustCompile(t, "* | extend n = try(cast(a as bigint)), m = 1")
	if got := runOne(t, p, f("a", "x")); fmtRows([][]Field{got}) != fmtRows([][]Field{f("a", "x", "m", "1")}) {
		t.Errorf("try: %v", got)
	}
}

func TestProject(t *testing.T) {
	in := f("__time__", "100", "a", "1", "b", "2", "__tag__:x", "t", "c", "3")
	runInstrCases(t, []instrCase{
		{"keeps listed fields in list order, time always", "* | project c, a", [][]Field{in}, [][]Field{f("__time__", "100", "c", "3", "a", "1")}},
		{"missing names are ignored", "* | project a, nope", [][]Field{in}, [][]Field{f("__time__", "100", "a", "1")}},
		{"wildcard", "* | project -wildcard \"__tag__:*\", \"?\"", [][]Field{in}, [][]Field{f("__time__", "100", "__tag__:x", "t")}},
		{"without -wildcard a star is literal", "* | project \"a*\"", [][]Field{append(f("a*", "s"), in...)}, [][]Field{f("__time__", "100", "a*", "s")}},
		{"wildcard in the middle", "* | project -wildcard \"a*z\"", [][]Field{f("abz", "1", "az", "2", "ab", "3")}, [][]Field{f("abz", "1", "az", "2")}},
		{"rename moves the field", "* | project x = a, b", [][]Field{in}, [][]Field{f("__time__", "100", "x", "1", "b", "2")}},
		{"keep and rename of the same field", "* | project a, y = a", [][]Field{in}, [][]Field{f("__time__", "100", "y", "1")}},
		{"rename of a missing field does nothing", "* | project x = nope, a", [][]Field{in}, [][]Field{f("__time__", "100", "a", "1")}},
	})
}

func TestProjectAwayAndRename(t *testing.T) {
	in := f("__time__", "100", "a", "1", "b", "2", "__tag__:x", "t", "c", "3")
	runInstrCases(t, []instrCase{
		{"project-away", "* | project-away a, c, nope", [][]Field{in}, [][]Field{f("__time__", "100", "b", "2", "__tag__:x", "t")}},
		{"project-away keeps time", "* | project-away __time__, b", [][]Field{in}, [][]Field{f("__time__", "100", "a", "1", "__tag__:x", "t", "c", "3")}},
		{"project-away wildcard", "* | project-away -wildcard \"__tag__:*\", \"c*\"", [][]Field{in}, [][]Field{f("__time__", "100", "a", "1", "b", "2")}},
		{"project-rename in place", "* | project-rename x = a, y = c", [][]Field{in}, [][]Field{f("__time__", "100", "x", "1", "b", "2", "__tag__:x", "t", "y", "3")}},
		{"project-rename missing is a no-op", "* | project-rename x = nope", [][]Field{in}, [][]Field{in}},
		{"project-rename replaces an existing target", "* | project-rename b = a", [][]Field{in}, [][]Field{f("__time__", "100", "b", "1", "__tag__:x", "t", "c", "3")}},
		{"project-rename swaps", "* | project-rename a = b, b = a", [][]Field{f("a", "1", "b", "2")}, [][]Field{f("b", "1", "a", "2")}},
		{"rename to a tag", "* | project-rename \"__tag__:k\" = a", [][]Field{f("a", "1")}, [][]Field{f("__tag__:k", "1")}},
	})
}

func TestParseRegexp(t *testing.T) {
	runInstrCases(t, []instrCase{
		{"groups to outputs", "* | parse-regexp c, '(\\S+) (\\S+)' as m, u", [][]Field{f("c", "GET /a HTTP/1.1")}, [][]Field{f("c", "GET /a HTTP/1.1", "m", "GET", "u", "/a")}},
		{"named groups without as", "* | parse-regexp c, '(?P<m>\\S+) (?P<u>\\S+)'", [][]Field{f("c", "GET /a")}, [][]Field{f("c", "GET /a", "m", "GET", "u", "/a")}},
		{"no match leaves the row", "* | parse-regexp c, '(\\d+)' as n", [][]Field{f("c", "abc")}, [][]Field{f("c", "abc")}},
		{"missing source leaves the row", "* | parse-regexp c, '(\\d+)' as n", [][]Field{f("d", "1")}, [][]Field{f("d", "1")}},
		{"group that did not take part is not written", "* | parse-regexp c, '(a)|(b)' as x, y", [][]Field{f("c", "b")}, [][]Field{f("c", "b", "y", "b")}},
		{"overwrites the source", "* | parse-regexp r, '\\S+\\s+(\\S+)' as r", [][]Field{f("r", "GET /x HTTP")}, [][]Field{f("r", "/x")}},
		{"never writes time fields", "* | parse-regexp c, '(\\d+)' as __time__", [][]Field{f("__time__", "5", "c", "7")}, [][]Field{f("__time__", "5", "c", "7")}},
		{"unicode escapes", "* | parse-regexp c, '([\\x{4e00}-\\x{9fa5}]+)' as zh", [][]Field{f("c", "ab卫小明cd")}, [][]Field{f("c", "ab卫小明cd", "zh", "卫小明")}},
		{"typed source is not parsed", "* | extend n = 5 | parse-regexp n, '(\\d)' as d", [][]Field{f()}, [][]Field{f("n", "5")}},
	})
}

func TestParseCSV(t *testing.T) {
	runInstrCases(t, []instrCase{
		{"default comma", "* | parse-csv c as a, b, d", [][]Field{f("c", "1,2,3")}, [][]Field{f("c", "1,2,3", "a", "1", "b", "2", "d", "3")}},
		{"quoted delimiter", "* | parse-csv c as a, b", [][]Field{f("c", `"x,y",z`)}, [][]Field{f("c", `"x,y",z`, "a", "x,y", "b", "z")}},
		{"custom quote", "* | parse-csv -quote='|' c as a, b", [][]Field{f("c", `|x,y|,z`)}, [][]Field{f("c", `|x,y|,z`, "a", "x,y", "b", "z")}},
		{"doubled quote", "* | parse-csv c as a", [][]Field{f("c", `"say ""hi"""`)}, [][]Field{f("c", `"say ""hi"""`, "a", `say "hi"`)}},
		{"tab escape", `* | parse-csv -delim='\t' c as a, b`, [][]Field{f("c", "1\t2")}, [][]Field{f("c", "1\t2", "a", "1", "b", "2")}},
		{"hex and octal escapes", `* | parse-csv -delim='\x7c' c as a, b | parse-csv -delim='\73' d as e, g`, [][]Field{f("c", "1|2", "d", "3;4")}, [][]Field{f("c", "1|2", "d", "3;4", "a", "1", "b", "2", "e", "3", "g", "4")}},
		{"multi-character delimiter", "* | parse-csv -delim='^_^' c as a, b", [][]Field{f("c", "1^_^2")}, [][]Field{f("c", "1^_^2", "a", "1", "b", "2")}},
		{"empty values", "* | parse-csv -delim='|' c as a, b, d", [][]Field{f("c", "a||")}, [][]Field{f("c", "a||", "a", "a", "b", "", "d", "")}},
		{"fewer values than outputs", "* | parse-csv c as a, b, d", [][]Field{f("c", "1,2")}, [][]Field{f("c", "1,2", "a", "1", "b", "2")}},
		{"more values than outputs", "* | parse-csv c as a", [][]Field{f("c", "1,2")}, [][]Field{f("c", "1,2", "a", "1")}},
		{"strict refuses a count mismatch", "* | parse-csv -strict c as a, b, d", [][]Field{f("c", "1,2"), f("c", "1,2,3")}, [][]Field{f("c", "1,2"), f("c", "1,2,3", "a", "1", "b", "2", "d", "3")}},
	})
}

func TestParseJSON(t *testing.T) {
	doc := `{"a": "x", "n": 1.5, "b": true, "o": {"k": [1, 2]}, "z": null, "__time__": 9, "e": "q\"t"}`
	runInstrCases(t, []instrCase{
		{"first level", "* | parse-json d", [][]Field{f("d", doc)}, [][]Field{f("d", doc, "a", "x", "n", "1.5", "b", "true", "o", `{"k": [1, 2]}`, "e", `q"t`)}},
		{"prefix", "* | parse-json -prefix='p_' d", [][]Field{f("d", `{"a":"x"}`)}, [][]Field{f("d", `{"a":"x"}`, "p_a", "x")}},
		{"path", "* | parse-json -path='$.o' d", [][]Field{f("d", `{"o":{"k":"v"}}`)}, [][]Field{f("d", `{"o":{"k":"v"}}`, "k", "v")}},
		{"overwrite by default", "* | parse-json d", [][]Field{f("a", "old", "d", `{"a":"new"}`)}, [][]Field{f("a", "new", "d", `{"a":"new"}`)}},
		{"preserve mode", "* | parse-json -mode='preserve' d", [][]Field{f("a", "old", "d", `{"a":"new","b":"2"}`)}, [][]Field{f("a", "old", "d", `{"a":"new","b":"2"}`, "b", "2")}},
		{"not JSON leaves the row", "* | parse-json d", [][]Field{f("d", `{"a":`), f("d", `[1]`)}, [][]Field{f("d", `{"a":`), f("d", `[1]`)}},
	})
}

func TestParseKV(t *testing.T) {
	runInstrCases(t, []instrCase{
		{"default delimiters", "* | parse-kv c", [][]Field{f("c", "a=1&b=2")}, [][]Field{f("c", "a=1&b=2", "a", "1", "b", "2")}},
		{"delimiter set and separator", "* | parse-kv -delims=',; ' -kv-sep=':' s", [][]Field{f("s", "a:1, b:2;c:3")}, [][]Field{f("s", "a:1, b:2;c:3", "a", "1", "b", "2", "c", "3")}},
		{"pieces without separator are skipped", "* | parse-kv -delims='&?' c", [][]Field{f("c", "http://h/p?x=1&y")}, [][]Field{f("c", "http://h/p?x=1&y", "x", "1")}},
		{"quoted values", "* | parse-kv -delims=' ' c", [][]Field{f("c", `k1="hello world" k2=v`)}, [][]Field{f("c", `k1="hello world" k2=v`, "k1", `"hello`, "k2", "v")}},
		{"quoted values whole", "* | parse-kv -delims=' ' c", [][]Field{f("c", `k1="hello" k2=v`)}, [][]Field{f("c", `k1="hello" k2=v`, "k1", "hello", "k2", "v")}},
		{"greedy", "* | parse-kv -delims=' ' -greedy c", [][]Field{f("c", "msg=hello world lvl=info")}, [][]Field{f("c", "msg=hello world lvl=info", "msg", "hello world", "lvl", "info")}},
		{"prefix and preserve", "* | parse-kv -prefix='k_' -mode='preserve' c", [][]Field{f("k_a", "old", "c", "a=1&b=2")}, [][]Field{f("k_a", "old", "c", "a=1&b=2", "k_b", "2")}},
		{"regexp mode", "* | parse-kv -regexp c, '(\\w+)=(\\w+)'", [][]Field{f("c", "x a=1, b=2")}, [][]Field{f("c", "x a=1, b=2", "a", "1", "b", "2")}},
	})
}

func TestExpandValuesAndPackFields(t *testing.T) {
	runInstrCases(t, []instrCase{
		{"array to rows", "* | expand-values v", [][]Field{f("k", "1", "v", `["a", 2, {"x": 1}]`)}, [][]Field{f("k", "1", "v", "a"), f("k", "1", "v", "2"), f("k", "1", "v", `{"x": 1}`)}},
		{"object to rows", "* | expand-values v", [][]Field{f("v", `{"a":1,"b":"x"}`)}, [][]Field{f("v", `{"a":1}`), f("v", `{"b":"x"}`)}},
		{"as output drops the source", "* | expand-values v as e", [][]Field{f("v", `[1,2]`)}, [][]Field{f("e", "1"), f("e", "2")}},
		{"keep", "* | expand-values -keep v as e", [][]Field{f("v", `[1]`)}, [][]Field{f("v", "[1]", "e", "1")}},
		{"path and limit", "* | expand-values -path='$.a' -limit=2 v", [][]Field{f("v", `{"a":[1,2,3]}`)}, [][]Field{f("v", "1"), f("v", "2")}},
		{"not JSON passes", "* | expand-values v", [][]Field{f("v", "x")}, [][]Field{f("v", "x")}},
		{"later stages run per row", "* | expand-values v | where cast(v as bigint) > 1", [][]Field{f("v", `[1,2,3]`)}, [][]Field{f("v", "2"), f("v", "3")}},
		{"pack all", "* | pack-fields as j", [][]Field{f("a", "1", "b", "x\"y")}, [][]Field{f("j", `{"a": "1", "b": "x\"y"}`)}},
		{"pack include exclude ltrim keep", "* | pack-fields -keep -include='mdc_.*' -exclude='mdc_b' -ltrim='mdc_' as mdc", [][]Field{f("mdc_a", "1", "mdc_b", "2", "c", "3")}, [][]Field{f("mdc_a", "1", "mdc_b", "2", "c", "3", "mdc", `{"a": "1"}`)}},
		{"pack skips typed and time fields", "* | extend n = 1 | pack-fields as j", [][]Field{f("__time__", "5", "a", "1")}, [][]Field{f("__time__", "5", "n", "1", "j", `{"a": "1"}`)}},
	})
}

// A failure in one expand-values branch fails the whole log: no rows at all.
func TestExpandFailureIsAtomic(t *testing.T) {
	p := mustCompile(t, "* | expand-values v | where cast(v as bigint) > 0")
	rows := 0
	err := p.Run(f("v", `[1, "x", 3]`), func([]Field) { rows++ })
	if err == nil || rows != 0 {
		t.Fatalf("err %v, rows %d; want an error and no rows", err, rows)
	}
}

// An unchanged row is the caller's own slice, so a filter copies nothing.
func TestUnchangedRowIsInput(t *testing.T) {
	p := mustCompile(t, "* | where a = '1'")
	in := f("a", "1")
	same := false
	if err := p.Run(in, func(out []Field) { same = &out[0] == &in[0] }); err != nil {
		t.Fatal(err)
	}
	if !same {
		t.Error("filter-only hit did not pass the input through")
	}
	if !mustCompile(t, "*").IsPassThrough() || mustCompile(t, "* | where a = '1'").IsPassThrough() {
		t.Error("IsPassThrough wrong")
	}
}
