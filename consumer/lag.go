package consumer

import (
	"context"
	"fmt"
	"strconv"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// maxLagInterval caps the poller's backoff after errors.
const maxLagInterval = 30 * time.Second

// pollLag polls the group's checkpoints and each shard's end, so that the
// status shows checkpoint times and lag for every shard, held or not. It
// backs off while SLS fails and stops when ctx ends.
func (s *Session) pollLag(ctx context.Context) {
	hk := s.startHousekeeping(ctx)
	defer hk.wait()
	times := make(map[string]time.Time) // shard/cursor -> receive time; cursors are immutable
	interval := s.cfg.LagInterval
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if err := s.pollLagOnce(ctx, times, hk); err != nil {
			interval = min(interval*2, maxLagInterval)
		} else {
			interval = s.cfg.LagInterval
		}
		if len(times) > 4096 {
			clear(times)
		}
		timer.Reset(interval)
	}
}

func (s *Session) pollLagOnce(ctx context.Context, times map[string]time.Time, hk *housekeeping) error {
	r := s.current()
	if r == nil {
		return nil
	}
	// A split or merge shows here first: new shards to measure and show,
	// parents turned read-only.
	if err := s.refreshShards(ctx); err != nil {
		return err
	}
	cps, err := s.checkpoints(ctx, r.group)
	if err != nil {
		return err
	}
	hk.observe(ctx, r, cps)
	positions := r.readPositions()
	held := make(map[int]bool)
	for _, sh := range s.track.snapshot().Shards {
		held[sh.Shard] = sh.Held
	}
	var firstErr error
	for _, id := range s.shardIDs() {
		// Held shards are measured from what the receiver was handed,
		// which runs ahead of the committed checkpoint (and, for a batch
		// it chose not to acknowledge, ahead of its position); others
		// from the checkpoint.
		pos, ok := positions[id]
		if !ok || !held[id] {
			pos = ""
		}
		l, err := s.measure(ctx, id, cps[id], pos, times)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		s.track.setLag(id, l)
	}
	return firstErr
}

func (s *Session) checkpoints(ctx context.Context, group string) (map[int]*sls.ConsumerGroupCheckPoint, error) {
	var cps []*sls.ConsumerGroupCheckPoint
	if err := s.call(ctx, func() (err error) {
		cps, err = s.ops.GetCheckpoint(s.cfg.Project, s.cfg.Logstore, group)
		return err
	}); err != nil {
		return nil, s.classifyErr("GetCheckpoint "+group, err)
	}
	out := make(map[int]*sls.ConsumerGroupCheckPoint, len(cps))
	for _, cp := range cps {
		out[cp.ShardID] = cp
	}
	return out, nil
}

// measure finds a shard's checkpoint time, end time and lag. pos is where
// the lag is measured from ("" = the checkpoint). times caches cursor
// times: a cursor's receive time never changes.
func (s *Session) measure(ctx context.Context, id int, cp *sls.ConsumerGroupCheckPoint, pos string, times map[string]time.Time) (lag, error) {
	cursorTime := func(cursor string) (time.Time, error) {
		key := strconv.Itoa(id) + "/" + cursor
		if t, ok := times[key]; ok {
			return t, nil
		}
		var t time.Time
		err := s.call(ctx, func() (err error) {
			t, err = s.ops.GetCursorTime(s.cfg.Project, s.cfg.Logstore, id, cursor)
			return err
		})
		if err != nil {
			return t, s.classifyErr(fmt.Sprintf("GetCursorTime shard %d", id), err)
		}
		times[key] = t
		return t, nil
	}
	var l lag
	if cp != nil {
		l.checkpoint, l.owner = cp.CheckPoint, cp.Consumer
		if cp.CheckPoint != "" {
			if t, err := cursorTime(cp.CheckPoint); err == nil {
				l.checkpointTime = t
			}
		}
	}
	if pos == "" {
		pos = l.checkpoint
	}
	var end string
	if err := s.call(ctx, func() (err error) {
		end, err = s.ops.GetCursor(s.cfg.Project, s.cfg.Logstore, id, "end")
		return err
	}); err != nil {
		return l, s.classifyErr(fmt.Sprintf("GetCursor shard %d", id), err)
	}
	endT, err := cursorTime(end)
	if err != nil {
		return l, err
	}
	l.endTime, l.known = endT, pos != ""
	l.atEnd = pos != "" && pos == end
	if pos != "" && pos != end {
		posT, err := cursorTime(pos)
		if err != nil {
			return l, err
		}
		if endT.After(posT) {
			l.lag = endT.Sub(posT)
		}
	}
	return l, nil
}

// DescribeGroup reads a consumer group's checkpoints and every shard's end,
// without joining the group (it never heartbeats, so it cannot take shards
// from anyone): the data of `slstail lag`. cfg.Group must be set.
func DescribeGroup(ctx context.Context, cfg Config) ([]ShardStatus, error) {
	if cfg.Group == "" {
		return nil, fmt.Errorf("describe: no consumer group given")
	}
	if err := CheckGroupName(cfg.Group); err != nil {
		return nil, err
	}
	// Any group can be read, an ephemeral one too: the session only makes
	// the calls.
	s, err := newOpsSession(cfg)
	if err != nil {
		return nil, err
	}
	defer s.closeOps()
	ids, err := s.listShards(ctx)
	if err != nil {
		return nil, err
	}
	cps, err := s.checkpoints(ctx, cfg.Group)
	if err != nil {
		return nil, err
	}
	times := make(map[string]time.Time)
	out := make([]ShardStatus, 0, len(ids))
	for _, id := range ids {
		st := ShardStatus{Shard: id, State: ShardReleased}
		cp := cps[id]
		l, err := s.measure(ctx, id, cp, "", times)
		if err != nil {
			st.LastError = err.Error()
		}
		st.Owner, st.Checkpoint, st.CheckpointTime = l.owner, l.checkpoint, l.checkpointTime
		st.EndTime, st.Lag = l.endTime, l.lag
		if cp != nil {
			st.UpdatedAt = updateTime(cp.UpdateTime)
		}
		out = append(out, st)
	}
	return out, nil
}

// updateTime reads GetCheckPoint's updateTime, documented as seconds but
// shown in SLS's own response examples (and sent by slsd) as microseconds:
// the magnitude tells which.
func updateTime(v int64) time.Time {
	switch {
	case v <= 0:
		return time.Time{}
	case v > 1e14:
		return time.UnixMicro(v)
	case v > 1e11:
		return time.UnixMilli(v)
	}
	return time.Unix(v, 0)
}
