package consumer

// Keeping an ephemeral group's checkpoints fresh, so that no slstail prunes
// it while it runs (prune.go). The session commits a shard's checkpoint only
// when its acknowledged position moved, so on a quiet logstore a running
// session's checkpoints keep their creation time for ever. When none of
// them has moved for keepAliveAfter, the session writes one again with the
// value it already has, which moves only its updateTime.
//
// The value written must be the one the SDK last committed, or the write
// could move the checkpoint back. It is: the shard chosen is one whose
// committed checkpoint (just read) is where the receiver's acknowledgements
// stand, checked again right before the write. The session commits only
// after an acknowledgement moved that position, so it has nothing newer to
// commit then; the
// one window left is a batch delivered and committed within the write's own
// round trip, and its cost is a re-delivery of that batch should the
// ephemeral group's only consumer lose the shard and take it back.

import (
	"context"
	"fmt"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// defaultKeepAliveAfter is how long an ephemeral group's checkpoints may
// stand still before the session refreshes one: a sixtieth of deadAfter.
const defaultKeepAliveAfter = time.Minute

// keepAlive is the poller's memory of the group's newest checkpoint update.
// It is measured on this machine's clock, never compared with the server's
// updateTime, so that a skewed clock cannot stop the refresh.
type keepAlive struct {
	newest  int64     // newest updateTime seen, as SLS sent it
	changed time.Time // when it last changed (local clock)
	tried   time.Time // the last refresh attempt
}

// keepAlive refreshes one checkpoint of the current ephemeral run's group
// when none has moved for Config.keepAliveAfter. cps were just read from the
// server.
func (s *Session) keepAlive(ctx context.Context, k *keepAlive, r *run, cps map[int]*sls.ConsumerGroupCheckPoint, now time.Time) {
	if !s.ephemeral {
		return // named groups are never pruned
	}
	var newest int64
	for _, cp := range cps {
		if cp != nil && cp.UpdateTime > newest {
			newest = cp.UpdateTime
		}
	}
	if newest != k.newest || k.changed.IsZero() {
		k.newest, k.changed = newest, now
		return
	}
	after := s.cfg.keepAliveAfter
	if now.Sub(k.changed) < after || now.Sub(k.tried) < after/4 {
		return
	}
	// The shard whose checkpoint is oldest among those where delivery
	// stands exactly at the committed checkpoint.
	positions := r.positions()
	shard, cursor := -1, ""
	var oldest int64
	for _, id := range s.shardIDs() {
		cp := cps[id]
		if cp == nil || cp.CheckPoint == "" || positions[id] != cp.CheckPoint {
			continue
		}
		if shard < 0 || cp.UpdateTime < oldest {
			shard, cursor, oldest = id, cp.CheckPoint, cp.UpdateTime
		}
	}
	if shard < 0 {
		return // every shard has a commit pending: the SDK is about to refresh them
	}
	k.tried = now
	if r.positions()[shard] != cursor {
		return // delivered meanwhile: the SDK commits it
	}
	if err := s.call(ctx, func() error {
		return s.ops.UpdateCheckpoint(s.cfg.Project, s.cfg.Logstore, r.group, s.consumer, shard, cursor, true)
	}); err != nil && ctx.Err() == nil {
		s.sdkLog(fmt.Sprintf("keepalive: checkpoint of shard %d in %s", shard, r.group), s.classifyErr("UpdateCheckpoint", err))
	}
}
