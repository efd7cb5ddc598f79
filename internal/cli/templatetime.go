package cli

import "time"

// templateTime is a time as --template sees it: empty when zero. SLS adds a
// log group's __receive_time__ tag, which .Receive reads, only when the
// logstore records receive times, and a year-1 timestamp in every line
// ("0001-01-01 00:00:00 +0000 UTC") reads as data, not as "not recorded".
// {{.Receive}} and {{.Receive.Format "…"}} render empty then, and
// {{if not .Receive.IsZero}} tests it; every other method is time.Time's.
type templateTime struct{ time.Time }

func (t templateTime) String() string {
	if t.IsZero() {
		return ""
	}
	return t.Time.String()
}

// Format is time.Time's, but empty for the zero time.
func (t templateTime) Format(layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.Time.Format(layout)
}
