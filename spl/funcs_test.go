package spl

import (
	"strings"
	"testing"
	"time"
)

// funcCases evaluate "extend r = <expr>" on funcRow; want "<null>" means the
// result is NULL (no field written).
var funcCases = []struct{ expr, want string }{
	// string
	{"lower('AbC')", "abc"},
	{"upper('AbC')", "ABC"},
	{"length('卫小明a')", "4"},
	{"substr('hello', 2)", "ello"},
	{"substr('hello', 2, 3)", "ell"},
	{"substr('hello', -3, 2)", "ll"},
	{"substr('hello', 9)", ""},
	{"substring('卫小明', 2, 1)", "小"},
	{"strpos('hello', 'l')", "3"},
	{"strpos('hello', 'z')", "0"},
	{"split_part(uri, '/', 3)", "path-3"},
	{"split_part(uri, '/', 9)", "<null>"},
	{"concat(a, '-', b)", "x-1"},
	{"concat(a, missing)", "<null>"},
	{"replace('a.b.c', '.', '/')", "a/b/c"},
	{"replace('a.b.c', '.')", "abc"},
	{"trim('  x  ')", "x"},
	{"ltrim('  x  ')", "x  "},
	{"rtrim('  x  ')", "  x"},
	{"starts_with(uri, '/request')", "true"},
	{"reverse('abc')", "cba"},
	{"lpad('7', 3, '0')", "007"},
	{"rpad('7', 3, '0')", "700"},
	{"lpad('12345', 3, '0')", "123"},
	{"chr(65)", "A"},
	{"codepoint('A')", "65"},
	{"from_utf8(to_utf8('héllo'))", "héllo"},
	{"to_hex(to_utf8('ab'))", "6162"},
	// regular expressions
	{"regexp_like(uri, 'path-\\d+')", "true"},
	{"regexp_like(uri, '^path')", "false"},
	{"regexp_extract(uri, 'file-\\d+')", "file-1"},
	{"regexp_extract(uri, 'file-(\\d+)', 1)", "1"},
	{"regexp_extract(uri, 'zzz(\\d+)', 1)", "<null>"},
	{"regexp_replace('a1b22', '\\d+', '#')", "a#b#"},
	{"regexp_replace('a1b22', '\\d+')", "ab"},
	{"regexp_replace('ab12', '([a-z]+)(\\d+)', '\\2-\\1')", "12-ab"},
	{"regexp_replace('ab12', '([a-z]+)(\\d+)', '$2-$1')", "12-ab"},
	{"regexp_replace('ab', 'a', '$')", "$b"},
	// JSON
	{"json_extract(j, '$.a.b')", "1"},
	{"json_extract(j, '$.a')", `{"b":1,"c":[1,2]}`},
	{"json_extract(j, '$.a.c[1]')", "2"},
	{"json_extract(j, '$.s')", `"str"`},
	{"json_extract(j, '$.nope')", "<null>"},
	{"json_extract('not json', '$.a')", "<null>"},
	{"json_extract_scalar(j, '$.s')", "str"},
	{"json_extract_scalar(j, '$.a.b')", "1"},
	{"json_extract_scalar(j, '$.a')", "<null>"},
	{"json_extract_scalar(j, '$[\"s\"]')", "str"},
	{"json_array_length('[1, 2, 3]')", "3"},
	{"json_size(j, '$.a')", "2"},
	{"json_size(j, '$.a.c')", "2"},
	{"json_array_contains('[1, \"x\"]', 'x')", "true"},
	{"json_array_contains('[1, \"x\"]', 2)", "false"},
	{"json_format(json_parse('{ \"a\" : 1 }'))", `{"a":1}`},
	{"json_parse('[1, 2]')", "[1,2]"},
	{"cast(json_extract(j, '$.a.b') as bigint) + 1", "2"},
	// math
	{"abs(-5)", "5"},
	{"abs(-2.5)", "2.5"},
	{"round(2.5)", "3.0"},
	{"round(-2.5)", "-3.0"},
	{"round(2.345, 2)", "2.35"},
	{"round(1250, -2)", "1300"},
	{"round(7)", "7"},
	{"floor(2.7)", "2.0"},
	{"ceil(2.1)", "3.0"},
	{"ceiling(2.1)", "3.0"},
	{"floor(7)", "7"},
	{"mod(7, 3)", "1"},
	{"mod(-7, 3)", "-1"},
	{"mod(7.5, 2)", "1.5"},
	{"sqrt(16)", "4.0"},
	{"cbrt(27)", "3.0"},
	{"pow(2, 10)", "1024.0"},
	{"power(2, 0.5) > 1.41", "true"},
	{"exp(0)", "1.0"},
	{"ln(1)", "0.0"},
	{"log2(8)", "3.0"},
	{"log10(1000)", "3.0"},
	{"sign(-3)", "-1"},
	{"sign(2.5)", "1.0"},
	{"pi() > 3.14", "true"},
	{"e() > 2.71", "true"},
	{"truncate(-2.7)", "-2.0"},
	{"sin(0)", "0.0"},
	{"cos(0)", "1.0"},
	{"tan(0)", "0.0"},
	{"asin(0)", "0.0"},
	{"acos(1)", "0.0"},
	{"atan(0)", "0.0"},
	{"atan2(0, 1)", "0.0"},
	{"sinh(0)", "0.0"},
	{"cosh(0)", "1.0"},
	{"tanh(0)", "0.0"},
	{"degrees(pi())", "180.0"},
	{"radians(180) > 3.14", "true"},
	// date and time (session zone UTC+8)
	{"date_parse('2023-11-11 01:23:45', '%Y-%m-%d %H:%i:%S')", "2023-11-11 01:23:45.000"},
	{"to_unixtime(date_parse('2023-11-11 01:23:45', '%Y-%m-%d %H:%i:%S'))", "1.699637025E9"},
	{"cast(to_unixtime(date_parse('2023-11-11 01:23:45', '%Y-%m-%d %H:%i:%S')) as bigint)", "1699637025"},
	{"from_unixtime(1699637025)", "2023-11-11 01:23:45.000"},
	{"from_unixtime(1699637025.5)", "2023-11-11 01:23:45.500"},
	{"date_format(from_unixtime(1699637025), '%Y/%m/%d %H:%i:%s %a %b %j')", "2023/11/11 01:23:45 Sat Nov 315"},
	{"date_format(from_unixtime(1699637025), '%h %p %T %f %%')", "01 AM 01:23:45 000000 %"},
	{"date_format(cast('2023-09-21 10:59:37.055' as timestamp), '%H:%i:%s')", "10:59:37"},
	{"date_format(date_parse('11/Nov/2023:13:05:06 PM', '%d/%b/%Y:%h:%i:%s %p'), '%Y-%m-%d %H:%i:%s')", "2023-11-11 13:05:06"},
	{"date_parse('2023-02-30', '%Y-%m-%d') is null", "<null>"}, // the row fails: see funcErrorCases
	// conditional
	{"coalesce(missing, a)", "x"},
	{"coalesce(cast(missing as bigint), 1, 2.5)", "1.0"},
	{"if(a = 'x', 'yes', 'no')", "yes"},
	{"if(a = 'y', 'yes')", "<null>"},
	{"try(cast(a as bigint))", "<null>"},
	{"try(cast(b as bigint))", "1"},
	{"cardinality(ARRAY[1, 2, 3])", "3"},
	{"map(ARRAY['a'], ARRAY[1])['a']", "1"},
	// URL
	{"url_encode('a b/c?d')", "a+b%2Fc%3Fd"},
	{"url_decode('a%20b%2Fc')", "a b/c"},
	{"url_extract_host(u)", "www.example.com"},
	{"url_extract_path(u)", "/p/q"},
	{"url_extract_port(u)", "8080"},
	{"url_extract_protocol(u)", "https"},
	{"url_extract_query(u)", "x=1&y=two"},
	{"url_extract_fragment(u)", "frag"},
	{"url_extract_parameter(u, 'y')", "two"},
	{"url_extract_parameter(u, 'z')", "<null>"},
	// hashes and encodings
	{"to_hex(md5(to_utf8('15121412314')))", "852751F9AA48303A5691B0D020E52A0A"},
	{"to_hex(sha1(to_utf8('abc')))", "A9993E364706816ABA3E25717850C26C9CD0D89D"},
	{"to_hex(sha256(to_utf8('')))", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"},
	{"length(to_hex(sha512(to_utf8('a'))))", "128"},
	{"to_base64(to_utf8('hi'))", "aGk="},
	{"from_utf8(from_base64('aGk='))", "hi"},
	{"from_utf8(from_hex('6869'))", "hi"},
	{"crc32(to_utf8('hello'))", "907060870"},
	// casts
	{"cast(' 42 ' as bigint)", "42"},
	{"cast(2.5 as bigint)", "3"},
	{"cast(-2.5 as integer)", "-3"},
	{"cast('2.50' as double)", "2.5"},
	{"cast(1 as varchar)", "1"},
	{"cast('T' as boolean)", "true"},
	{"cast(0 as boolean)", "false"},
	{"cast('2023-11-11 01:23:45' as timestamp)", "2023-11-11 01:23:45.000"},
	{"cast('abc' as json)", `"abc"`},
	{"cast(json_extract(j, '$.s') as varchar)", "str"},
}

var funcRow = f("a", "x", "b", "1", "uri", "/request/path-3/file-1",
	"j", `{"a": {"b": 1, "c": [1, 2]}, "s": "str"}`,
	"u", "https://www.example.com:8080/p/q?x=1&y=two#frag")

func TestFunctions(t *testing.T) {
	for _, tc := range funcCases {
		if strings.HasPrefix(tc.expr, "date_parse('2023-02-30'") {
			continue
		}
		p, err := Compile("* | extend r = " + tc.expr)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		got := "<null>"
		if err := p.Run(funcRow, func(out []Field) {
			for _, fl := range out {
				if fl.Key == "r" {
					got = fl.Value
				}
			}
		}); err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s = %q, want %q", tc.expr, got, tc.want)
		}
	}
}

var funcErrorCases = []struct{ expr, want string }{
	{"date_parse('2023-02-30', '%Y-%m-%d')", "date_parse(): cannot parse '2023-02-30': invalid date"},
	{"date_parse('2023-11-11', '%Y/%m/%d')", "date_parse(): cannot parse '2023-11-11' with format '%Y/%m/%d': expected '/' at offset 4"},
	{"split_part(a, ',', 0)", "split_part(): index must be greater than zero, got 0"},
	{"url_decode('%zz')", `url_decode(): invalid URL escape "%zz"`},
	{"chr(-1)", "chr(): -1 is not a valid code point"},
	{"codepoint('ab')", "codepoint() needs a single character, got 2"},
	{"json_parse('{')", "json_parse(): invalid JSON: {"},
	{"abs(-9223372036854775807 - 1)", "abs(): bigint overflow"},
	{"date_format(from_unixtime(0), '%Q')", "date_format(): unsupported format specifier %Q"},
	{"from_base64('!')", "from_base64(): illegal base64 data at input byte 0"},
}

func TestFunctionErrors(t *testing.T) {
	for _, tc := range funcErrorCases {
		p, err := Compile("* | extend r = " + tc.expr)
		if err != nil {
			t.Errorf("%s: compile: %v", tc.expr, err)
			continue
		}
		err = p.Run(funcRow, func(out []Field) { t.Errorf("%s: unexpected row", tc.expr) })
		re, ok := err.(*RuntimeError)
		if !ok {
			t.Errorf("%s: err = %v, want a RuntimeError", tc.expr, err)
			continue
		}
		if re.Msg != tc.want || re.Instruction != "extend" || re.Line != 1 || re.Col < 16 {
			t.Errorf("%s: got %q at %d:%d in %q, want %q", tc.expr, re.Msg, re.Line, re.Col, re.Instruction, tc.want)
		}
	}
}

// Every registered function has a test case, so adding one without a test
// fails here.
func TestEveryFunctionTested(t *testing.T) {
	var all strings.Builder
	for _, tc := range funcCases {
		all.WriteString(tc.expr + " ")
	}
	for _, tc := range funcErrorCases {
		all.WriteString(tc.expr + " ")
	}
	all.WriteString("now( nullif( typeof(") // tested in TestSQLOnlyFunctions
	text := all.String()
	for name := range funcs {
		if !strings.Contains(text, name+"(") {
			t.Errorf("function %s has no test case", name)
		}
	}
}

func TestSQLOnlyFunctions(t *testing.T) {
	fixed := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	p, err := CompileWith("* | extend n = now(), z = nullif(a, 'x'), w = nullif(b, 'x'), t = typeof(1.5)",
		Options{AllowSQLOnlyFunctions: true, Now: func() time.Time { return fixed }, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	got := runOne(t, p, f("a", "x", "b", "y"))
	want := f("a", "x", "b", "y", "n", "2024-01-02 03:04:05.000", "w", "y", "t", "double")
	if fmtRows([][]Field{got}) != fmtRows([][]Field{want}) {
		t.Errorf("got %v, want %v", got, want)
	}
}
