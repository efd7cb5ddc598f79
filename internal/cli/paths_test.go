package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPruneSDKLogs(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	touch := func(name string, age time.Duration) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("level=info\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	// Twelve recent logs, two old ones, an old backup and the old single
	// sdk.log: only the old ones beyond the newest ten go.
	for i := range 12 {
		touch(fmt.Sprintf("sdk.%d.log", 100+i), time.Duration(i)*time.Hour)
	}
	touch("sdk.7.log", 48*time.Hour)
	touch("sdk.7-2026-11-01T00-00-00.000-size.log.gz", 50*time.Hour)
	touch("sdk.log", 72*time.Hour)
	touch("history", 100*time.Hour)
	pruneSDKLogs(dir, now)
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	for _, gone := range []string{"sdk.7.log", "sdk.7-2026-11-01T00-00-00.000-size.log.gz", "sdk.log"} {
		if slices.Contains(left, gone) {
			t.Errorf("%s is still there: %v", gone, left)
		}
	}
	if len(left) != 13 || !slices.Contains(left, "history") || !slices.Contains(left, "sdk.111.log") {
		t.Errorf("left %v: want the 12 recent logs (young ones are never pruned) and history", left)
	}
}

// Two slstails at once write two SDK logs, each whole: a shared sdk.log
// had the second process's lines written over the first's.
func TestConcurrentRunsWriteTheirOwnSDKLog(t *testing.T) {
	if os.Getenv("SLSTAIL_SDKLOG_HELPER") == "1" {
		return // the helper runs below, in the child processes
	}
	if testing.Short() {
		t.Skip("runs two child processes")
	}
	state := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var cmds []*exec.Cmd
	for range 2 {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSDKLogHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SLSTAIL_SDKLOG_HELPER=1", "XDG_STATE_HOME="+state,
			"XDG_CONFIG_HOME="+filepath.Join(state, "config"), "HOME="+state)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}
	var logs []string
	for _, cmd := range cmds {
		p := filepath.Join(state, "slstail", fmt.Sprintf("sdk.%d.log", cmd.Process.Pid))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("no SDK log of process %d: %v", cmd.Process.Pid, err)
		}
		logs = append(logs, p)
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if len(lines) < 2 {
			t.Errorf("%s: %d lines", p, len(lines))
		}
		for _, l := range lines {
			// Every line is one whole logfmt record.
			if !strings.HasPrefix(l, "level=") || !strings.Contains(l, " time=") || strings.Count(l, "level=") != 1 {
				t.Errorf("%s: torn line %q", p, l)
			}
		}
	}
	if logs[0] == logs[1] {
		t.Fatal("both processes wrote one file")
	}
}

// TestSDKLogHelperProcess is a slstail run for the test above.
func TestSDKLogHelperProcess(t *testing.T) {
	if os.Getenv("SLSTAIL_SDKLOG_HELPER") != "1" {
		t.Skip("a helper for TestConcurrentRunsWriteTheirOwnSDKLog")
	}
	code, _, errOut := runCLI(t, "demo", "--max", "50", "-o", "jsonl", "--backfill", "1s", "--shards", "2")
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
}
