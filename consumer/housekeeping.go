package consumer

// What the lag poller does besides measuring lag, since it already reads
// the group's checkpoints every few seconds: follow whether a named-group
// session holds any shard.

import (
	"context"
	"sync"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

type housekeeping struct {
	s     *Session
	wg    sync.WaitGroup // what startHousekeeping started
	watch shardWatch
}

// startHousekeeping prepares what the poller does besides measuring lag;
// wait returns once anything it started is done.
func (s *Session) startHousekeeping(ctx context.Context) *housekeeping {
	hk := &housekeeping{s: s}
	timeout := s.groupTimeout()
	if !s.ephemeral {
		timeout = s.namedTimeout
	}
	s.track.setHeartbeatTimeout(time.Duration(timeout) * time.Second)
	return hk
}

// observe runs after each read of the current run's checkpoints.
func (hk *housekeeping) observe(ctx context.Context, r *run, cps map[int]*sls.ConsumerGroupCheckPoint) {
	now := time.Now()
	hk.s.watchShards(&hk.watch, cps, now)
}

func (hk *housekeeping) wait() { hk.wg.Wait() }
