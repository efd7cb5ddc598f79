// Package textsafe neutralises untrusted text (log values) before it reaches a
// terminal. Control characters, escape sequences, bidirectional overrides and
// invalid UTF-8 are replaced by visible Go-style escapes (\x1b, \n, \u202e,
// \xff), so that a log value can neither drive the terminal nor hide or
// reorder what is shown, and the reader still sees that the bytes were there.
//
// This package is slstail's one escaping policy for untrusted text: Unsafe
// says which runes must never reach a terminal raw, and every encoding of a
// log value follows it — Sanitize for the TUI and templates, AppendJSONString
// for JSON lines (the TUI's JSON view, saves and copies, --output jsonl), and
// AppendQuoted for --output raw.
package textsafe

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Sanitize returns s with every unsafe rune replaced by a visible escape.
// Newlines and tabs are escaped too: the result is always one line.
// Safe strings are returned unchanged, without allocating.
func Sanitize(s string) string {
	if IsSafe(s) {
		return s
	}
	return string(appendEscaped(make([]byte, 0, len(s)+16), s, false))
}

// SanitizeMultiline is Sanitize but keeps newlines (a "\r\n" pair becomes
// "\n") and expands tabs to four spaces, for views that show text over
// several lines.
func SanitizeMultiline(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if strings.IndexByte(s, '\t') >= 0 {
		s = strings.ReplaceAll(s, "\t", "    ")
	}
	if isSafe(s, true) {
		return s
	}
	return string(appendEscaped(make([]byte, 0, len(s)+16), s, true))
}

// AppendSanitized appends the sanitized form of s to b.
func AppendSanitized(b []byte, s string) []byte {
	if IsSafe(s) {
		return append(b, s...)
	}
	return appendEscaped(b, s, false)
}

// IsSafe reports whether s can be written to a terminal as is, on one line.
func IsSafe(s string) bool { return isSafe(s, false) }

func isSafe(s string, newlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			continue
		}
		if c == '\n' && newlines {
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		// Non-ASCII: decode the rest rune by rune.
		for _, r := range s[i:] {
			if r == '\n' && newlines {
				continue
			}
			if unsafeRune(r) {
				return false
			}
		}
		// A range loop yields RuneError for invalid bytes; a real U+FFFD in
		// the input is harmless, so tell them apart.
		return utf8.ValidString(s[i:])
	}
	return true
}

// Unsafe reports whether r must not reach the terminal raw: C0 and C1
// controls, DEL, and the invisible format characters that reorder or hide
// text (bidi embeddings, overrides and isolates, line and paragraph
// separators). utf8.RuneError stands for invalid UTF-8 and is unsafe too.
func Unsafe(r rune) bool {
	if r == utf8.RuneError {
		return true
	}
	return unsafeRune(r)
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f,
		r >= 0x202a && r <= 0x202e,
		r >= 0x2066 && r <= 0x2069,
		r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

func appendEscaped(b []byte, s string, newlines bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 0x20 && c < 0x7f:
				b = append(b, c)
			case c == '\n' && newlines:
				b = append(b, c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		case unsafeRune(r):
			b = append(b, '\\', 'u',
				hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// AppendJSONString appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD and every unsafe rune is escaped as \uXXXX, so the output is valid
// JSON and, printed as it is, carries nothing a terminal would act on.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case unsafeRune(r):
			b = append(b, '\\', 'u',
				hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// AppendQuoted appends s bare when it is a plain word, else Go-quoted, so
// that "key=value" pairs split back unambiguously: empty values, spaces,
// quotes, '=', '\\' and every unsafe rune force quoting, and strconv's
// quoting escapes the unsafe runes.
func AppendQuoted(b []byte, s string) []byte {
	if s == "" {
		return append(b, `""`...)
	}
	for _, c := range s {
		if c <= ' ' || c == '"' || c == '=' || c == '\\' || Unsafe(c) {
			return strconv.AppendQuote(b, s)
		}
	}
	return append(b, s...)
}
