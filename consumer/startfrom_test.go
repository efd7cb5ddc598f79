package consumer

import (
	"testing"
	"time"
)

func TestParseStartFrom(t *testing.T) {
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want StartFrom
	}{
		{"", StartFrom{Kind: PosEnd}},
		{"end", StartFrom{Kind: PosEnd}},
		{"BEGIN", StartFrom{Kind: PosBegin}},
		{"checkpoint", StartFrom{Kind: PosCheckpoint}},
		{"continue", StartFrom{Kind: PosContinue}},
		{"-15m", StartFrom{Kind: PosAgo, Ago: 15 * time.Minute}},
		{"2h30m", StartFrom{Kind: PosAgo, Ago: 150 * time.Minute}},
		{"2024-05-01T10:00:00Z", StartFrom{Kind: PosTime, Time: at}},
		{"2024-05-01T12:00:00+02:00", StartFrom{Kind: PosTime, Time: at}},
		{"2024-05-01 10:00:00", StartFrom{Kind: PosTime, Time: at}},
		{"1714557600", StartFrom{Kind: PosTime, Time: at}},
	}
	for _, tc := range cases {
		got, err := ParseStartFrom(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got.Kind != tc.want.Kind || got.Ago != tc.want.Ago || !got.Time.Equal(tc.want.Time) {
			t.Errorf("%q = %+v, want %+v", tc.in, got, tc.want)
		}
		// String round-trips.
		back, err := ParseStartFrom(got.String())
		if err != nil || back.Kind != got.Kind || back.Ago != got.Ago || !back.Time.Equal(got.Time) {
			t.Errorf("%q: String %q does not parse back (%v)", tc.in, got.String(), err)
		}
	}
	for _, bad := range []string{"yesterday", "-0s", "+5m", "2024-13-01", "-5x"} {
		if _, err := ParseStartFrom(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
