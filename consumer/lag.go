package consumer

import (
	"context"
	"strconv"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// maxLagInterval caps the poller's backoff after errors.
const maxLagInterval = 30 * time.Second

// pollLag polls the group's checkpoints and each shard's end, so that the
// status shows checkpoint times and lag for every shard, held or not. It
// backs off while SLS fails and stops when ctx ends.
func (s *Session) pollLag(ctx context.Context, done chan<- struct{}) {
	defer close(done)
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
		if err := s.pollLagOnce(ctx, times); err != nil {
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

func (s *Session) pollLagOnce(ctx context.Context, times map[string]time.Time) error {
	r := s.current()
	if r == nil {
		return nil
	}
	var cps []*sls.ConsumerGroupCheckPoint
	if err := s.call(ctx, func() (err error) {
		cps, err = s.ops.GetCheckpoint(s.cfg.Project, s.cfg.Logstore, r.group)
		return err
	}); err != nil {
		return err
	}
	byShard := make(map[int]*sls.ConsumerGroupCheckPoint, len(cps))
	for _, cp := range cps {
		byShard[cp.ShardID] = cp
	}
	cursorTime := func(shard int, cursor string) (time.Time, error) {
		key := strconv.Itoa(shard) + "/" + cursor
		if t, ok := times[key]; ok {
			return t, nil
		}
		var t time.Time
		err := s.call(ctx, func() (err error) {
			t, err = s.ops.GetCursorTime(s.cfg.Project, s.cfg.Logstore, shard, cursor)
			return err
		})
		if err == nil {
			times[key] = t
		}
		return t, err
	}
	positions := r.positions()
	held := make(map[int]bool)
	for _, sh := range s.track.snapshot().Shards {
		held[sh.Shard] = sh.Held
	}
	var firstErr error
	for _, id := range s.shards {
		var l lag
		if cp := byShard[id]; cp != nil {
			l.checkpoint, l.owner = cp.CheckPoint, cp.Consumer
			if cp.CheckPoint != "" {
				if t, err := cursorTime(id, cp.CheckPoint); err == nil {
					l.checkpointTime = t
				}
			}
		}
		// Held shards are measured from what the receiver got, which runs
		// ahead of the committed checkpoint; others from the checkpoint.
		pos := l.checkpoint
		if p, ok := positions[id]; ok && held[id] {
			pos = p
		}
		var end string
		err := s.call(ctx, func() (err error) {
			end, err = s.ops.GetCursor(s.cfg.Project, s.cfg.Logstore, id, "end")
			return err
		})
		if err == nil {
			var endT, posT time.Time
			if endT, err = cursorTime(id, end); err == nil {
				l.endTime, l.known = endT, pos != ""
				switch {
				case pos == "" || pos == end:
					l.lag = 0
				default:
					if posT, err = cursorTime(id, pos); err == nil && endT.After(posT) {
						l.lag = endT.Sub(posT)
					}
				}
			}
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		s.track.setLag(id, l)
	}
	return firstErr
}
