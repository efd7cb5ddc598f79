package spl

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a positioned query error. Error() renders "LINE:COL: message",
// e.g. "1:27: expected ')' after cast type, found 'bigin'".
type Error struct {
	Line, Col int // 1-based; Col counts characters (runes), not bytes
	Offset    int // byte offset into the query
	End       int // byte offset just past the offending text (== Offset when it is a point)
	Msg       string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
}

// Caret renders the error for a terminal: the message, the offending line
// of query, and carets under the offending text, e.g.
//
//	1:33: expected ')' after cast type, found 'bigin'
//	  * | where cast(status as bigint bigin)
//	                                  ^^^^^
func (e *Error) Caret(query string) string {
	start := strings.LastIndexByte(query[:min(e.Offset, len(query))], '\n') + 1
	end := strings.IndexByte(query[start:], '\n')
	if end < 0 {
		end = len(query)
	} else {
		end += start
	}
	line := query[start:end]
	width := utf8.RuneCountInString(query[min(e.Offset, end):min(max(e.End, e.Offset), end)])
	if width < 1 {
		width = 1
	}
	// Tabs keep their width in the caret line so the carets stay aligned.
	var lead strings.Builder
	for _, r := range query[start:min(e.Offset, end)] {
		if r == '\t' {
			lead.WriteByte('\t')
		} else {
			lead.WriteByte(' ')
		}
	}
	return fmt.Sprintf("%s\n  %s\n  %s%s", e.Error(), line, lead.String(), strings.Repeat("^", width))
}

// newError positions msg at the byte range [start, end) of query.
func newError(query string, start, end int, msg string) *Error {
	if start > len(query) {
		start = len(query)
	}
	if end < start {
		end = start
	}
	line, col := lineCol(query, start)
	return &Error{Line: line, Col: col, Offset: start, End: end, Msg: msg}
}

func errorf(query string, start, end int, format string, args ...any) *Error {
	return newError(query, start, end, fmt.Sprintf(format, args...))
}

// lineCol converts a byte offset to a 1-based line and a 1-based column
// counted in runes, which is what an editor cursor shows.
func lineCol(s string, off int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < off && i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		i += n
	}
	return line, col
}

// RuntimeError is the error Program.Run returns when a log fails to process
// (SLS counts these in x-log-failedlines). It names the instruction and the
// position of the expression that failed.
type RuntimeError struct {
	Instruction string // e.g. "where"
	Line, Col   int    // position of the failing expression in the query
	Msg         string
}

func (e *RuntimeError) Error() string {
	return fmt.Sprintf("%s (%d:%d): %s", e.Instruction, e.Line, e.Col, e.Msg)
}
