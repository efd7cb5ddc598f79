package consumer

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

func TestPruneRule(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	old, young := now.Add(-2*time.Hour), now.Add(-10*time.Minute)
	eph := func(created, updated time.Time) GroupInfo {
		return GroupInfo{Name: "g", Ephemeral: true, Created: created, Updated: updated, Timeout: 15 * time.Second}
	}
	for _, tc := range []struct {
		name string
		g    GroupInfo
		want GroupState
	}{
		{"old, never committed", eph(old, time.Time{}), GroupDead},
		{"old, committed long ago", eph(old, now.Add(-61*time.Minute)), GroupDead},
		{"old but committed within the hour", eph(old, now.Add(-59*time.Minute)), GroupIdle},
		{"old but kept alive", eph(old, now.Add(-time.Minute)), GroupLive},
		{"being created (no checkpoint yet)", eph(now.Add(-time.Second), time.Time{}), GroupIdle},
		{"young, committed long ago (clock skew)", eph(young, now.Add(-2*time.Hour)), GroupIdle},
		{"created in the future (clock skew)", eph(now.Add(time.Hour), time.Time{}), GroupIdle},
		{"ordered", func() GroupInfo { g := eph(old, time.Time{}); g.InOrder = true; return g }(), GroupIdle},
		{"checkpoints unreadable", func() GroupInfo { g := eph(old, time.Time{}); g.Err = context.DeadlineExceeded; return g }(), GroupIdle},
		{"legacy slstail name", GroupInfo{Name: "slstail-a-b-1a2b3c4d", Ephemeral: true, Legacy: true}, GroupIdle},
		{"named, never committed", GroupInfo{Name: "billing-etl"}, GroupIdle},
		{"named, busy", GroupInfo{Name: "billing-etl", Updated: now.Add(-3 * time.Second)}, GroupLive},
	} {
		g := tc.g
		g.classify(now)
		if g.State != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, g.State, tc.want)
		}
	}
}

// groupFixture creates, in the env's logstore, one group of every kind the
// prune rule tells apart, and returns the names.
type groupFixture struct {
	dead, young, keptAlive, legacy, named, ordered string
}

func newGroupFixture(t *testing.T, e *testEnv) groupFixture {
	t.Helper()
	twoHoursAgo := time.Now().Add(-2 * time.Hour)
	f := groupFixture{
		dead:      ephemeralGroupName(twoHoursAgo, rand.Reader),
		young:     ephemeralGroupName(time.Now(), rand.Reader),
		keptAlive: ephemeralGroupName(twoHoursAgo, rand.Reader),
		legacy:    "slstail-bob-web-01-1a2b3c4d",
		named:     "billing-etl",
		ordered:   ephemeralGroupName(twoHoursAgo, rand.Reader),
	}
	for _, name := range []string{f.dead, f.young, f.keptAlive, f.legacy, f.named, f.ordered} {
		if err := e.writer.CreateConsumerGroup(testProject, testLogstore, sls.ConsumerGroup{
			ConsumerGroupName: name, Timeout: 15, InOrder: name == f.ordered}); err != nil {
			t.Fatal(err)
		}
	}
	// A run two hours long whose keepalive wrote a minute ago.
	cursor, err := e.writer.GetCursor(testProject, testLogstore, 0, "end")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.writer.UpdateCheckpoint(testProject, testLogstore, f.keptAlive, "jane@laptop-1", 0, cursor, true); err != nil {
		t.Fatal(err)
	}
	return f
}

func groupNames(t *testing.T, e *testEnv) map[string]bool {
	t.Helper()
	list, err := e.writer.ListConsumerGroup(testProject, testLogstore)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, g := range list {
		out[g.ConsumerGroupName] = true
	}
	return out
}

func TestListAndPruneGroups(t *testing.T) {
	e := newEnv(t)
	f := newGroupFixture(t, e)
	ctx := context.Background()
	groups, err := ListGroups(ctx, e.config())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		state     GroupState
		ephemeral bool
		legacy    bool
	}{
		f.dead: {GroupDead, true, false}, f.young: {GroupIdle, true, false}, f.keptAlive: {GroupLive, true, false},
		f.legacy: {GroupIdle, true, true}, f.named: {GroupIdle, false, false}, f.ordered: {GroupIdle, true, false},
	}
	if len(groups) != len(want) {
		t.Fatalf("listed %d groups, want %d: %+v", len(groups), len(want), groups)
	}
	for i, g := range groups {
		w := want[g.Name]
		if g.State != w.state || g.Ephemeral != w.ephemeral || g.Legacy != w.legacy || g.Timeout != 15*time.Second || g.Err != nil {
			t.Errorf("%s: %+v, want state %v ephemeral %v legacy %v", g.Name, g, w.state, w.ephemeral, w.legacy)
		}
		if i > 0 && groups[i-1].Name > g.Name {
			t.Errorf("not sorted: %s before %s", groups[i-1].Name, g.Name)
		}
	}

	// A dry run names the dead group and deletes nothing.
	_, out, err := PruneGroups(ctx, e.config(), true)
	if err != nil || len(out) != 1 || out[0].Name != f.dead || out[0].Deleted || out[0].Err != nil {
		t.Fatalf("dry run: %+v, %v", out, err)
	}
	if !groupNames(t, e)[f.dead] {
		t.Fatal("a dry run deleted the group")
	}
	_, out, err = PruneGroups(ctx, e.config(), false)
	if err != nil || len(out) != 1 || out[0].Name != f.dead || !out[0].Deleted {
		t.Fatalf("prune: %+v, %v", out, err)
	}
	left := groupNames(t, e)
	if left[f.dead] {
		t.Error("the dead group is still there")
	}
	for _, name := range []string{f.young, f.keptAlive, f.legacy, f.named, f.ordered} {
		if !left[name] {
			t.Errorf("%s was deleted; only the dead group may be", name)
		}
	}
}

// A session that starts deletes the dead groups in the background and
// says how many, and touches nothing else.
func TestSessionPrunesDeadGroupsOnStart(t *testing.T) {
	e := newEnv(t)
	f := newGroupFixture(t, e)
	cfg := e.config()
	cfg.PruneOnStart = true
	s := e.start(cfg)
	msg := waitEvent(t, s, EventNotice, "deleted")
	if !strings.Contains(msg, "deleted 1 dead slstail group ") {
		t.Errorf("notice %q", msg)
	}
	left := groupNames(t, e)
	if left[f.dead] {
		t.Error("the dead group is still there")
	}
	for _, name := range []string{f.young, f.keptAlive, f.legacy, f.named, f.ordered, s.Status().Group} {
		if !left[name] {
			t.Errorf("%s was deleted; only the dead group may be", name)
		}
	}
}

// A running ephemeral session on a quiet logstore keeps its checkpoints'
// updateTime moving, without moving the checkpoints: otherwise the rule
// would take it for dead after an hour.
func TestEphemeralSessionKeepsItsCheckpointsFresh(t *testing.T) {
	e := newEnv(t)
	cfg := e.config()
	cfg.keepAliveAfter = 300 * time.Millisecond
	s := e.start(cfg)
	group := s.Status().Group
	read := func() (newest int64, cursors map[int]string) {
		cps, err := e.writer.GetCheckpoint(testProject, testLogstore, group)
		if err != nil {
			t.Fatal(err)
		}
		cursors = map[int]string{}
		for _, cp := range cps {
			newest = max(newest, cp.UpdateTime)
			cursors[cp.ShardID] = cp.CheckPoint
		}
		return newest, cursors
	}
	seeded, before := read()
	if seeded == 0 || len(before) != testShards {
		t.Fatalf("the session seeded no checkpoints: %v", before)
	}
	waitFor(t, "a checkpoint's updateTime to move with no data written", func() bool {
		newest, _ := read()
		return newest > seeded
	})
	if _, after := read(); len(after) != len(before) {
		t.Fatalf("checkpoints %v, then %v", before, after)
	} else {
		for id, c := range before {
			if after[id] != c {
				t.Errorf("shard %d: the keepalive moved the checkpoint from %q to %q", id, c, after[id])
			}
		}
	}
}
