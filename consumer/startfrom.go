package consumer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseStartFrom reads a start position as users type it: "end", "begin",
// "checkpoint", "continue", an RFC 3339 time ("2024-05-01T10:00:00Z", or
// "2024-05-01 10:00:00" in UTC), a relative time ("-15m", "-2h30m", "15m"
// also means 15 minutes ago) or unix seconds ("1714557600").
func ParseStartFrom(s string) (StartFrom, error) {
	v := strings.TrimSpace(s)
	switch strings.ToLower(v) {
	case "", "end", "now", "latest", "tail":
		return StartFrom{Kind: PosEnd}, nil
	case "begin", "beginning", "start", "oldest", "earliest":
		return StartFrom{Kind: PosBegin}, nil
	case "checkpoint", "resume":
		return StartFrom{Kind: PosCheckpoint}, nil
	case "continue":
		return StartFrom{Kind: PosContinue}, nil
	}
	if d, err := time.ParseDuration(strings.TrimPrefix(v, "-")); err == nil && !strings.HasPrefix(v, "+") {
		if d <= 0 {
			return StartFrom{}, fmt.Errorf("start position %q: a relative time must be positive, like -15m", s)
		}
		return StartFrom{Kind: PosAgo, Ago: d}, nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 || n > 1<<40 {
			return StartFrom{}, fmt.Errorf("start position %q: unix seconds out of range", s)
		}
		return StartFrom{Kind: PosTime, Time: time.Unix(n, 0).UTC()}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return StartFrom{Kind: PosTime, Time: t.UTC()}, nil
		}
	}
	return StartFrom{}, fmt.Errorf("start position %q: want end, begin, checkpoint, continue, "+
		"a relative time like -15m, an RFC 3339 time like 2024-05-01T10:00:00Z, or unix seconds", s)
}

// String renders the position the way ParseStartFrom reads it.
func (f StartFrom) String() string {
	switch f.Kind {
	case PosEnd:
		return "end"
	case PosBegin:
		return "begin"
	case PosTime:
		return f.Time.UTC().Format(time.RFC3339)
	case PosAgo:
		return "-" + f.Ago.String()
	case PosCheckpoint:
		return "checkpoint"
	case PosContinue:
		return "continue"
	}
	return "unknown"
}

// at is the absolute time of a time-based position, relative to now.
func (f StartFrom) at(now time.Time) time.Time {
	if f.Kind == PosAgo {
		return now.Add(-f.Ago)
	}
	return f.Time
}
