package cli

import (
	"testing"
	"time"

	"github.com/slstail/slstail/consumer"
)

// {{.Receive}} printed year 1 for logs without SLS's receive time (slsd,
// and logstores that do not record it); it renders empty now.
func TestTemplateReceiveTime(t *testing.T) {
	receive := time.Date(2026, 12, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		receive time.Time
		want    string
	}{
		{time.Time{}, "[][][no receive time]\n"},
		{receive, "[" + receive.String() + "][03:04:05][2026]\n"},
	} {
		enc, err := newEncoder("template", `[{{.Receive}}][{{.Receive.Format "15:04:05"}}][{{if .Receive.IsZero}}no receive time{{else}}{{.Receive.Year}}{{end}}]`)
		if err != nil {
			t.Fatal(err)
		}
		r := consumer.NewRecord(0, time.Unix(1764000000, 0), &consumer.Group{Receive: tc.receive}, consumer.Field{Key: "a", Value: "b"})
		b, err := enc.AppendRecord(nil, &r)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("receive %v: %q, want %q", tc.receive, b, tc.want)
		}
	}
}
