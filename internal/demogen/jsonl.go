package demogen

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"
)

// JSONLInterval is the time between consecutive logs written by WriteJSONL.
const JSONLInterval = time.Millisecond

// WriteJSONL writes n logs to w as JSON lines, one object per log whose
// keys are "__time__" (Unix seconds) and then the fields in order, all with
// string values:
//
//	{"__time__":"1764000000","client_ip":"123.126.113.247","method":"GET",...}
//
// The logs are those of New(seed, Options{}).Next called at start,
// start+JSONLInterval, start+2*JSONLInterval and so on, so a million logs
// span about 17 minutes and include every kind of incident.
func WriteJSONL(w io.Writer, n int, seed uint64, start time.Time) error {
	g := New(seed, Options{})
	bw := bufio.NewWriterSize(w, 64<<10)
	var line []byte
	for i := range n {
		t := start.Add(time.Duration(i) * JSONLInterval)
		row := g.next(t)
		line = append(line[:0], `{"__time__":"`...)
		line = strconv.AppendInt(line, t.Unix(), 10)
		line = append(line, '"')
		for f, v := range row {
			line = append(line, ',')
			line = appendJSONString(line, fieldNames[f])
			line = append(line, ':')
			line = appendJSONString(line, v)
		}
		line = append(line, "}\n"...)
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("write log %d: %w", i, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write logs: %w", err)
	}
	return nil
}

// appendJSONString appends s as a JSON string. Generated values are ASCII,
// but quotes, backslashes and control characters are escaped all the same.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
