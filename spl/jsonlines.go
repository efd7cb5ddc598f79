package spl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Stats counts what FilterJSONLines did.
type Stats struct {
	Lines    int64 // input lines read, blank ones included
	Logs     int64 // lines that held a log and were evaluated
	BadLines int64 // lines that were not a JSON object (reported and skipped)
	Failed   int64 // logs whose evaluation failed (SLS's failedlines); they produce no rows
	Rows     int64 // result rows written
}

// maxFailureReports bounds how many evaluation failures are printed: a query
// that fails on every log would otherwise flood the terminal. Bad input lines
// are always reported.
const maxFailureReports = 100

// FilterJSONLines runs prog over JSON lines read from r, one log per line,
// and writes each result row to w as one JSON object with string values
// (__time__ and __shard__ as numbers, as tail's JSON lines have them), in
// field order. It is the engine of "slstail spl QUERY [FILE]".
//
// Input values should be strings, as in SLS. Other JSON values are read the
// way they would reach SLS as text: numbers and booleans as written (503,
// 1.5e3, true), objects and arrays as their JSON text; a null member is
// treated as an absent field. Blank lines are skipped. A line that is not a
// JSON object is reported on errw as "line N: ..." and skipped; so is a log
// whose evaluation fails (counted in Stats.Failed, the first 100 printed).
// A row that leaves the pipeline unchanged is written as its original line
// when that line is already compact JSON with string values, which is what
// makes a plain filter fast.
//
// The returned error is a read, write or context error; bad lines are not
// errors.
func FilterJSONLines(ctx context.Context, prog *Program, r io.Reader, w io.Writer, errw io.Writer) (Stats, error) {
	var st Stats
	br := bufio.NewReaderSize(r, 1<<20)
	bw := bufio.NewWriterSize(w, 1<<18)
	var (
		line     []byte // the current line, owned by us (see viewString)
		fields   []Field
		out      []byte
		canon    bool
		failures int
		werr     error
	)
	emit := func(res []Field) {
		st.Rows++
		if canon && len(res) > 0 && len(res) == len(fields) && &res[0] == &fields[0] {
			out = append(out[:0], line...)
		} else {
			out = appendLogJSON(out[:0], res)
		}
		out = append(out, '\n')
		if _, err := bw.Write(out); err != nil && werr == nil {
			werr = err
		}
	}
	for {
		if st.Lines&4095 == 0 {
			if err := ctx.Err(); err != nil {
				bw.Flush()
				return st, err
			}
		}
		chunk, rerr := br.ReadSlice('\n')
		if rerr == bufio.ErrBufferFull {
			// A line longer than the buffer: gather it.
			line = append(line[:0], chunk...)
			for rerr == bufio.ErrBufferFull {
				chunk, rerr = br.ReadSlice('\n')
				line = append(line, chunk...)
			}
		} else {
			line = append(line[:0], chunk...)
		}
		if len(line) == 0 && rerr != nil {
			if rerr == io.EOF {
				break
			}
			bw.Flush()
			return st, fmt.Errorf("read input: %w", rerr)
		}
		st.Lines++
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(line)) == 0 {
			if rerr != nil {
				break
			}
			continue
		}
		var perr error
		fields, canon, perr = parseLogLine(viewString(line), fields[:0])
		if perr != nil {
			st.BadLines++
			fmt.Fprintf(errw, "line %d: %v\n", st.Lines, perr)
		} else {
			st.Logs++
			if err := prog.Run(fields, emit); err != nil {
				st.Failed++
				if failures < maxFailureReports {
					failures++
					fmt.Fprintf(errw, "line %d: %v\n", st.Lines, err)
					if failures == maxFailureReports {
						fmt.Fprintf(errw, "further evaluation failures are counted but not printed\n")
					}
				}
			}
			if werr != nil {
				return st, fmt.Errorf("write output: %w", werr)
			}
		}
		clear(fields) // drop views of line before it is overwritten
		if rerr != nil {
			if rerr == io.EOF {
				break
			}
			bw.Flush()
			return st, fmt.Errorf("read input: %w", rerr)
		}
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("write output: %w", err)
	}
	return st, nil
}

// viewString returns a string sharing b's memory, to avoid copying every
// line. The strings it yields (keys and unescaped values) must not outlive
// the line: FilterJSONLines overwrites the buffer only after Run has
// returned and emit has written the row, and Run keeps nothing.
func viewString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

var errNotObject = errors.New("expected a JSON object, one log per line")

// parseLogLine reads one JSON object into fields. canonical reports whether
// appendLogJSON would reproduce s byte for byte (compact, string values, no
// escapes), so that an unchanged row can be written as the line itself.
func parseLogLine(s string, fields []Field) (out []Field, canonical bool, err error) {
	i := skipWS(s, 0)
	canonical = i == 0
	if i >= len(s) || s[i] != '{' {
		return fields, false, errNotObject
	}
	i++
	if j := skipWS(s, i); j < len(s) && s[j] == '}' {
		return fields, canonical && j == i && j+1 == len(s), trailing(s, j+1)
	}
	for {
		j := skipWS(s, i)
		canonical = canonical && j == i
		if j >= len(s) || s[j] != '"' {
			return fields, false, fmt.Errorf("invalid JSON at column %d: expected a member name", j+1)
		}
		key, end, plain, err := readJSONString(s, j)
		if err != nil {
			return fields, false, err
		}
		canonical = canonical && plain
		k := skipWS(s, end)
		canonical = canonical && k == end
		if k >= len(s) || s[k] != ':' {
			return fields, false, fmt.Errorf("invalid JSON at column %d: expected ':'", k+1)
		}
		v := skipWS(s, k+1)
		canonical = canonical && v == k+1
		if v >= len(s) {
			return fields, false, fmt.Errorf("invalid JSON at column %d: expected a value", v+1)
		}
		var val string
		isNull := false
		if s[v] == '"' {
			var vplain bool
			val, end, vplain, err = readJSONString(s, v)
			if err != nil {
				return fields, false, err
			}
			// A numeric meta field given as a string is written back as
			// a number (appendLogJSON), so the line is not canonical.
			canonical = canonical && vplain && !numericMeta(key, val)
		} else {
			canonical = false
			vs, ve, err := scanJSONValue(s, v, 0)
			if err != nil {
				return fields, false, fmt.Errorf("invalid JSON at column %d: %v", ve+1, err)
			}
			val, end = s[vs:ve], ve
			isNull = val == "null"
			if s[vs] == '{' || s[vs] == '[' {
				val = compactJSON(val)
			}
		}
		if !isNull {
			fields = append(fields, Field{Key: key, Value: val})
		}
		i = skipWS(s, end)
		canonical = canonical && i == end
		if i < len(s) && s[i] == ',' {
			i++
			continue
		}
		if i < len(s) && s[i] == '}' {
			return fields, canonical && i+1 == len(s), trailing(s, i+1)
		}
		return fields, false, fmt.Errorf("invalid JSON at column %d: expected ',' or '}'", i+1)
	}
}

func trailing(s string, i int) error {
	if j := skipWS(s, i); j < len(s) {
		return fmt.Errorf("invalid JSON at column %d: unexpected text after the object", j+1)
	}
	return nil
}

// readJSONString decodes the string literal at s[i]. plain reports that it
// has no escapes and only characters appendJSONString writes unchanged.
func readJSONString(s string, i int) (val string, end int, plain bool, err error) {
	high, del := false, false
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '"':
			val = s[i+1 : j]
			plain = !del && (!high || utf8.ValidString(val))
			return val, j + 1, plain, nil
		case c == '\\':
			esc, e, err := scanJSONString(s, i)
			if err != nil {
				return "", e, false, fmt.Errorf("invalid JSON at column %d: %v", e+1, err)
			}
			v, err := decodeJSONString(s[i:e], esc)
			if err != nil {
				return "", e, false, fmt.Errorf("invalid JSON at column %d: bad escape", i+1)
			}
			return v, e, false, nil
		case c < 0x20:
			return "", j, false, fmt.Errorf("invalid JSON at column %d: control character in string", j+1)
		case c >= 0x7f:
			high = true
			// appendJSONString escapes DEL, so such a line is not canonical.
			del = del || c == 0x7f
		}
	}
	return "", len(s), false, fmt.Errorf("invalid JSON: unterminated string starting at column %d", i+1)
}

// appendLogJSON writes fields as one compact JSON object: string values,
// except __time__ and __shard__ holding integers, which are written as
// numbers, as `slstail tail --output jsonl` writes them. One convention for
// both outputs means a tail's output piped through `slstail spl` keeps its
// shape, and jq sees the same types either way.
func appendLogJSON(b []byte, fields []Field) []byte {
	b = append(b, '{')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, f.Key)
		b = append(b, ':')
		if numericMeta(f.Key, f.Value) {
			b = append(b, f.Value...)
		} else {
			b = appendJSONString(b, f.Value)
		}
	}
	return append(b, '}')
}

// numericMeta reports whether a field is __time__ or __shard__ holding a
// decimal integer (optionally negative, no leading zeros, at most 18 digits
// so that it stays exact in every JSON reader's int64), which JSON lines
// carry as a number.
func numericMeta(key, val string) bool {
	if key != "__time__" && key != "__shard__" {
		return false
	}
	digits := strings.TrimPrefix(val, "-")
	if digits == "" || len(digits) > 18 || (digits[0] == '0' && len(digits) > 1) {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return digits != "0" || val == "0"
}
