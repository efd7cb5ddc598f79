package cli

import (
	"net"
	"strings"
	"testing"
)

// demo takes --template as tail does, and a bad query exits 2 with a caret
// before anything starts, as tail's does.
func TestDemoOutputAndQueryEdges(t *testing.T) {
	cleanEnv(t)
	code, out, errOut := runCLI(t, "demo", "--max", "3", "--backfill", "1s", "--template", "{{.Shard}}|{{.F.status}}")
	if code != 0 {
		t.Fatalf("--template: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("--template: %d lines:\n%s", len(lines), out)
	}
	for _, l := range lines {
		if shard, status, ok := strings.Cut(l, "|"); !ok || shard == "" || len(status) != 3 {
			t.Errorf("--template line %q", l)
		}
	}
	code, out, _ = runCLI(t, "demo", "--max", "2", "--backfill", "1s", "-o", "template", "--template", "{{.F.status}}")
	if code != 0 || strings.Count(out, "\n") != 2 {
		t.Errorf("-o template --template: exit %d:\n%s", code, out)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"demo", "-o", "template"}, []string{"--output template needs --template"}},
		{[]string{"demo", "-q", "* | where ("}, []string{"flag --query: query 1:", "^"}},
		{[]string{"demo", "-o", "xml"}, []string{`unknown --output "xml"`}},
		{[]string{"demo", "--from", "yesterday", "-o", "jsonl"}, []string{"--from", "yesterday"}},
	} {
		code, out, errOut := runCLI(t, tc.args...)
		if code != exitUsage || out != "" {
			t.Errorf("%v: exit %d, stdout %q", tc.args, code, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, errOut)
			}
		}
	}
}

// serve on a port in use says which address and points at --addr.
func TestServeOnABusyPortPointsAtAddr(t *testing.T) {
	cleanEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	code, _, errOut := runCLI(t, "serve", "--addr", addr)
	want := "slstail: cannot listen on " + addr + ": the address is in use (another slsd, or another program); choose another with --addr"
	if code != exitFailure || !strings.HasPrefix(errOut, want) || strings.Contains(errOut, "slsd: slsd:") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
	code, _, errOut = runCLI(t, "serve", "--addr", "127.0.0.1:99999")
	if code != exitUsage || !strings.Contains(errOut, "cannot listen on 127.0.0.1:99999: ") || !strings.Contains(errOut, "--addr") {
		t.Errorf("bad port: exit %d, stderr:\n%s", code, errOut)
	}
}
