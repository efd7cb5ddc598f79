package consumer

// Listing a logstore's consumer groups and deleting the ephemeral groups
// slstail left behind.
//
// SLS allows 30 consumer groups per logstore (the CreateConsumerGroup API
// reference), and an ephemeral group outlives a run that never reached Stop
// (kill -9, a closed laptop, a stop that timed out). What SLS tells about a group is little:
// ListConsumerGroup answers its name, timeout and order; GetCheckPoint
// answers, per shard, the checkpoint, the consumer that wrote it and its
// updateTime. No API says whether a consumer still heartbeats. So the rule
// rests on what slstail itself writes:
//
//   - the name says slstail made the group and when (naming.go);
//   - a running session keeps its ephemeral group's checkpoints fresh: the
//     SDK commits whenever a shard moves, and when no checkpoint has moved
//     for keepAliveAfter the session rewrites one unchanged (keepalive.go).
//
// A group is dead when its name is of the current ephemeral format, it is
// not ordered (slstail never makes an ordered ephemeral group), it was
// created more than deadAfter ago, and no shard's checkpoint was updated in
// the last deadAfter (or none ever was). deadAfter is an hour: 60 times the
// keepalive period, 240 times the ephemeral groups' 15 s heartbeat timeout,
// and more than the 15 minutes by which SLS lets a client's clock differ
// from its own (the SLS error code reference: RequestTimeExpired answers a
// request made more than 15 minutes before or after the service's time),
// twice over: the creation time is read from another client's clock and
// updateTime from the server's, both compared with this client's.
//
// Groups of the legacy ephemeral format are listed as slstail's but never
// deleted: the versions that made them did not keep their checkpoints fresh,
// so a quiet checkpoint does not prove such a group dead.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

const (
	// deadAfter is how long an ephemeral group must have existed, and its
	// checkpoints stood still, before it counts as dead.
	deadAfter = time.Hour
	// liveWithin is how recent a checkpoint update makes a group live: well
	// above the keepalive period, so that a running slstail always shows
	// as live.
	liveWithin = 5 * time.Minute
	// pruneBudget bounds the prune a session runs as it starts.
	pruneBudget = 20 * time.Second
	// pruneParallel is how many groups are read at once.
	pruneParallel = 4
)

// GroupState says whether a consumer group is in use, as far as its
// checkpoints tell.
type GroupState int

const (
	// GroupIdle: no checkpoint moved for a while, but that proves nothing:
	// a consumer on a quiet logstore commits nothing.
	GroupIdle GroupState = iota
	// GroupLive: a checkpoint moved in the last five minutes.
	GroupLive
	// GroupDead: one of slstail's ephemeral groups, provably unused (see
	// the rule above); slstail deletes these.
	GroupDead
)

func (s GroupState) String() string {
	switch s {
	case GroupLive:
		return "live"
	case GroupDead:
		return "dead"
	}
	return "idle"
}

// GroupInfo is one consumer group of a logstore.
type GroupInfo struct {
	Name string
	// Ephemeral says the name is one slstail gives its ephemeral groups, so
	// slstail created it. SLS does not record who created a group: a named
	// group may have been created by slstail too (--group creates a missing
	// group), or by anything else.
	Ephemeral bool
	// Legacy marks an ephemeral name of the format without a creation time
	// (slstail before groups were pruned): such groups are never pruned.
	Legacy      bool
	Created     time.Time     // from the name; zero when it does not say
	Timeout     time.Duration // the group's heartbeat timeout
	InOrder     bool
	Checkpoints int       // shards with a committed checkpoint
	Updated     time.Time // newest checkpoint update; zero if none was ever committed
	State       GroupState
	Err         error // reading the checkpoints failed: State is GroupIdle
}

// prunable reports whether g is one of slstail's ephemeral groups that has
// provably gone unused at now: see the rule at the top of this file.
func (g GroupInfo) prunable(now time.Time) bool {
	if !g.Ephemeral || g.Legacy || g.Created.IsZero() || g.InOrder || g.Err != nil {
		return false
	}
	if now.Sub(g.Created) <= deadAfter {
		return false
	}
	return g.Updated.IsZero() || now.Sub(g.Updated) > deadAfter
}

func (g *GroupInfo) classify(now time.Time) {
	switch {
	case g.Err != nil:
		g.State = GroupIdle
	case g.prunable(now):
		g.State = GroupDead
	case !g.Updated.IsZero() && now.Sub(g.Updated) < liveWithin:
		g.State = GroupLive
	default:
		g.State = GroupIdle
	}
}

// PruneOutcome is what became of one dead group.
type PruneOutcome struct {
	Name    string
	Deleted bool  // false with Err nil: a dry run, or the group came alive again
	Err     error // the delete failed
}

// ListGroups lists the logstore's consumer groups with what their
// checkpoints say, sorted by name. It only reads: nothing joins a group.
func ListGroups(ctx context.Context, cfg Config) ([]GroupInfo, error) {
	s, err := newOpsSession(cfg)
	if err != nil {
		return nil, err
	}
	defer s.closeOps()
	return s.listGroups(ctx, time.Now(), func(GroupInfo) bool { return true })
}

// PruneGroups lists the logstore's groups, as ListGroups does, and deletes
// those that are dead (only slstail's own ephemeral groups can be); with
// dryRun it deletes nothing. Each dead group's checkpoints are read again
// just before it is deleted, so that one that came alive is spared.
func PruneGroups(ctx context.Context, cfg Config, dryRun bool) ([]GroupInfo, []PruneOutcome, error) {
	s, err := newOpsSession(cfg)
	if err != nil {
		return nil, nil, err
	}
	defer s.closeOps()
	groups, err := s.listGroups(ctx, time.Now(), func(GroupInfo) bool { return true })
	if err != nil {
		return nil, nil, err
	}
	out := s.pruneDead(ctx, groups, dryRun, time.Now)
	return groups, out, nil
}

// newOpsSession is a Session used only for its own SLS calls: it never
// starts, so it needs no group.
func newOpsSession(cfg Config) (*Session, error) {
	cfg.Group, cfg.From = "", StartFrom{}
	return NewSession(cfg)
}

// listGroups reads the group list and, for the groups want selects, their
// checkpoints (pruneParallel at a time); the others are listed with what
// ListConsumerGroup says only.
func (s *Session) listGroups(ctx context.Context, now time.Time, want func(GroupInfo) bool) ([]GroupInfo, error) {
	var list []*sls.ConsumerGroup
	if err := s.call(ctx, func() (err error) {
		list, err = s.ops.ListConsumerGroup(s.cfg.Project, s.cfg.Logstore)
		return err
	}); err != nil {
		return nil, s.classifyErr("ListConsumerGroup", err)
	}
	groups := make([]GroupInfo, 0, len(list))
	for _, g := range list {
		if g == nil {
			continue
		}
		info := GroupInfo{Name: g.ConsumerGroupName, Timeout: time.Duration(g.Timeout) * time.Second, InOrder: g.InOrder}
		if created, ok := parseEphemeralName(info.Name); ok {
			info.Ephemeral, info.Created = true, created
		} else if isLegacyEphemeralName(info.Name) {
			info.Ephemeral, info.Legacy = true, true
		}
		groups = append(groups, info)
	}
	slices.SortFunc(groups, func(a, b GroupInfo) int { return cmp.Compare(a.Name, b.Name) })

	var (
		wg   sync.WaitGroup
		sem  = make(chan struct{}, pruneParallel)
		gone = make([]bool, len(groups))
	)
	for i := range groups {
		if !want(groups[i]) {
			groups[i].State = GroupIdle // not read: nothing proves more
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(g *GroupInfo, gone *bool) {
			defer func() { <-sem; wg.Done() }()
			*gone = s.readGroup(ctx, g, now)
		}(&groups[i], &gone[i])
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	kept := groups[:0]
	for i, g := range groups {
		if !gone[i] {
			kept = append(kept, g)
		}
	}
	return kept, nil
}

// readGroup fills g from its checkpoints and classifies it; it reports
// whether the group has disappeared since the list was read.
func (s *Session) readGroup(ctx context.Context, g *GroupInfo, now time.Time) (gone bool) {
	var cps []*sls.ConsumerGroupCheckPoint
	err := s.call(ctx, func() (err error) {
		cps, err = s.ops.GetCheckpoint(s.cfg.Project, s.cfg.Logstore, g.Name)
		return err
	})
	if isGroupNotExist(err) {
		return true
	}
	g.Checkpoints, g.Updated, g.Err = 0, time.Time{}, nil
	if err != nil {
		g.Err = s.classifyErr("GetCheckpoint "+g.Name, err)
	}
	for _, cp := range cps {
		if cp == nil || cp.CheckPoint == "" {
			continue
		}
		g.Checkpoints++
		if t := updateTime(cp.UpdateTime); t.After(g.Updated) {
			g.Updated = t
		}
	}
	g.classify(now)
	return false
}

func isGroupNotExist(err error) bool {
	var se *sls.Error
	return errors.As(err, &se) && se.Code == "ConsumerGroupNotExist"
}

// pruneDead deletes the groups classified dead, each after reading its
// checkpoints once more (a dead group does not come back, but a run that
// was suspended for an hour may resume the moment before). The group this
// session uses now is never among them: it is young and fresh.
func (s *Session) pruneDead(ctx context.Context, groups []GroupInfo, dryRun bool, now func() time.Time) []PruneOutcome {
	var out []PruneOutcome
	for i := range groups {
		g := &groups[i]
		if g.State != GroupDead {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		if s.readGroup(ctx, g, now()) {
			continue // someone else deleted it meanwhile
		}
		if g.State != GroupDead {
			continue
		}
		o := PruneOutcome{Name: g.Name}
		if !dryRun {
			err := s.call(ctx, func() error {
				return s.ops.DeleteConsumerGroup(s.cfg.Project, s.cfg.Logstore, g.Name)
			})
			switch {
			case err == nil:
				o.Deleted = true
			case isGroupNotExist(err):
				continue // another slstail pruned it first: not ours to count
			default:
				o.Err = s.classifyErr("DeleteConsumerGroup "+g.Name, err)
			}
		}
		out = append(out, o)
	}
	return out
}

// pruneOnStart deletes the logstore's dead slstail groups as a session
// starts: best effort, within pruneBudget, never failing or delaying the
// session (it runs beside it). One event says how many were deleted; a
// failure only goes to the SDK log, since nothing depends on it.
func (s *Session) pruneOnStart(ctx context.Context, own string) {
	ctx, cancel := context.WithTimeout(ctx, pruneBudget)
	defer cancel()
	now := time.Now()
	groups, err := s.listGroups(ctx, now, func(g GroupInfo) bool {
		// Only candidates need their checkpoints read.
		return g.Name != own && g.Ephemeral && !g.Legacy && !g.InOrder && now.Sub(g.Created) > deadAfter
	})
	if err != nil {
		s.sdkLog("prune: listing consumer groups failed", err)
		return
	}
	deleted := 0
	for _, o := range s.pruneDead(ctx, groups, false, time.Now) {
		if o.Err != nil {
			s.sdkLog("prune: "+o.Name, o.Err)
			continue
		}
		if o.Deleted {
			deleted++
		}
	}
	if deleted > 0 {
		s.events.emit(EventNotice, fmt.Sprintf("deleted %d dead slstail %s of logstore %s, left by runs that did not stop cleanly (unused for over %s; see `slstail groups`)",
			deleted, plural(deleted, "group", "groups"), s.cfg.Logstore, deadAfter), nil)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
