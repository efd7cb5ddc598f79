package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"google.golang.org/protobuf/proto"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/slsd"
)

var cliKey = slsd.Key{ID: "LTAIclitest", Secret: "cli-test-secret-0123456789"}

// cleanEnv points every place the CLI reads from (config, state, the aliyun
// CLI's profiles, credentials and SLSTAIL_* variables) at an empty test
// directory, and returns it.
func cleanEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "SLSTAIL_") || strings.HasPrefix(name, "ALIBABA_CLOUD_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	return dir
}

// cliServer is slsd with a 4-shard logstore "demo/access" holding n logs
// (a "seq" field counts them), stopped when the test ends.
func cliServer(t *testing.T, n int) *slsd.Server {
	t.Helper()
	srv, err := slsd.New(slsd.Config{Keys: []slsd.Key{cliKey}, Project: "demo", Logstore: "access", Shards: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	w := sls.CreateNormalInterface(srv.Endpoint(), cliKey.ID, cliKey.Secret, "")
	w.SetHTTPClient(slsd.NewHTTPClient(srv.Endpoint()))
	const perGroup = 10
	for g := 0; g < n/perGroup; g++ {
		lg := &sls.LogGroup{Topic: proto.String("cli"), Source: proto.String("10.0.0.9")}
		for i := 0; i < perGroup; i++ {
			seq := g*perGroup + i
			lg.Logs = append(lg.Logs, &sls.Log{
				Time: proto.Uint32(uint32(time.Now().Unix())),
				Contents: []*sls.LogContent{
					{Key: proto.String("seq"), Value: proto.String(strconv.Itoa(seq))},
					{Key: proto.String("status"), Value: proto.String([]string{"200", "502"}[seq%2])},
				},
			})
		}
		if err := w.PutLogs("demo", "access", lg); err != nil {
			t.Fatal(err)
		}
	}
	return srv
}

// runCLI runs slstail with args in-process and returns its exit code,
// stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return runCLIContext(ctx, args...)
}

// runCLIContext is runCLI under ctx, which ends a command the way SIGINT
// does (and like SIGINT, with exit code 0 for a tail).
func runCLIContext(ctx context.Context, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(ctx, args, testEnv(&out, &errb))
	return code, out.String(), errb.String()
}

func connArgs(srv *slsd.Server, more ...string) []string {
	return append([]string{"--endpoint", srv.Endpoint(), "--project", "demo", "--logstore", "access",
		"--access-key-id", cliKey.ID, "--access-key-secret", cliKey.Secret}, more...)
}

// A piped tail writes JSON lines, stops at --max, and leaves the named
// group's checkpoints where its delivery got to; lag then describes that
// group without joining it.
func TestPipedTailStopsAtMaxThenLagDescribesTheGroup(t *testing.T) {
	cleanEnv(t)
	srv := cliServer(t, 400)
	code, out, errOut := runCLI(t, append([]string{"tail"},
		connArgs(srv, "--group", "cli-etl", "--from", "begin", "--max", "25", "--query", "* | where status = '502'")...)...)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 25 {
		t.Fatalf("got %d lines, want --max 25:\n%s", len(lines), out)
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		if m["status"] != "502" || m["__topic__"] != "cli" || m["__shard__"] == nil || m["__time__"] == nil {
			t.Fatalf("line %q: want a 502 with meta fields", l)
		}
	}

	// The checkpoints were flushed on the way out: lag sees them.
	code, out, errOut = runCLI(t, append([]string{"lag", "--group", "cli-etl", "--output", "json"}, connArgs(srv)...)...)
	if code != 0 {
		t.Fatalf("lag exit %d, stderr:\n%s", code, errOut)
	}
	var rows []lagRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("lag json: %v\n%s", err, out)
	}
	if len(rows) != 4 {
		t.Fatalf("lag rows: %d, want 4 shards:\n%s", len(rows), out)
	}
	committed := 0
	for _, r := range rows {
		if r.Checkpoint != "" {
			committed++
			if r.CheckpointTime == "" || r.EndTime == "" {
				t.Errorf("shard %d: checkpoint without its times: %+v", r.Shard, r)
			}
		}
	}
	if committed == 0 {
		t.Fatalf("no shard has a checkpoint after the tail stopped:\n%s", out)
	}

	code, out, _ = runCLI(t, append([]string{"lag", "--group", "cli-etl"}, connArgs(srv)...)...)
	if code != 0 || !strings.Contains(out, "GROUP cli-etl") || !strings.Contains(out, "SHARD") || !strings.Contains(out, "max lag") {
		t.Errorf("lag table (exit %d):\n%s", code, out)
	}

	// Resuming from the checkpoint skips nothing (issue 13, item 3): runs of
	// --max 23 from the checkpoint, one after another, write every 502 of
	// the logstore; what a run repeats is only the part of its
	// predecessor's last batch that --max cut.
	seen := map[string]int{}
	for _, l := range lines {
		var m map[string]string
		json.Unmarshal([]byte(l), &m)
		seen[m["seq"]]++
	}
	for run := 0; len(seen) < 200 && run < 30; run++ {
		// The last run finds fewer than 23 left and ends by its context,
		// as by ctrl+c.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		code, out, errOut = runCLIContext(ctx, append([]string{"tail"},
			connArgs(srv, "--group", "cli-etl", "--from", "checkpoint", "--max", "23", "--query", "* | where status = '502'")...)...)
		cancel()
		if code != 0 {
			t.Fatalf("resume exit %d, stderr:\n%s", code, errOut)
		}
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var m map[string]string
			json.Unmarshal(sc.Bytes(), &m)
			seen[m["seq"]]++
		}
	}
	missing, dups := 0, 0
	for n := 1; n < 400; n += 2 {
		switch k := seen[strconv.Itoa(n)]; {
		case k == 0:
			missing++
		case k > 1:
			dups += k - 1
		}
	}
	if missing > 0 || len(seen) != 200 {
		t.Fatalf("runs of --max 23 from the checkpoint missed %d of the 200 502s (saw %d distinct)", missing, len(seen))
	}
	t.Logf("every 502 written; %d repeated by a following run", dups)
}

func TestRawAndTemplateOutputAgainstServer(t *testing.T) {
	cleanEnv(t)
	srv := cliServer(t, 40)
	code, out, errOut := runCLI(t, append([]string{"tail"}, connArgs(srv, "--from", "begin", "--max", "3", "--output", "raw")...)...)
	if code != 0 {
		t.Fatalf("raw exit %d: %s", code, errOut)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.Contains(l, " shard=") || !strings.Contains(l, " seq=") || !strings.Contains(l, " status=") {
			t.Errorf("raw line %q", l)
		}
	}
	code, out, errOut = runCLI(t, append([]string{"tail"}, connArgs(srv, "--from", "begin", "--max", "3",
		"--template", "{{.Shard}}|{{.F.status}}")...)...)
	if code != 0 {
		t.Fatalf("template exit %d: %s", code, errOut)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if parts := strings.Split(l, "|"); len(parts) != 2 || (parts[1] != "200" && parts[1] != "502") {
			t.Errorf("template line %q", l)
		}
	}
}

func TestExitCodesAndErrors(t *testing.T) {
	cleanEnv(t)
	srv := cliServer(t, 10)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string // in stderr
		not  []string // never in stderr
	}{
		{"unknown flag", []string{"tail", "--no-such-flag"}, exitUsage, []string{"unknown flag: --no-such-flag"}, nil},
		{"unknown command", []string{"tial"}, exitUsage, []string{`unknown command "tial"`}, nil},
		{"missing connection settings", []string{"tail", "--output", "jsonl"}, exitUsage,
			[]string{"missing --endpoint, --project, --logstore", "slstail demo"}, nil},
		{"bad query", append([]string{"tail"}, connArgs(srv, "--query", "* | where cast(status as bigin) > 1")...), exitUsage,
			[]string{"1:26", "bigin", "^"}, nil},
		{"bad --from", append([]string{"tail"}, connArgs(srv, "--from", "yesterday")...), exitUsage, []string{"--from", "yesterday"}, nil},
		{"bad --output", append([]string{"tail"}, connArgs(srv, "--output", "xml")...), exitUsage, []string{`unknown --output "xml"`}, nil},
		{"lag without group", append([]string{"lag"}, connArgs(srv)...), exitUsage, []string{"lag needs --group"}, nil},
		{"wrong secret", []string{"tail", "--endpoint", srv.Endpoint(), "--project", "demo", "--logstore", "access",
			"--access-key-id", cliKey.ID, "--access-key-secret", "not-the-secret-at-all", "--max", "1"}, exitFailure,
			[]string{cliKey.ID, "SignatureNotMatch"}, []string{"not-the-secret-at-all", cliKey.Secret}},
		{"unknown key", []string{"tail", "--endpoint", srv.Endpoint(), "--project", "demo", "--logstore", "access",
			"--access-key-id", "LTAInobody", "--access-key-secret", "whatever-secret", "--max", "1"}, exitFailure,
			[]string{"LTAInobody", "Unauthorized"}, []string{"whatever-secret"}},
		{"missing logstore", []string{"tail", "--endpoint", srv.Endpoint(), "--project", "demo", "--logstore", "nope",
			"--access-key-id", cliKey.ID, "--access-key-secret", cliKey.Secret, "--max", "1"}, exitFailure,
			[]string{"LogStoreNotExist"}, nil},
		{"lag on a group that does not exist", append([]string{"lag", "--group", "ghost"}, connArgs(srv)...), exitFailure,
			[]string{"ConsumerGroupNotExist"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(errOut, n) {
					t.Errorf("stderr shows %q, a secret:\n%s", n, errOut)
				}
			}
		})
	}
}

func TestConfigFileErrorNamesFileLineAndKey(t *testing.T) {
	dir := cleanEnv(t)
	path := filepath.Join(dir, "bad.toml")
	os.WriteFile(path, []byte("[profiles.prod]\nendpoint = \"x\"\nthme = \"dark\"\n"), 0o600)
	code, _, errOut := runCLI(t, "tail", "--config", path, "--profile", "prod")
	if code != exitUsage || !strings.Contains(errOut, path+":3") || !strings.Contains(errOut, "thme") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}

	// A key override that collides is found before any connection, by any
	// command, at its own line.
	os.WriteFile(path, []byte("[profiles.prod]\nendpoint = \"x\"\n\n[profiles.prod.keys]\ncopy = \"q\"\n"), 0o600)
	code, _, errOut = runCLI(t, "lag", "--config", path, "--profile", "prod", "--group", "g")
	if code != exitUsage || !strings.Contains(errOut, path+":5: profiles.prod.keys.copy: \"q\" is bound to both \"quit\" and \"copy\"") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}

// Flags beat SLSTAIL_* variables, which beat the profile, which beats the
// defaults; each value says where it came from.
func TestSettingsPrecedenceThroughTheCommandLine(t *testing.T) {
	dir := cleanEnv(t)
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte(`default_profile = "prod"
[profiles.prod]
endpoint = "profile.example.com"
project = "profile-project"
logstore = "profile-store"
query = "* | where status = '500'"
`), 0o600)
	env := map[string]string{"SLSTAIL_CONFIG": path, "SLSTAIL_PROJECT": "env-project", "SLSTAIL_LOGSTORE": "env-store"}
	cmd := newTailCmd(Env{})
	cmd.Flags().String("config", "", "")
	if err := cmd.ParseFlags([]string{"--logstore", "flag-store"}); err != nil {
		t.Fatal(err)
	}
	set, err := resolveSettings(cmd, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want, src string }{
		{set.Endpoint, "profile.example.com", "profile prod"},
		{set.Project, "env-project", "env SLSTAIL_PROJECT"},
		{set.Logstore, "flag-store", "flag --logstore"},
		{set.From, "end", "default"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q (from %s)", c.got, c.want, c.src)
		}
	}
	if got := set.Sources["logstore"].String(); got != "flag --logstore" {
		t.Errorf("logstore source %q", got)
	}
	if got := set.Sources["project"].String(); got != "env SLSTAIL_PROJECT" {
		t.Errorf("project source %q", got)
	}
}

// syncBuffer is a bytes.Buffer that serve's goroutine writes while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve prints an endpoint and keys that the unmodified SDK can use, and
// shuts down cleanly when its context ends (as on SIGINT).
func TestServePrintsWorkingEndpointAndStopsOnSignal(t *testing.T) {
	cleanEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--shards", "3", "--access-key-id", "LTAIserve",
			"--access-key-secret", "serve-secret-0123456789"}, testEnv(&out, &errb))
	}()
	endpointRe := regexp.MustCompile(`slsd listening on (127\.0\.0\.1:\d+)`)
	var endpoint string
	for deadline := time.Now().Add(30 * time.Second); endpoint == ""; time.Sleep(20 * time.Millisecond) {
		if m := endpointRe.FindStringSubmatch(out.String()); m != nil {
			endpoint = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no endpoint printed; stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
		}
	}
	for _, want := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIserve", "--project demo --logstore access", "HTTP_PROXY=http://" + endpoint} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve output lacks %q:\n%s", want, out.String())
		}
	}
	c := sls.CreateNormalInterface(endpoint, "LTAIserve", "serve-secret-0123456789", "")
	c.SetHTTPClient(slsd.NewHTTPClient(endpoint))
	shards, err := c.ListShards("demo", "access")
	if err != nil || len(shards) != 3 {
		t.Fatalf("ListShards through the printed endpoint: %d shards, %v", len(shards), err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(errb.String(), "slsd stopped") {
			t.Errorf("exit %d, stderr:\n%s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}

func TestCaughtUpPast(t *testing.T) {
	until := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	after, before := until.Add(time.Minute), until.Add(-time.Minute)
	busy := func(end time.Time, lag time.Duration) consumer.ShardStatus {
		return consumer.ShardStatus{Held: true, State: consumer.ShardPulling, EndTime: end, Lag: lag}
	}
	for _, tc := range []struct {
		name   string
		now    time.Time
		shards []consumer.ShardStatus
		want   bool
	}{
		{"before until", before, []consumer.ShardStatus{{Held: true, State: consumer.ShardIdle}}, false},
		{"all idle", after, []consumer.ShardStatus{{Held: true, State: consumer.ShardIdle}, {Held: true, State: consumer.ShardIdle}}, true},
		{"busy, read past until", after, []consumer.ShardStatus{busy(after, 30*time.Second)}, true},
		{"busy, still behind until", after, []consumer.ShardStatus{busy(after, 2*time.Minute)}, false},
		{"busy, lag not polled yet", after, []consumer.ShardStatus{{Held: true, State: consumer.ShardPulling}}, false},
		{"one of two behind", after, []consumer.ShardStatus{busy(after, 0), busy(after, 5*time.Minute)}, false},
		{"shards not ours are ignored", after, []consumer.ShardStatus{busy(after, 0), {Held: false, State: consumer.ShardPulling}}, true},
		{"no shard held yet", after, []consumer.ShardStatus{{Held: false}}, false},
	} {
		if got := caughtUpPast(consumer.Status{Shards: tc.shards}, until, tc.now); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// --until ends a tail of a logstore that is being written all the time: no
// shard is ever idle, so reading past the time is what stops it.
func TestUntilStopsOnABusyLogstore(t *testing.T) {
	cleanEnv(t)
	srv := cliServer(t, 100)
	w := sls.CreateNormalInterface(srv.Endpoint(), cliKey.ID, cliKey.Secret, "")
	w.SetHTTPClient(slsd.NewHTTPClient(srv.Endpoint()))
	stop := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for i := 0; ; i++ {
			lg := &sls.LogGroup{Logs: []*sls.Log{{Time: proto.Uint32(uint32(time.Now().Unix())),
				Contents: []*sls.LogContent{{Key: proto.String("live"), Value: proto.String(strconv.Itoa(i))}}}}}
			for sh := 0; sh < 4; sh++ {
				w.PutLogs("demo", "access", lg) // spread by the server over the shards
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	defer func() { close(stop); <-writerDone }()
	until := time.Now().Add(time.Second).UTC()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code, out, errOut := runCLIContext(ctx, append([]string{"tail"}, connArgs(srv, "--from", "begin", "--until", until.Format(time.RFC3339Nano))...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if ctx.Err() != nil {
		t.Fatal("the tail ran until the test's deadline: --until never stopped it")
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 100 {
		t.Fatalf("got %d lines, want at least the 100 written before --until", len(lines))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if ts := time.Unix(int64(m["__time__"].(float64)), 0); ts.After(until) {
			t.Errorf("log at %v is after --until %v", ts, until)
		}
	}
}

// testEnv is a process environment for running commands in-process: no
// input, the given writers, the real environment (cleanEnv sets it up).
func testEnv(out, errw io.Writer) Env {
	return Env{In: strings.NewReader(""), Out: out, Err: errw, Build: Build{Version: "dev"}}
}
