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
	"strings"
	"time"
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
