package slsd

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Cursors are what SLS sends: standard base64 of a decimal int64 that grows
// by one per log group in a shard. Docs show them both padded and unpadded.
func encodeCursor(c int64) string {
	return base64.StdEncoding.EncodeToString([]byte(strconv.FormatInt(c, 10)))
}

func decodeCursor(s string) (int64, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil {
			return 0, false
		}
	}
	c, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || c < 0 {
		return 0, false
	}
	return c, true
}

// cursorIndex maps a cursor string to a packet index of sh. A malformed
// cursor is ParameterInvalid (what SLS answers to a truncated cursor); a
// well-formed one outside [begin, end] is InvalidCursor.
func (sh *shard) cursorIndex(s string) (int64, *apiError) {
	c, ok := decodeCursor(s)
	if !ok {
		return 0, errParam("cursor %s is invalid", s)
	}
	i := c - sh.base
	first, end := sh.span()
	if i < first || i > end {
		return 0, errInvalidCursor(s)
	}
	return i, nil
}
