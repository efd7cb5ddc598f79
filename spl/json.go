package spl

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A small JSON scanner over raw text. It never builds a tree: json_extract,
// parse-json and the JSON-lines reader only need to find values and slice
// them out, and slicing keeps the original text of nested values (SLS shows
// nested objects exactly as they were written).

var errBadJSON = errors.New("invalid JSON")

func skipWS(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanJSONValue returns the end offset of the JSON value starting at s[i]
// (after leading whitespace). depth bounds nesting.
func scanJSONValue(s string, i, depth int) (start, end int, err error) {
	i = skipWS(s, i)
	if i >= len(s) {
		return i, i, errBadJSON
	}
	if depth > 512 {
		return i, i, errors.New("JSON nested too deeply")
	}
	start = i
	switch c := s[i]; {
	case c == '{':
		i = skipWS(s, i+1)
		if i < len(s) && s[i] == '}' {
			return start, i + 1, nil
		}
		for {
			i = skipWS(s, i)
			if i >= len(s) || s[i] != '"' {
				return start, i, errBadJSON
			}
			_, e, err := scanJSONString(s, i)
			if err != nil {
				return start, e, err
			}
			i = skipWS(s, e)
			if i >= len(s) || s[i] != ':' {
				return start, i, errBadJSON
			}
			_, e, err = scanJSONValue(s, i+1, depth+1)
			if err != nil {
				return start, e, err
			}
			i = skipWS(s, e)
			if i < len(s) && s[i] == ',' {
				i++
				continue
			}
			if i < len(s) && s[i] == '}' {
				return start, i + 1, nil
			}
			return start, i, errBadJSON
		}
	case c == '[':
		i = skipWS(s, i+1)
		if i < len(s) && s[i] == ']' {
			return start, i + 1, nil
		}
		for {
			_, e, err := scanJSONValue(s, i, depth+1)
			if err != nil {
				return start, e, err
			}
			i = skipWS(s, e)
			if i < len(s) && s[i] == ',' {
				i++
				continue
			}
			if i < len(s) && s[i] == ']' {
				return start, i + 1, nil
			}
			return start, i, errBadJSON
		}
	case c == '"':
		_, e, err := scanJSONString(s, i)
		return start, e, err
	case c == 't':
		return start, i + 4, expectLit(s, i, "true")
	case c == 'f':
		return start, i + 5, expectLit(s, i, "false")
	case c == 'n':
		return start, i + 4, expectLit(s, i, "null")
	case c == '-' || isDigit(c):
		e := scanJSONNumber(s, i)
		if e == i {
			return start, i, errBadJSON
		}
		return start, e, nil
	}
	return start, i, errBadJSON
}

func expectLit(s string, i int, lit string) error {
	if strings.HasPrefix(s[i:], lit) {
		return nil
	}
	return errBadJSON
}

func scanJSONNumber(s string, i int) int {
	start := i
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) || !isDigit(s[i]) {
		return start
	}
	if s[i] == '0' {
		i++
	} else {
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i+1 {
			return start
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k == j {
			return start
		}
		i = k
	}
	return i
}

// scanJSONString scans the string literal at s[i] == '"'. escaped reports
// whether it contains backslash escapes (and so needs decoding).
func scanJSONString(s string, i int) (escaped bool, end int, err error) {
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return escaped, j + 1, nil
		case c == '\\':
			escaped = true
			j++
		case c < 0x20:
			return escaped, j, errors.New("control character in JSON string")
		}
	}
	return escaped, len(s), errors.New("unterminated JSON string")
}

// decodeJSONString returns the value of the string literal raw (with quotes).
func decodeJSONString(raw string, escaped bool) (string, error) {
	if !escaped {
		return raw[1 : len(raw)-1], nil
	}
	var out string
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return "", err
	}
	return out, nil
}

// jsonScalarText gives the text of a JSON scalar: a string loses its quotes,
// a number or boolean is its literal. Other JSON is returned unchanged.
func jsonScalarText(raw string) string {
	raw = strings.TrimSpace(raw)
	if len(raw) >= 2 && raw[0] == '"' {
		esc, end, err := scanJSONString(raw, 0)
		if err == nil && end == len(raw) {
			if s, err := decodeJSONString(raw, esc); err == nil {
				return s
			}
		}
	}
	return raw
}

// objectEach calls fn for each member of the JSON object raw, in order, with
// the decoded key and the raw value text. It fails if raw is not an object.
func objectEach(raw string, fn func(key, val string) error) error {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return errors.New("not a JSON object")
	}
	if _, end, err := scanJSONValue(raw, i, 0); err != nil {
		return err
	} else if skipWS(raw, end) != len(raw) {
		return errors.New("trailing text after JSON value")
	}
	i = skipWS(raw, i+1)
	if raw[i] == '}' {
		return nil
	}
	for {
		i = skipWS(raw, i)
		esc, e, _ := scanJSONString(raw, i)
		key, err := decodeJSONString(raw[i:e], esc)
		if err != nil {
			return err
		}
		i = skipWS(raw, e) + 1 // ':'
		vs, ve, _ := scanJSONValue(raw, i, 0)
		if err := fn(key, raw[vs:ve]); err != nil {
			return err
		}
		i = skipWS(raw, ve)
		if raw[i] == '}' {
			return nil
		}
		i++ // ','
	}
}

// arrayEach calls fn for each element of the JSON array raw.
func arrayEach(raw string, fn func(val string) error) error {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return errors.New("not a JSON array")
	}
	if _, end, err := scanJSONValue(raw, i, 0); err != nil {
		return err
	} else if skipWS(raw, end) != len(raw) {
		return errors.New("trailing text after JSON value")
	}
	i = skipWS(raw, i+1)
	if raw[i] == ']' {
		return nil
	}
	for {
		vs, ve, _ := scanJSONValue(raw, i, 0)
		if err := fn(raw[vs:ve]); err != nil {
			return err
		}
		i = skipWS(raw, ve)
		if raw[i] == ']' {
			return nil
		}
		i++
	}
}

// validJSON reports whether raw is exactly one JSON value.
func validJSON(raw string) bool {
	_, end, err := scanJSONValue(raw, 0, 0)
	return err == nil && skipWS(raw, end) == len(raw)
}

// jsonPathStep is one step of a JSONPath: a member name or an array index.
type jsonPathStep struct {
	key   string
	index int
	isIdx bool
}

// parseJSONPath parses the JSONPath subset SLS documents: $, .name,
// ['name'], ["name"], [0]. A path without "$" is read relative to the root.
func parseJSONPath(p string) ([]jsonPathStep, error) {
	s := strings.TrimSpace(p)
	if s == "" {
		return nil, errors.New("empty JSONPath")
	}
	if s[0] == '$' {
		s = s[1:]
	} else if s[0] != '.' && s[0] != '[' {
		s = "." + s
	}
	var steps []jsonPathStep
	for len(s) > 0 {
		switch s[0] {
		case '.':
			s = s[1:]
			j := 0
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			if j == 0 {
				return nil, fmt.Errorf("empty member name in JSONPath %q", p)
			}
			name := s[:j]
			if name == "*" {
				return nil, fmt.Errorf("wildcards are not supported in JSONPath %q", p)
			}
			steps = append(steps, jsonPathStep{key: name})
			s = s[j:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, fmt.Errorf("missing ']' in JSONPath %q", p)
			}
			in := strings.TrimSpace(s[1:end])
			switch {
			case len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0]:
				steps = append(steps, jsonPathStep{key: in[1 : len(in)-1]})
			default:
				n, err := strconv.Atoi(in)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("invalid array index %q in JSONPath %q", in, p)
				}
				steps = append(steps, jsonPathStep{index: n, isIdx: true})
			}
			s = s[end+1:]
		default:
			return nil, fmt.Errorf("unexpected %q in JSONPath %q", s[:1], p)
		}
	}
	return steps, nil
}

// jsonExtract follows path in the JSON text doc and returns the raw text of
// the value found. ok is false when the document is not JSON or the path
// leads nowhere (json_extract then yields NULL).
func jsonExtract(doc string, path []jsonPathStep) (raw string, ok bool) {
	if !validJSON(doc) {
		return "", false
	}
	cur := strings.TrimSpace(doc)
	for _, st := range path {
		found := false
		if st.isIdx {
			n := 0
			_ = arrayEach(cur, func(v string) error {
				if n == st.index {
					cur, found = v, true
					return errStop
				}
				n++
				return nil
			})
		} else {
			_ = objectEach(cur, func(k, v string) error {
				if k == st.key {
					cur, found = v, true
					return errStop
				}
				return nil
			})
		}
		if !found {
			return "", false
		}
	}
	return cur, true
}

var errStop = errors.New("stop")

// compactJSON re-serializes raw JSON without insignificant whitespace, as
// Presto renders json_extract results.
func compactJSON(raw string) string {
	if !strings.ContainsAny(raw, " \t\r\n") {
		return raw
	}
	var b []byte
	inStr := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inStr {
			b = append(b, c)
			if c == '\\' && i+1 < len(raw) {
				i++
				b = append(b, raw[i])
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '"':
			inStr = true
		}
		b = append(b, c)
	}
	return string(b)
}

// appendJSONString appends s as a JSON string literal. Like jq, it escapes
// only what JSON requires (quote, backslash, control characters) and
// replaces invalid UTF-8 with U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigit = "0123456789abcdef"
