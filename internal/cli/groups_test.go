package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/slsd"
)

// ephemeralName is a name of slstail's current ephemeral format, created at
// the time given.
func ephemeralName(created time.Time, random string) string {
	ts := strconv.FormatInt(created.Unix(), 36)
	return "slstail-jane-laptop-" + strings.Repeat("0", 7-len(ts)) + ts + "-" + random
}

func sdkClient(srv *slsd.Server) sls.ClientInterface {
	c := sls.CreateNormalInterface(srv.Endpoint(), cliKey.ID, cliKey.Secret, "")
	c.SetHTTPClient(slsd.NewHTTPClient(srv.Endpoint()))
	return c
}

type cliGroups struct{ dead, keptAlive, young, legacy, named string }

// makeGroups creates one group of each kind `groups` tells apart.
func makeGroups(t *testing.T, srv *slsd.Server) cliGroups {
	t.Helper()
	c := sdkClient(srv)
	old := time.Now().Add(-2 * time.Hour)
	g := cliGroups{
		dead:      ephemeralName(old, "dead"),
		keptAlive: ephemeralName(old, "live"),
		young:     ephemeralName(time.Now(), "yung"),
		legacy:    "slstail-bob-web-01-1a2b3c4d",
		named:     "billing-etl",
	}
	for _, name := range []string{g.dead, g.keptAlive, g.young, g.legacy, g.named} {
		if err := c.CreateConsumerGroup("demo", "access", sls.ConsumerGroup{ConsumerGroupName: name, Timeout: 15}); err != nil {
			t.Fatal(err)
		}
	}
	cursor, err := c.GetCursor("demo", "access", 0, "end")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateCheckpoint("demo", "access", g.keptAlive, "jane@laptop-7", 0, cursor, true); err != nil {
		t.Fatal(err)
	}
	return g
}

func listGroupNames(t *testing.T, srv *slsd.Server) map[string]bool {
	t.Helper()
	list, err := sdkClient(srv).ListConsumerGroup("demo", "access")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, g := range list {
		out[g.ConsumerGroupName] = true
	}
	return out
}

func TestGroupsListsAndPrunes(t *testing.T) {
	cleanEnv(t)
	srv := cliServer(t, 0)
	g := makeGroups(t, srv)

	code, out, errOut := runCLI(t, append([]string{"groups", "-o", "json"}, connArgs(srv)...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []groupRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	want := map[string]struct {
		state, kind string
		slstail     bool
	}{
		g.dead: {"dead", "ephemeral", true}, g.keptAlive: {"live", "ephemeral", true}, g.young: {"idle", "ephemeral", true},
		g.legacy: {"idle", "ephemeral", true}, g.named: {"idle", "named", false},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), out)
	}
	for _, r := range rows {
		w := want[r.Name]
		if r.State != w.state || r.Kind != w.kind || r.Slstail != w.slstail || r.TimeoutSeconds != 15 || r.Prune != "" {
			t.Errorf("%+v, want %+v", r, w)
		}
	}

	code, out, _ = runCLI(t, append([]string{"groups"}, connArgs(srv)...)...)
	for _, s := range []string{"NAME", "STATE", "CHECKPOINT UPDATED", g.legacy, "ephemeral (old name)",
		"5 consumer groups (SLS allows 30 per logstore); 1 dead: `slstail groups --prune` deletes it"} {
		if code != 0 || !strings.Contains(out, s) {
			t.Errorf("table (exit %d) lacks %q:\n%s", code, s, out)
		}
	}

	code, out, _ = runCLI(t, append([]string{"groups", "--prune", "--dry-run"}, connArgs(srv)...)...)
	if code != 0 || !strings.Contains(out, "would delete "+g.dead+"\n") || !strings.Contains(out, "would delete 1 dead slstail group\n") {
		t.Errorf("dry run (exit %d):\n%s", code, out)
	}
	if !listGroupNames(t, srv)[g.dead] {
		t.Fatal("--dry-run deleted the group")
	}

	code, out, _ = runCLI(t, append([]string{"groups", "--prune"}, connArgs(srv)...)...)
	if code != 0 || !strings.Contains(out, "deleted "+g.dead+"\n") || !strings.Contains(out, "deleted 1 dead slstail group\n") {
		t.Errorf("prune (exit %d):\n%s", code, out)
	}
	left := listGroupNames(t, srv)
	if left[g.dead] {
		t.Error("the dead group is still there")
	}
	for _, name := range []string{g.keptAlive, g.young, g.legacy, g.named} {
		if !left[name] {
			t.Errorf("%s was deleted; only the dead group may be", name)
		}
	}

	// lag reads any group, an ephemeral one too; only joining one by name
	// is refused.
	code, out, errOut = runCLI(t, append([]string{"lag", "--group", g.young}, connArgs(srv)...)...)
	if code != 0 || !strings.Contains(out, "GROUP "+g.young) {
		t.Errorf("lag on an ephemeral group: exit %d: %s%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, append([]string{"tail", "--group", g.young, "--max", "1"}, connArgs(srv)...)...)
	if code != exitUsage || !strings.Contains(errOut, "flag --group: consumer group \""+g.young+"\": names of this shape") {
		t.Errorf("joining an ephemeral group by name: exit %d: %s", code, errOut)
	}

	code, _, errOut = runCLI(t, append([]string{"groups", "--dry-run"}, connArgs(srv)...)...)
	if code != exitUsage || !strings.Contains(errOut, "--dry-run only applies with --prune") {
		t.Errorf("--dry-run alone: exit %d, %s", code, errOut)
	}
}

// A tail deletes the dead groups as it starts, beside the session, and
// says so on stderr.
func TestTailPrunesDeadGroupsAsItStarts(t *testing.T) {
	cleanEnv(t)
	srv := cliServer(t, 0)
	g := makeGroups(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"tail", "-o", "jsonl"}, connArgs(srv)...), testEnv(&out, &errb))
	}()
	const want = "slstail: deleted 1 dead slstail group of logstore access"
	for deadline := time.Now().Add(45 * time.Second); !strings.Contains(errb.String(), want); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q on stderr:\n%s", want, errb.String())
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d: %s", code, errb.String())
	}
	left := listGroupNames(t, srv)
	if left[g.dead] || !left[g.keptAlive] || !left[g.young] || !left[g.legacy] || !left[g.named] {
		t.Errorf("groups left: %v", left)
	}
}

// A named group is joined as user@host, without the PID, so that a restart
// is the same consumer to SLS; two slstails on one machine never share a
// name in one group.
func TestNamedGroupConsumerName(t *testing.T) {
	cleanEnv(t)
	srv := cliServer(t, 40)
	// An hour's timeout: only the same consumer gets the shards back.
	if err := sdkClient(srv).CreateConsumerGroup("demo", "access", sls.ConsumerGroup{ConsumerGroupName: "oncall", Timeout: 3600}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		code, out, errOut := runCLI(t, append([]string{"tail", "--group", "oncall", "--from", "begin", "--max", "5"}, connArgs(srv)...)...)
		if code != 0 || strings.Count(out, "\n") != 5 {
			t.Fatalf("run %d: exit %d, %d lines: %s", i, code, strings.Count(out, "\n"), errOut)
		}
	}
	code, out, _ := runCLI(t, append([]string{"lag", "--group", "oncall", "-o", "json"}, connArgs(srv)...)...)
	var rows []lagRow
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil {
		t.Fatalf("lag: exit %d, %v", code, err)
	}
	for _, r := range rows {
		if r.Consumer != consumer.DefaultConsumer() {
			t.Errorf("shard %d was committed by %q, want %q", r.Shard, r.Consumer, consumer.DefaultConsumer())
		}
	}

	// While one holds the default name, another joins under name-PID and
	// says so; a name given explicitly is refused instead.
	base := consumer.Config{Endpoint: srv.Endpoint(), Project: "demo", Logstore: "access", Group: "oncall"}
	first := base
	release, notice, err := claimConsumer(&first, os.Getenv)
	if err != nil || notice != "" || first.Consumer != consumer.DefaultConsumer() {
		t.Fatalf("first claim: %q, %q, %v", first.Consumer, notice, err)
	}
	second := base
	release2, notice, err := claimConsumer(&second, os.Getenv)
	if err != nil || second.Consumer != consumer.DefaultConsumer()+"-"+strconv.Itoa(os.Getpid()) ||
		!strings.Contains(notice, "another slstail on this machine is in group \"oncall\"") {
		t.Errorf("second claim: %q, %q, %v", second.Consumer, notice, err)
	}
	release2()
	code, _, errOut := runCLI(t, append([]string{"tail", "--group", "oncall", "--consumer", consumer.DefaultConsumer(), "--max", "1"}, connArgs(srv)...)...)
	if code != exitUsage || !strings.Contains(errOut, "another --consumer") {
		t.Errorf("explicit name in use: exit %d: %s", code, errOut)
	}
	release()
	third := base
	release, notice, err = claimConsumer(&third, os.Getenv)
	if err != nil || notice != "" || third.Consumer != consumer.DefaultConsumer() {
		t.Errorf("after release: %q, %q, %v", third.Consumer, notice, err)
	}
	release()
	// Ephemeral groups are the process's own: nothing to claim.
	eph := base
	eph.Group = ""
	if _, notice, err := claimConsumer(&eph, os.Getenv); err != nil || notice != "" || eph.Consumer != "" {
		t.Errorf("ephemeral: %q, %q, %v", eph.Consumer, notice, err)
	}
}

// lag --watch into a pipe writes tables, not clear-screen codes.
func TestLagWatchIntoAPipeWritesNoTerminalCodes(t *testing.T) {
	cleanEnv(t)
	srv := cliServer(t, 20)
	if code, _, errOut := runCLI(t, append([]string{"tail", "--group", "etl", "--from", "begin", "--max", "1"}, connArgs(srv)...)...); code != 0 {
		t.Fatalf("tail: %s", errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"lag", "--group", "etl", "--watch", "--interval", "10ms"}, connArgs(srv)...), testEnv(&out, &errb))
	}()
	for deadline := time.Now().Add(45 * time.Second); strings.Count(out.String(), "GROUP etl") < 3; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than 3 refreshes:\n%s\n%s", out.String(), errb.String())
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d: %s", code, errb.String())
	}
	if got := out.String(); strings.Contains(got, "\x1b") || !strings.Contains(got, "max lag") || !strings.Contains(got, "\n\nGROUP etl") {
		t.Errorf("output:\n%q", got)
	}
}

// An interrupt while lag's request is in flight is an interrupt, exit 0,
// not a failed request: the server here answers only after the interrupt
// (and then with an error the SDK does not retry, so that its abandoned
// call ends too).
func TestLagInterruptedMidRequestExitsZero(t *testing.T) {
	cleanEnv(t)
	interrupted := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-interrupted
		time.Sleep(50 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"errorCode":"Unauthorized","errorMessage":"slow"}`)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"lag", "--group", "etl", "--watch", "--endpoint", strings.TrimPrefix(srv.URL, "http://"),
			"--project", "demo", "--logstore", "access", "--access-key-id", cliKey.ID,
			"--access-key-secret", cliKey.Secret}, testEnv(&out, &errb))
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	code := <-done
	close(interrupted)
	if code != 0 {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}

// A piped tail in a named group whose shards another consumer holds says
// so on stderr, with who and for how long, instead of saying nothing.
func TestPipedTailSaysWhoHoldsTheShards(t *testing.T) {
	cleanEnv(t)
	srv := cliServer(t, 20)
	if err := sdkClient(srv).CreateConsumerGroup("demo", "access", sls.ConsumerGroup{ConsumerGroupName: "oncall", Timeout: 3600}); err != nil {
		t.Fatal(err)
	}
	// The first run stops; SLS keeps its shards for the group's hour.
	if code, _, errOut := runCLI(t, append([]string{"tail", "--group", "oncall", "--from", "begin", "--max", "1"}, connArgs(srv)...)...); code != 0 {
		t.Fatalf("first run: %s", errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"tail", "--group", "oncall", "--consumer", "jane-second-terminal", "-o", "jsonl"}, connArgs(srv)...), testEnv(&out, &errb))
	}()
	want := `slstail: no shard of group "oncall" yet: held by ` + consumer.DefaultConsumer() + ` until its heartbeat times out, ~`
	for deadline := time.Now().Add(45 * time.Second); !strings.Contains(errb.String(), want); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	cancel()
	if code := <-done; code != 0 || out.String() != "" {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
}
