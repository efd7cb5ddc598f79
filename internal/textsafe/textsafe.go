// Package textsafe neutralises untrusted text (log values) before it reaches a
// terminal. Control characters, escape sequences, bidirectional overrides and
// invalid UTF-8 are replaced by visible Go-style escapes (\x1b, \n, \u202e,
// \xff), so that a log value can neither drive the terminal nor hide or
// reorder what is shown, and the reader still sees that the bytes were there.
//
// It is used by the terminal UI and by the plain-output fallback alike.
package textsafe

import (
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

// unsafeRune reports whether r must not reach the terminal raw: C0 and C1
// controls, DEL, and the invisible format characters that reorder or hide
// text (bidi embeddings, overrides and isolates, line and paragraph
// separators).
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
