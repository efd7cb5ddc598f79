package consumer

// The session's own SLS calls, outside the SDK's consumer library: the
// shard list, start cursors, and the query probe.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"

	"github.com/slstail/slstail/spl"
)

// checkQuery validates an SPL query locally, then asks the server with one
// PullLogs at the end of one shard (which returns no data), so that a query
// the server rejects is caught before anything stops.
func (s *Session) checkQuery(ctx context.Context, query string) error {
	q := sdkQuery(query)
	if q == "" {
		return nil
	}
	if res := spl.Check(q); res.Err != nil {
		return &Error{Kind: EventQuery, Op: "check query", Message: res.Err.Error()}
	}
	shards := s.shardIDs()
	if len(shards) == 0 {
		return nil
	}
	shard := shards[0]
	var cursor string
	if err := s.call(ctx, func() (err error) {
		cursor, err = s.ops.GetCursor(s.cfg.Project, s.cfg.Logstore, shard, "end")
		return err
	}); err != nil {
		return s.classifyErr(fmt.Sprintf("GetCursor shard %d", shard), err)
	}
	err := s.call(ctx, func() error {
		_, _, err := s.ops.PullLogsWithQuery(&sls.PullLogRequest{Project: s.cfg.Project, Logstore: s.cfg.Logstore,
			ShardID: shard, Cursor: cursor, LogGroupMaxCount: 1, Query: q})
		return err
	})
	if err != nil {
		e := s.classifyErr("query probe (PullLogs)", err)
		var ce *Error
		if errors.As(e, &ce) && ce.Kind == EventInfo && ce.Status == http.StatusBadRequest {
			ce.Kind = EventQuery
		}
		return e
	}
	return nil
}

// cursorsAt finds every shard's cursor for a position.
func (s *Session) cursorsAt(ctx context.Context, from StartFrom) (map[int]string, error) {
	arg := "end"
	switch from.Kind {
	case PosBegin:
		arg = "begin"
	case PosTime, PosAgo:
		arg = fmt.Sprint(from.at(time.Now()).Unix())
	}
	var mu sync.Mutex
	shards := s.shardIDs()
	out := make(map[int]string, len(shards))
	errs := eachShard(shards, func(id int) error {
		return s.call(ctx, func() error {
			c, err := s.ops.GetCursor(s.cfg.Project, s.cfg.Logstore, id, arg)
			if err == nil {
				mu.Lock()
				out[id] = c
				mu.Unlock()
			}
			return err
		})
	})
	for _, id := range shards {
		if err := errs[id]; err != nil {
			return nil, s.classifyErr(fmt.Sprintf("GetCursor shard %d from %s", id, arg), err)
		}
	}
	return out, nil
}

func (s *Session) listShards(ctx context.Context) ([]int, error) {
	ids, _, err := s.shardList(ctx)
	return ids, err
}

// shardList lists the logstore's shards and which of them are read-only
// (split or merged: they take no more logs, and their children or the
// merged shard carry on from them).
func (s *Session) shardList(ctx context.Context) ([]int, map[int]bool, error) {
	var shards []*sls.Shard
	if err := s.call(ctx, func() (err error) {
		shards, err = s.ops.ListShards(s.cfg.Project, s.cfg.Logstore)
		return err
	}); err != nil {
		return nil, nil, s.classifyErr("ListShards", err)
	}
	ids := make([]int, 0, len(shards))
	readOnly := make(map[int]bool)
	for _, sh := range shards {
		switch {
		case sh.Status == "" || strings.EqualFold(sh.Status, "readwrite"):
			ids = append(ids, sh.ShardID)
		case strings.EqualFold(sh.Status, "readonly"):
			ids = append(ids, sh.ShardID)
			readOnly[sh.ShardID] = true
		}
	}
	sort.Ints(ids)
	if len(ids) == 0 {
		return nil, nil, fmt.Errorf("logstore %q has no shards", s.cfg.Logstore)
	}
	return ids, readOnly, nil
}

// refreshShards reads the shard list again, so that shards born of a split
// or merge since the last look are seeded, polled and shown, and read-only
// parents are known as such.
func (s *Session) refreshShards(ctx context.Context) error {
	ids, readOnly, err := s.shardList(ctx)
	if err != nil {
		return err
	}
	s.setShardList(ids, readOnly)
	return nil
}

func (s *Session) setShardList(ids []int, readOnly map[int]bool) {
	s.shardsMu.Lock()
	s.shards = ids
	s.shardsMu.Unlock()
	s.track.setShards(ids, readOnly)
}

// shardIDs is the logstore's shard list as last read.
func (s *Session) shardIDs() []int {
	s.shardsMu.Lock()
	defer s.shardsMu.Unlock()
	return s.shards
}

// call runs one SDK call so that ctx can abandon it: the SDK takes no
// context. The call itself ends within opsTimeout (Wait waits for it).
func (s *Session) call(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	s.bg.Add(1)
	s.calls.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.calls.Done()
		done <- f()
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sdkQuery is the query as sent: "*" means everything, which is no query
// at all (and spares the server running one).
func sdkQuery(q string) string {
	q = strings.TrimSpace(q)
	if q == "*" {
		return ""
	}
	return q
}

func sortedKeys(m map[int]string) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}
