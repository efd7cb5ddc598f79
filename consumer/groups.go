package consumer

// Consumer groups: joining a named one without changing it, naming and
// deleting the ephemeral ones, and the timeouts the session gives them.

import (
	"context"
	"errors"
	"fmt"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// joinNamedGroup prepares the first run in a named group: it creates the
// group if needed and, when it exists, adopts its timeout and order so that
// the SDK (which "corrects" a group whose settings differ from its own)
// never changes a group other consumers rely on. It returns the start
// cursors of the shards that have no checkpoint yet: writing them now pins
// "from" to the moment of Start (the SDK would look up CursorPosition only
// when a shard worker first runs, skipping what was written in between).
// Shards with a checkpoint resume from it: that is what joining a group
// means.
func (s *Session) joinNamedGroup(ctx context.Context, from StartFrom) (map[int]string, error) {
	var groups []*sls.ConsumerGroup
	if err := s.call(ctx, func() (err error) {
		groups, err = s.ops.ListConsumerGroup(s.cfg.Project, s.cfg.Logstore)
		return err
	}); err != nil {
		return nil, s.classifyErr("ListConsumerGroup", err)
	}
	s.namedTimeout, s.namedInOrder = s.groupTimeout(), false
	exists := false
	for _, g := range groups {
		if g.ConsumerGroupName == s.cfg.Group {
			s.namedTimeout, s.namedInOrder, exists = g.Timeout, g.InOrder, true
		}
	}
	if !exists {
		if err := s.call(ctx, func() error {
			return s.ops.CreateConsumerGroup(s.cfg.Project, s.cfg.Logstore, sls.ConsumerGroup{
				ConsumerGroupName: s.cfg.Group, Timeout: s.namedTimeout})
		}); err != nil {
			var se *sls.Error
			if !errors.As(err, &se) || se.Code != "ConsumerGroupAlreadyExist" {
				return nil, s.classifyErr("CreateConsumerGroup "+s.cfg.Group, err)
			}
		}
	}
	cps, err := s.checkpoints(ctx, s.cfg.Group)
	if err != nil {
		return nil, err
	}
	kept := 0
	for _, cp := range cps {
		if cp.CheckPoint != "" {
			kept++
		}
	}
	if kept > 0 && from.Kind != PosCheckpoint {
		s.events.emit(EventInfo, fmt.Sprintf("group %q has checkpoints on %d shards: they resume from there; %s applies to the others", s.cfg.Group, kept, from), nil)
	}
	if kept == len(s.shardIDs()) {
		return nil, nil
	}
	if from.Kind == PosCheckpoint {
		from = StartFrom{Kind: PosEnd}
	}
	all, err := s.cursorsAt(ctx, from)
	if err != nil {
		return nil, err
	}
	out := make(map[int]string)
	for id, c := range all {
		if cp := cps[id]; cp == nil || cp.CheckPoint == "" {
			out[id] = c
		}
	}
	return out, nil
}

// deleteGroup deletes an ephemeral group. A leftover group holds no shards
// from anyone and SLS expires its consumers, but it clutters the console.
func (s *Session) deleteGroup(ctx context.Context, group string) error {
	if err := s.call(ctx, func() error {
		return s.ops.DeleteConsumerGroup(s.cfg.Project, s.cfg.Logstore, group)
	}); err != nil {
		return s.classifyErr("DeleteConsumerGroup "+group, err)
	}
	return nil
}

func (s *Session) heartbeatSecs() int {
	return int((s.cfg.HeartbeatInterval + time.Second - 1) / time.Second)
}

func (s *Session) groupTimeout() int { return 3 * s.heartbeatSecs() }

// ephemeralGroupName names the group of a new ephemeral run (naming.go).
func (s *Session) ephemeralGroupName() string { return ephemeralGroupName(time.Now(), s.rand) }

func heldOnly(cursors map[int]string, st Status) map[int]string {
	out := make(map[int]string)
	for _, sh := range st.Shards {
		if c, ok := cursors[sh.Shard]; ok && sh.Held {
			out[sh.Shard] = c
		}
	}
	return out
}
