package tui

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestHandoffCommand(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 20, 7, 910_000_000, time.FixedZone("UTC+8", 8*3600))
	got := handoff{Profile: "prod", Query: "* | where status = '503'", From: at}.command()
	want := `slstail --profile prod -q '* | where status = '\''503'\''' --from 2026-11-24T04:20:07Z`
	if got != want {
		t.Errorf("with a profile:\n got %s\nwant %s", got, want)
	}
	got = handoff{Endpoint: "127.0.0.1:7001", Project: "demo", Logstore: "access", Query: "*"}.command()
	if want := "slstail --endpoint 127.0.0.1:7001 --project demo --logstore access -q '*'"; got != want {
		t.Errorf("without a profile:\n got %s\nwant %s", got, want)
	}
}

// Every hostile query, profile and name reads back as itself through a
// real shell: the command's words, run with printf for slstail, print the
// arguments as given.
func TestHandoffShellRoundTrip(t *testing.T) {
	hostile := []string{
		"* | where status = '503'",
		`* | where uri like '%$HOME%' and ua = "curl"`,
		"* | where a = `id` -- $(rm -rf /)",
		"* | where msg = 'line one\nline two'",
		"* | where x = '\ttab' and y = '\x1b[31m'",
		`* | where path = 'C:\temp\n' and q = '\''`,
		"* | where bang = '!!' and h = '!$'",
		"* | where u = 'ü 漢字' and e = ''",
		"* | where bad = '\xff'",
		"'",
		"",
	}
	for _, shell := range []string{"sh", "bash"} {
		path, err := exec.LookPath(shell)
		if err != nil {
			t.Logf("no %s: %v", shell, err)
			continue
		}
		for _, q := range hostile {
			h := handoff{Endpoint: "ep;rm", Project: "my project", Logstore: "it's", Query: q, From: t0}
			cmd := h.command()
			if strings.ContainsRune(cmd, 0x1b) {
				t.Fatalf("%q: a raw escape in the command %q", q, cmd)
			}
			needsBash := strings.Contains(cmd, "$'")
			if needsBash && shell == "sh" {
				continue // dash does not read $'...'
			}
			script := `slstail() { printf '%s\0' "$@"; }; ` + cmd
			out, err := exec.Command(path, "-c", script).Output()
			if err != nil {
				t.Fatalf("%s: %q: %v", shell, cmd, err)
			}
			got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
			want := []string{"--endpoint", "ep;rm", "--project", "my project", "--logstore", "it's"}
			if strings.TrimSpace(q) != "" {
				want = append(want, "-q", strings.TrimSpace(q))
			}
			want = append(want, "--from", "2026-11-24T18:20:00Z")
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s\n got %q\nwant %q", shell, cmd, got, want)
			}
		}
	}
}
