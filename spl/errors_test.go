package spl

import (
	"errors"
	"strings"
	"testing"
)

// TestCompileErrors pins position and wording: editors show these messages
// as they are, so a change here is a user-visible change.
func TestCompileErrors(t *testing.T) {
	tests := []struct{ query, want string }{
		// Statement shape.
		{"", "1:1: empty query: expected '*'"},
		{"-- only a comment", "1:18: empty query: expected '*'"},
		{"where a = 1", "1:1: expected '*' at the start of the query, found 'where' (write '* | where ...')"},
		{"status:200 | where a = 1", "1:1: expected '*' at the start of the query, found 'status': real-time consumption accepts no search statement, only '*'"},
		{"* | ", "1:5: expected an instruction after '|', found end of query"},
		{"* | | where a=1", "1:5: expected an instruction after '|', found '|'"},
		{"* where a", "1:3: expected '|' after '*', found 'where'"},
		{"* | where a = 1; * | where b = 2", "1:18: only one statement is allowed in real-time consumption, found '*' after ';'"},
		{"* | where a = 1 | where", "1:24: expected an expression after 'where', found end of query"},
		{"*\n| where a = 1\n| extend b = cast(c as bigint) +", "3:33: expected an expression, found end of query"},
		// Instructions refused or unknown.
		{"* | filter x", "1:5: unknown instruction 'filter', expected one of where, extend, project, project-away, project-rename, parse-regexp, parse-csv, parse-json, parse-kv, expand-values, pack-fields"},
		{"* | stats count(*) by a", "1:5: instruction 'stats' is not supported in real-time consumption: it is available only in Logstore queries"},
		{"* | log-to-metric a", "1:5: instruction 'log-to-metric' is not supported in real-time consumption: it is available only in data transformation"},
		{".let x = *;", "1:1: instruction '.let' is not supported in real-time consumption: named datasets are unavailable in PullLogs queries"},
		{"$src | where a=1", "1:1: dataset reference '$' is not supported in real-time consumption: the query must start with '*'"},
		// Lexical.
		{"* | where a = 'x", "1:15: unterminated string: missing closing quote (')"},
		{"* | where \"a = 1", "1:11: unterminated quoted field name: missing closing quote (\")"},
		{"* | where a = 1 /* c", "1:17: unterminated comment: missing '*/'"},
		{"* | where a # 1", "1:13: unexpected character '#'"},
		{"* | extend x = 12abc", "1:16: invalid number \"12abc\""},
		{"* | where a = '日本' # x", "1:20: unexpected character '#'"}, // columns count characters
		// Expressions.
		{"* | where cast(status as bigint bigin)", "1:33: expected ')' after cast type, found 'bigin'"},
		{"* | where cast(status as bigin) > 1", "1:26: unknown type 'bigin' in cast, expected one of bigint, integer, smallint, tinyint, double, real, decimal, varchar, boolean, timestamp, json, varbinary"},
		{"* | where cast(status bigint)", "1:23: expected 'as' in cast(<expression> as <type>), found 'bigint'"},
		{"* | where (a = 1", "1:17: expected ')' to close '(', found end of query"},
		{"* | where a = 1)", "1:16: expected '|' or end of query after where instruction, found ')'"},
		{"* | where a in (1, 2", "1:21: expected ')' to close the 'in' list, found end of query"},
		{"* | where a between 1", "1:22: expected 'and' in 'between ... and ...', found end of query"},
		{"* | where a is 1", "1:16: expected 'null' after 'is', found '1'"},
		{"* | where a not 1", "1:17: expected 'between', 'like' or 'in' after 'not', found '1'"},
		{"* | where case a when 1 then true", "1:34: expected 'end' to close the case expression, found end of query"},
		{"* | extend and = 1", "1:12: expected a field name to assign in extend (extend <output>=<expression>), found keyword 'and' (quote it as \"and\" to use it as a field name)"},
		{"* | extend a", "1:13: expected '=' after output field 'a' in extend, found end of query"},
		{"* | extend a = 1, a = 2", "1:19: duplicate output field 'a' in extend"},
		// Types and functions.
		{"* | extend x = a + 1", "1:18: operator '+' cannot be applied to varchar and bigint; cast the varchar first, e.g. cast(x as bigint)"},
		{"* | where a", "1:11: where needs a boolean condition, got varchar"},
		{"* | where 1 = 'a' and b", "1:23: 'and' needs a boolean operand, got varchar"},
		{"* | where x like 1", "1:18: like needs varchar operands, got bigint"},
		{"* | extend x = lowr(a)", "1:16: unknown function 'lowr', did you mean 'lower'?"},
		{"* | extend x = foo(a)", "1:16: unknown function 'foo'"},
		{"* | extend x = lower(a, b)", "1:16: lower() takes 1 argument, got 2"},
		{"* | extend x = substr(a)", "1:16: substr() takes 2 to 3 arguments, got 1"},
		{"* | extend x = lower(1)", "1:22: argument 1 of lower() must be varchar, got bigint"},
		{"* | extend x = try_cast(a as bigint)", "1:16: unsupported function in SPL: try_cast (SLS supports it only in SQL analysis)"},
		{"* | extend x = nullif(a, b)", "1:16: unsupported function in SPL: nullif (SLS supports it only in SQL analysis)"},
		{"* | extend x = now()", "1:16: unsupported function in SPL: now (SLS supports it only in SQL analysis)"},
		{"* | extend x = json_array_get(a, 0)", "1:16: unsupported function in SPL: json_array_get (SLS supports it only in SQL analysis)"},
		{"* | extend x = count(a)", "1:16: aggregate function count is not available in real-time consumption"},
		{"* | extend x = regexp_like(a, '(')", "1:31: invalid regular expression: missing closing ): `(`"},
		{"* | extend x = json_extract(a, 'a..b')", "1:32: json_extract(): empty member name in JSONPath \"a..b\""},
		{"* | extend __time__ = 'x'", "1:23: __time__ must be assigned an integer, got varchar (use cast(... as bigint))"},
		// Instruction arguments and options.
		{"* | parse-regexp a, '(' as b", "1:21: invalid regular expression: missing closing ): `(`"},
		{"* | parse-regexp a, '(\\d+)' as b, c", "1:21: parse-regexp: the pattern has 1 capture group(s) but 2 output field(s) are named"},
		{"* | parse-regexp a, '\\d+'", "1:21: parse-regexp needs output fields: name them with 'as <field>, ...' or use named groups (?P<name>...)"},
		{"* | parse-csv -delim='abcd' a as b", "1:22: -delim must be 1 to 3 characters, got 4"},
		{"* | parse-csv -foo a as b", "1:15: unknown option '-foo' for parse-csv, expected one of -delim, -quote, -strict"},
		{"* | parse-csv -delim a as b", "1:15: option '-delim' needs a value: -delim='...'"},
		{"* | parse-csv -strict=1 a as b", "1:22: option '-strict' is a switch and takes no value"},
		{"* | parse-csv -quote='\"' -delim='ab' a as b", "1:15: -quote can only be used with a one-character -delim"},
		{"* | parse-json -mode='x' a", "1:22: -mode must be 'overwrite' or 'preserve', got 'x'"},
		{"* | parse-kv -regexp -delims='&' a, '(a)(b)'", "1:22: option '-delims' cannot be combined with -regexp"},
		{"* | parse-kv -regexp a, '(\\w+)'", "1:25: parse-kv -regexp needs a pattern with two capture groups (key and value), got 1"},
		{"* | project", "1:12: expected a field after 'project', found end of query"},
		{"* | project -wildcard", "1:22: expected a field after 'project', found end of query"},
		{"* | project-rename b=a, c=a", "1:27: field 'a' renamed more than once"},
		{"* | project-rename a=x, a=y", "1:25: field 'a' is the target of more than one rename"},
		{"* | project-rename __time__=a", "1:20: __time__ cannot be overwritten by a rename"},
		{"* | pack-fields -keep", "1:22: expected 'as' in pack-fields (pack-fields [options] as <output>), found end of query"},
		{"* | e_set(\"a\",\"b\")", "1:5: unknown instruction 'e_set': e_* functions belong to the old data-transformation DSL, not SPL; expected one of where, extend, project, project-away, project-rename, parse-regexp, parse-csv, parse-json, parse-kv, expand-values, pack-fields"},
	}
	for _, tc := range tests {
		_, err := Compile(tc.query)
		if err == nil {
			t.Errorf("Compile(%q) succeeded, want %q", tc.query, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("Compile(%q)\n got  %s\n want %s", tc.query, err, tc.want)
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Compile(%q) error is %T, want *Error", tc.query, err)
			continue
		}
		// Offset and Line/Col must agree.
		if l, c := lineCol(tc.query, e.Offset); l != e.Line || c != e.Col {
			t.Errorf("Compile(%q): offset %d is %d:%d, error says %d:%d", tc.query, e.Offset, l, c, e.Line, e.Col)
		}
		if e.End < e.Offset || e.End > len(tc.query) {
			t.Errorf("Compile(%q): bad span [%d,%d)", tc.query, e.Offset, e.End)
		}
	}
}

func TestLimits(t *testing.T) {
	long := "* | where a = '" + strings.Repeat("x", MaxQueryBytes) + "'"
	_, err := Compile(long)
	if err == nil || !strings.Contains(err.Error(), "1:10241: SPL script too long") {
		t.Errorf("long query: %v", err)
	}
	q := "*" + strings.Repeat(" | where a = '1'", MaxStages)
	if _, err := Compile(q); err != nil {
		t.Errorf("%d stages: %v", MaxStages, err)
	}
	q += " | where b = '2'"
	_, err = Compile(q)
	if err == nil || !strings.Contains(err.Error(), "too many pipeline levels: at most 16") {
		t.Errorf("%d stages: %v", MaxStages+1, err)
	}
	deep := "* | where " + strings.Repeat("(", 500) + "a = '1'" + strings.Repeat(")", 500)
	_, err = Compile(deep)
	if err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("deep nesting: %v", err)
	}
}

func TestSQLOnlyFunctionsOption(t *testing.T) {
	p, err := CompileWith("* | extend n = try_cast(x as bigint), m = nullif(x, '1')", Options{AllowSQLOnlyFunctions: true})
	if err != nil {
		t.Fatal(err)
	}
	got := runOne(t, p, []Field{{"x", "abc"}})
	want := []Field{{"x", "abc"}, {"m", "abc"}}
	if !fieldsEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestErrorCaret(t *testing.T) {
	q := "*\n| where cast(status as bigint bigin)\n| extend a = 1"
	_, err := Compile(q)
	got := err.(*Error).Caret(q)
	want := "2:31: expected ')' after cast type, found 'bigin'\n  | where cast(status as bigint bigin)\n" + strings.Repeat(" ", 32) + "^^^^^"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	_, err = Compile("* | where")
	if got, want := err.(*Error).Caret("* | where"), "1:10: expected an expression after 'where', found end of query\n  * | where\n           ^"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
