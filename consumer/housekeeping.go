package consumer

// What the lag poller does besides measuring lag, since it already reads
// the group's checkpoints every few seconds: prune dead groups once at
// start, keep the ephemeral group's checkpoints fresh, and follow whether a
// named-group session holds any shard.

import (
	"context"
	"sync"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

type housekeeping struct {
	s     *Session
	wg    sync.WaitGroup // what startHousekeeping started
	keep  keepAlive
	watch shardWatch
}

// startHousekeeping starts the prune (if Config.PruneOnStart) beside the
// poller; wait returns once it is done, so that Stop leaves nothing running.
func (s *Session) startHousekeeping(ctx context.Context) *housekeeping {
	hk := &housekeeping{s: s}
	timeout := s.groupTimeout()
	if !s.ephemeral {
		timeout = s.namedTimeout
	}
	s.track.setHeartbeatTimeout(time.Duration(timeout) * time.Second)
	if s.cfg.PruneOnStart {
		own := ""
		if r := s.current(); r != nil {
			own = r.group
		}
		hk.wg.Add(1)
		go func() {
			defer hk.wg.Done()
			s.pruneOnStart(ctx, own)
		}()
	}
	return hk
}

// observe runs after each read of the current run's checkpoints.
func (hk *housekeeping) observe(ctx context.Context, r *run, cps map[int]*sls.ConsumerGroupCheckPoint) {
	now := time.Now()
	hk.s.keepAlive(ctx, &hk.keep, r, cps, now)
	hk.s.watchShards(&hk.watch, cps, now)
}

func (hk *housekeeping) wait() { hk.wg.Wait() }
