package consumer

// Checkpoints: the session writes them itself, through its own client, from
// the positions the receiver acknowledged. The SDK's checkpoint tracker is
// never used: it would commit what was pulled, not what was written out.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// parallelCalls bounds the session's concurrent per-shard calls: enough to
// seed or commit 256 shards in a few round trips, few enough not to look
// like a flood to SLS.
const parallelCalls = 16

// eachShard runs f for every shard id, parallelCalls at a time, and returns
// the errors by shard.
func eachShard(ids []int, f func(id int) error) map[int]error {
	var (
		mu   sync.Mutex
		errs = make(map[int]error)
		wg   sync.WaitGroup
		sem  = make(chan struct{}, parallelCalls)
	)
	for _, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(id); err != nil {
				mu.Lock()
				errs[id] = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errs
}

// writeCheckpoints writes each shard's cursor as the group's checkpoint, in
// parallel, and returns what it wrote. force is forceSuccess: true where
// this session's consumer does not hold the shards yet (a new group, or a
// named group's first run); false where it does, so that a shard the server
// has meanwhile given to another consumer is refused and keeps its
// progress (such shards are left out, not an error).
func (s *Session) writeCheckpoints(ctx context.Context, group string, cursors map[int]string, force bool) (map[int]string, error) {
	ids := sortedKeys(cursors)
	errs := eachShard(ids, func(id int) error {
		return s.call(ctx, func() error {
			return s.ops.UpdateCheckpoint(s.cfg.Project, s.cfg.Logstore, group, s.consumer, id, cursors[id], force)
		})
	})
	written := make(map[int]string, len(cursors))
	for _, id := range ids {
		err := errs[id]
		switch {
		case err == nil:
			written[id] = cursors[id]
		case !force && notOurs(err):
		default:
			return nil, s.classifyErr(fmt.Sprintf("UpdateCheckpoint shard %d", id), err)
		}
	}
	return written, nil
}

// notOurs recognises the answer to a checkpoint of a shard the consumer no
// longer holds (spelled both ways: the Go SDK checks "ConsumerNotExsit").
func notOurs(err error) bool {
	var se *sls.Error
	if !errors.As(err, &se) {
		return false
	}
	switch strings.ToLower(se.Code) {
	case "consumernotmatch", "consumernotexist", "consumernotexsit", "shardnotexist", "shardnotexsit":
		return true
	}
	return false
}

func groupMissing(err error) bool {
	var se *sls.Error
	return errors.As(err, &se) && strings.EqualFold(se.Code, "ConsumerGroupNotExist")
}

// commitRun commits a run's acknowledged positions that are not committed
// yet, and returns the shards whose commit failed (not those the server
// says are no longer ours) with the first error.
func (s *Session) commitRun(ctx context.Context, r *run, pos map[int]string) ([]int, error) {
	todo := make(map[int]string)
	for id, c := range pos {
		if c != r.committedAt(id) {
			todo[id] = c
		}
	}
	ids := sortedKeys(todo)
	force := s.ephemeral
	errs := eachShard(ids, func(id int) error {
		err := s.call(ctx, func() error {
			return s.ops.UpdateCheckpoint(s.cfg.Project, s.cfg.Logstore, r.group, s.consumer, id, todo[id], force)
		})
		if err == nil || notOurs(err) {
			r.setCommitted(id, todo[id])
			return nil
		}
		return err
	})
	var failed []int
	var first error
	for _, id := range ids {
		if err := errs[id]; err != nil {
			failed = append(failed, id)
			if first == nil {
				first = s.classifyErr(fmt.Sprintf("UpdateCheckpoint shard %d", id), err)
			}
			if groupMissing(err) {
				r.gone()
			}
		}
	}
	return failed, first
}

// commitLoop commits the current run's acknowledged positions every
// CommitInterval until ctx ends. A failed commit is retried at the next
// tick; the position it would have saved is only ever behind, never lost.
func (s *Session) commitLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.CommitInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if r := s.current(); r != nil {
			if _, err := s.commitRun(ctx, r, r.uncommitted()); err != nil && ctx.Err() == nil {
				s.events.emitErr(err)
			}
		}
	}
}

// released commits a shard's acknowledged position when the SDK gives the
// shard up to another consumer of the named group. The receiver is given a
// moment to acknowledge what it was handed, so that the next owner does
// not repeat it.
func (s *Session) released(r *run, shard int) {
	r.waitSettled(shard, 2*time.Second)
	pos := r.positions()
	c, ok := pos[shard]
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.ctx, opsTimeout)
	defer cancel()
	s.commitRun(ctx, r, map[int]string{shard: c})
}

// StopError is what Stop returns when it could not do all it should: the
// named group's checkpoints of some shards were not committed (the next
// run resumes before what this one wrote out: duplicates, never a gap), or
// the ephemeral group could not be deleted and is left behind.
type StopError struct {
	Uncommitted []int  // shards whose acknowledged position was not committed
	Group       string // the group concerned
	Named       bool   // Group is the named group (else: an ephemeral group left behind)
	Err         error  // why
}

func (e *StopError) Error() string {
	var b strings.Builder
	b.WriteString("stop incomplete: ")
	if e.Named {
		shards := make([]string, len(e.Uncommitted))
		for i, id := range e.Uncommitted {
			shards[i] = fmt.Sprint(id)
		}
		fmt.Fprintf(&b, "checkpoints of consumer group %q not committed for shards %s (the next --from checkpoint repeats what this run wrote after its last commit)",
			e.Group, strings.Join(shards, ", "))
	} else {
		fmt.Fprintf(&b, "ephemeral consumer group %q left behind (it holds no shards; delete it in the SLS console)", e.Group)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *StopError) Unwrap() error { return e.Err }

// committedAt is the last checkpoint the session wrote for the shard.
func (r *run) committedAt(shard int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.committed[shard]
}

// groupGone recreates a consumer group that disappeared under a run (slsd
// restarted, or someone deleted it in the console): the SDK would otherwise
// heartbeat into ConsumerGroupNotExist forever while nothing arrives. The
// run is closed, which freezes its acknowledged positions, and a new run
// starts from them with the same query: nothing is lost, nothing repeated.
// If the group cannot be recreated, the session fails (EventFailed).
func (s *Session) groupGone(r *run) {
	s.bg.Add(1)
	defer s.bg.Done()
	s.mu.Lock()
	if s.state != stateRunning || s.cur != r {
		s.mu.Unlock()
		return
	}
	what := "resuming in a new one"
	if !s.ephemeral {
		what = "recreating it and resuming"
	}
	s.events.emit(EventNotFound, fmt.Sprintf("consumer group %q is gone (deleted, or the server restarted); %s from the last positions written out", r.group, what), nil)
	s.last = r.close()
	s.setCur(nil)
	s.retire(r, false)
	s.mu.Unlock()

	// Network errors are retried a few times (the server may be coming
	// back); the lock is not held while waiting, so a Stop or a Restart by
	// the user goes first, and then there is nothing left to recover.
	var err error
	for attempt, wait := 0, time.Second; attempt < 4; attempt, wait = attempt+1, wait*2 {
		if attempt > 0 {
			time.Sleep(wait)
		}
		var done bool
		done, err = s.recreate(r)
		if done {
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != EventNetwork {
			break
		}
	}
	s.track.fail()
	s.events.emit(EventFailed, fmt.Sprintf("consumer group %q is gone and could not be recreated: %v", r.group, err), err)
}

// recreate starts a run with the lost run's query from its positions, in a
// new group (ephemeral) or in the named group created anew. done is true
// when there is nothing more to do: it worked, or the session was stopped
// or restarted meanwhile.
func (s *Session) recreate(lost *run) (done bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateRunning || s.cur != nil {
		return true, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), opsTimeout)
	defer cancel()
	if s.ephemeral {
		err = s.startRun(ctx, lost.query, StartFrom{Kind: PosContinue}, s.last, false)
	} else {
		err = s.recreateNamed(ctx, lost.query)
	}
	if err != nil {
		return false, err
	}
	s.events.emit(EventInfo, fmt.Sprintf("consumer group %q recreated; resumed from the last positions written out", s.cur.group), nil)
	return true, nil
}

func (s *Session) recreateNamed(ctx context.Context, query string) error {
	if err := s.call(ctx, func() error {
		return s.ops.CreateConsumerGroup(s.cfg.Project, s.cfg.Logstore, sls.ConsumerGroup{
			ConsumerGroupName: s.cfg.Group, Timeout: s.namedTimeout, InOrder: s.namedInOrder})
	}); err != nil {
		var se *sls.Error
		if !errors.As(err, &se) || se.Code != "ConsumerGroupAlreadyExist" {
			return s.classifyErr("CreateConsumerGroup "+s.cfg.Group, err)
		}
	}
	// Nobody holds a shard of the new group, so its checkpoints are written
	// with force; shards this session never read start at the end.
	if _, err := s.writeCheckpoints(ctx, s.cfg.Group, s.last, true); err != nil {
		return err
	}
	if err := s.startRun(ctx, query, StartFrom{Kind: PosEnd}, nil, true); err != nil {
		return err
	}
	// The positions this session read to are its own again: a continue,
	// or a second loss of the group, starts from them.
	r := s.cur
	r.mu.Lock()
	for id, c := range s.last {
		r.shards[id] = &ledger{acked: c}
		r.committed[id] = c
	}
	r.mu.Unlock()
	return nil
}

// dropGroupLater deletes, in the background, the ephemeral group of a run
// that failed to start.
func (s *Session) dropGroupLater(group string) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), opsTimeout)
		defer cancel()
		if err := s.deleteGroup(ctx, group); err != nil {
			s.events.emitErr(err)
		}
	}()
}
