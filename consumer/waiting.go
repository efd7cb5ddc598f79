package consumer

// Why a session in a named group holds no shard. SLS gives a shard to one
// consumer at a time, and a consumer that stops without a word (the SDK
// never says goodbye) keeps its shards until its heartbeat times out; live
// consumers share the shards. So a session that holds none is either
// waiting out a dead consumer's timeout or outnumbered by live ones: the
// checkpoints (read by the lag poller) say who wrote each shard's last
// checkpoint, the best sign SLS gives of who holds it.

import (
	"fmt"
	"slices"
	"strings"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"

	"github.com/slstail/slstail/internal/textsafe"
)

// ShardWait says why a session in a named group holds no shard.
type ShardWait struct {
	Group string
	// Since is when the session began to hold no shard (its start, for a
	// session that never held one); zero while it holds any.
	Since time.Time
	// Owners are the other consumers that wrote the checkpoints of the
	// shards, sorted: those most likely to hold them. Empty when no shard
	// was ever committed by another consumer.
	Owners []string
	// FreeBy is when the shards are free at the latest if their holders
	// are dead: Since plus the group's heartbeat timeout, plus a heartbeat
	// of this session to be given them. A wait that lasts past it means
	// the holders are alive.
	FreeBy time.Time
}

// Waiting reports whether the session holds no shard.
func (w ShardWait) Waiting() bool { return !w.Since.IsZero() }

// Message says, in one line, why the session has no shard and how long that
// should last, as of now ("" when it is not waiting):
//
//	no shard of group "oncall" yet: held by jane@laptop until its heartbeat times out, ~12s
func (w ShardWait) Message(now time.Time) string {
	if !w.Waiting() {
		return ""
	}
	left := w.FreeBy.Sub(now)
	if len(w.Owners) == 0 {
		if left > 0 {
			return fmt.Sprintf("no shard of group %q yet: waiting for SLS to assign shards, ~%s", w.Group, roundUp(left))
		}
		return fmt.Sprintf("no shard of group %q: SLS assigns this consumer none; the group may have as many live consumers as shards", w.Group)
	}
	who := ownerList(w.Owners)
	if left > 0 {
		their := "its heartbeat times"
		if len(w.Owners) > 1 {
			their = "their heartbeats time"
		}
		return fmt.Sprintf("no shard of group %q yet: held by %s until %s out, ~%s", w.Group, who, their, roundUp(left))
	}
	return fmt.Sprintf("no shard of group %q: held by %s, still heartbeating; SLS shares a group's shards among its live consumers and has none to spare for this one", w.Group, who)
}

func ownerList(owners []string) string {
	const shown = 3
	if len(owners) <= shown {
		return strings.Join(owners, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(owners[:shown], ", "), len(owners)-shown)
}

// roundUp renders d in whole seconds, rounded up: "~0s" would read as
// "any moment" when a second is left.
func roundUp(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}

// shardWatch follows, for the lag poller, whether a named-group session
// holds any shard, and what it has told about it.
type shardWatch struct {
	since time.Time
	told  int // 0 nothing; 1 that it waits; 2 that the holders are alive
}

// watchShards updates Status.Waiting and, in a named group, emits one
// EventNotice once a session has held no shard for a heartbeat (long enough
// for SLS to answer one), another if the wait outlasts the holders' timeout,
// and one when shards arrive after either.
func (s *Session) watchShards(w *shardWatch, cps map[int]*sls.ConsumerGroupCheckPoint, now time.Time) {
	if s.ephemeral {
		return // the only consumer of its own group
	}
	st := s.track.snapshot()
	if st.Held > 0 {
		if w.told > 0 {
			s.events.emit(EventNotice, fmt.Sprintf("now holding %d of the %d shards of group %q", st.Held, len(st.Shards), s.cfg.Group), nil)
		}
		*w = shardWatch{}
		s.track.setWait(ShardWait{})
		return
	}
	if w.since.IsZero() {
		w.since = now
	}
	var owners []string
	for _, cp := range cps {
		if cp == nil || cp.Consumer == "" || cp.Consumer == s.consumer {
			continue
		}
		// Any client can write a checkpoint under any name: the name
		// reaches a terminal, so it is neutralised like a log value.
		if o := textsafe.Sanitize(cp.Consumer); !slices.Contains(owners, o) {
			owners = append(owners, o)
		}
	}
	slices.Sort(owners)
	hb := time.Duration(s.heartbeatSecs()) * time.Second
	wait := ShardWait{Group: s.cfg.Group, Since: w.since, Owners: owners,
		FreeBy: w.since.Add(time.Duration(s.namedTimeout)*time.Second + hb)}
	s.track.setWait(wait)
	switch {
	case w.told == 0 && now.Sub(w.since) >= hb:
		w.told = 1
		if now.After(wait.FreeBy) {
			w.told = 2 // the first word already says they are alive
		}
		s.events.emit(EventNotice, wait.Message(now), nil)
	case w.told == 1 && now.After(wait.FreeBy):
		w.told = 2
		s.events.emit(EventNotice, wait.Message(now), nil)
	}
}

func (t *tracker) setWait(w ShardWait) {
	t.mu.Lock()
	t.base.Waiting = w
	t.mu.Unlock()
}

func (t *tracker) setHeartbeatTimeout(d time.Duration) {
	t.mu.Lock()
	t.base.HeartbeatTimeout = d
	t.mu.Unlock()
}
