package spl

import (
	"strings"
	"unicode/utf8"
)

// TokenKind classifies a token for highlighting.
type TokenKind uint8

const (
	TokInvalid     TokenKind = iota // text that does not lex (stray character, unterminated quote)
	TokComment                      // -- line or /* block */ comment
	TokKeyword                      // SQL keyword: and, or, not, case, cast, as, null, ...
	TokInstruction                  // where, extend, project-away, ...
	TokOption                       // -delim, -wildcard, ...
	TokIdent                        // field name, bare or "double-quoted"
	TokString                       // 'single-quoted' string
	TokRegexp                       // a string used as a regular expression
	TokNumber                       // 200, 1.5
	TokOperator                     // = <> < + - * / % || ...
	TokPipe                         // |
	TokPunct                        // , ( ) [ ] ;
	TokFunction                     // function name in a call
	TokType                         // type name in cast(x as bigint)
	TokSource                       // the leading * (or .let / $name, which consumption refuses)

	tokEOF // internal: end of input, never reported
)

var tokenKindNames = [...]string{
	TokInvalid: "invalid", TokComment: "comment", TokKeyword: "keyword", TokInstruction: "instruction",
	TokOption: "option", TokIdent: "ident", TokString: "string", TokRegexp: "regexp", TokNumber: "number",
	TokOperator: "operator", TokPipe: "pipe", TokPunct: "punct", TokFunction: "function", TokType: "type",
	TokSource: "source", tokEOF: "EOF",
}

func (k TokenKind) String() string {
	if int(k) < len(tokenKindNames) {
		return tokenKindNames[k]
	}
	return "TokenKind(?)"
}

// Token is a span of the query with its highlighting class.
type Token struct {
	Kind       TokenKind
	Start, End int // byte offsets into the query
}

// token is the lexer's and parser's view of a token. The parser refines kind
// (an identifier becomes TokFunction, TokInstruction, ...) as it learns the
// token's role, so Check can report what the parser understood.
type token struct {
	kind       TokenKind
	quoted     bool   // TokIdent written in double quotes
	start, end int    // byte offsets
	val        string // identifier name, decoded string literal, operator text, number text
}

// sqlKeywords are reserved: a field with one of these names must be quoted.
var sqlKeywords = map[string]bool{
	"and": true, "or": true, "not": true, "case": true, "when": true, "then": true, "else": true,
	"end": true, "cast": true, "try_cast": true, "as": true, "is": true, "null": true, "true": true,
	"false": true, "like": true, "in": true, "between": true, "escape": true,
}

// lex splits query into tokens. It never stops early: a stray character or an
// unterminated quote becomes a TokInvalid token so that a highlighter can
// colour the whole input. The first lexical error is returned alongside.
func lex(query string) ([]token, *Error) {
	var (
		toks  []token
		first *Error
	)
	fail := func(start, end int, format string, args ...any) {
		if first == nil {
			first = errorf(query, start, end, format, args...)
		}
	}
	i := 0
	for i < len(query) {
		c := query[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			for i < len(query) && query[i] != '\n' {
				i++
			}
			toks = append(toks, token{kind: TokComment, start: start, end: i})
		case c == '/' && i+1 < len(query) && query[i+1] == '*':
			j := strings.Index(query[i+2:], "*/")
			if j < 0 {
				fail(start, len(query), "unterminated comment: missing '*/'")
				i = len(query)
				toks = append(toks, token{kind: TokInvalid, start: start, end: i})
				continue
			}
			i += 2 + j + 2
			toks = append(toks, token{kind: TokComment, start: start, end: i})
		case c == '\'':
			val, end, ok := scanQuoted(query, i, '\'')
			i = end
			if !ok {
				fail(start, end, "unterminated string: missing closing quote (')")
				toks = append(toks, token{kind: TokInvalid, start: start, end: end})
				continue
			}
			toks = append(toks, token{kind: TokString, start: start, end: end, val: val})
		case c == '"':
			val, end, ok := scanQuoted(query, i, '"')
			i = end
			if !ok {
				fail(start, end, "unterminated quoted field name: missing closing quote (\")")
				toks = append(toks, token{kind: TokInvalid, start: start, end: end})
				continue
			}
			if val == "" {
				fail(start, end, "empty field name \"\"")
			}
			toks = append(toks, token{kind: TokIdent, quoted: true, start: start, end: end, val: val})
		case isDigit(c) || (c == '.' && i+1 < len(query) && isDigit(query[i+1])):
			i = scanNumber(query, i)
			if i < len(query) && isIdentStart(query[i]) {
				// "12abc" is neither a number nor a name.
				for i < len(query) && isIdentPart(query[i]) {
					i++
				}
				fail(start, i, "invalid number %q", query[start:i])
				toks = append(toks, token{kind: TokInvalid, start: start, end: i, val: query[start:i]})
				continue
			}
			toks = append(toks, token{kind: TokNumber, start: start, end: i, val: query[start:i]})
		case isIdentStart(c):
			for i < len(query) && isIdentPart(query[i]) {
				i++
			}
			word := query[start:i]
			// The lenient unquoted tag form: __tag__:__path__ (Logtail accepts it).
			if word == "__tag__" && i < len(query) && query[i] == ':' {
				i++
				for i < len(query) && isTagNamePart(query[i]) {
					i++
				}
				toks = append(toks, token{kind: TokIdent, start: start, end: i, val: query[start:i]})
				continue
			}
			kind := TokIdent
			if sqlKeywords[strings.ToLower(word)] {
				kind = TokKeyword
			}
			toks = append(toks, token{kind: kind, start: start, end: i, val: word})
		default:
			op := scanOperator(query[i:])
			if op == "" {
				r, n := utf8.DecodeRuneInString(query[i:])
				i += n
				if r == utf8.RuneError && n == 1 {
					fail(start, i, "invalid UTF-8 byte 0x%02x", c)
				} else {
					fail(start, i, "unexpected character %q", r)
				}
				toks = append(toks, token{kind: TokInvalid, start: start, end: i, val: query[start:i]})
				continue
			}
			i += len(op)
			kind := TokOperator
			switch op {
			case "|":
				kind = TokPipe
			case ",", "(", ")", "[", "]", ";", ".", "$":
				kind = TokPunct
			}
			toks = append(toks, token{kind: kind, start: start, end: i, val: op})
		}
	}
	toks = append(toks, token{kind: tokEOF, start: len(query), end: len(query)})
	return toks, first
}

// scanQuoted scans a quote-delimited literal starting at s[i] == q. A doubled
// quote stands for one quote character (SQL convention); backslash is not an
// escape. It returns the decoded value and the offset after the closing quote.
func scanQuoted(s string, i int, q byte) (val string, end int, ok bool) {
	j := i + 1
	var b strings.Builder
	simple := true
	for j < len(s) {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				if simple {
					b.WriteString(s[i+1 : j])
					simple = false
				}
				b.WriteByte(q)
				j += 2
				continue
			}
			if simple {
				return s[i+1 : j], j + 1, true
			}
			return b.String(), j + 1, true
		}
		if !simple {
			b.WriteByte(s[j])
		}
		j++
	}
	return "", len(s), false
}

func scanNumber(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' && i+1 < len(s) && isDigit(s[i+1]) {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

var operators = []string{"<>", "!=", "<=", ">=", "||", "->", "=", "<", ">", "+", "-", "*", "/", "%", "|", ",", "(", ")", "[", "]", ";", ".", "$"}

func scanOperator(s string) string {
	for _, op := range operators {
		if strings.HasPrefix(s, op) {
			return op
		}
	}
	return ""
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) }

// isTagNamePart bounds the unquoted __tag__:name form: anything up to a
// separator the grammar uses.
func isTagNamePart(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', '|', '(', ')', '=', ';', '\'', '"', '<', '>', '!', '[', ']':
		return false
	}
	return c >= 0x20 && c < 0x7f
}
