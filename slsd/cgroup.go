package slsd

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// consumerGroup is one consumer group of a logstore. All of its state is
// guarded by the logstore's groupsMu.
//
// Shard assignment follows the state machine of the official Java consumer
// README: every shard has an owner; a consumer silent for more than timeout
// seconds is dropped and its shards are free; shards are spread so that two
// live consumers' counts differ by at most one; a shard taken from a
// consumer is first put in transfer (no longer returned to its owner) and
// only moves to the next consumer once the owner's heartbeat stops listing
// it — after it saved its checkpoint.
//
// Split and merge add two states. A readonly shard whose checkpoint has
// reached its (fixed) end cursor is over: consumed for good, assigned to no
// one, and the remaining shards are spread again. In an ordered group a
// shard waits, unassigned, until every shard it was split or merged from is
// over (or deleted): SLS documents that order=true consumes a parent before
// its children.
type consumerGroup struct {
	name      string
	timeout   int // seconds
	order     bool
	consumers map[string]*consumerState
	shards    map[int]*groupShard // by shard ID; entries made on first use
}

// groupShard is the group's state of one shard.
type groupShard struct {
	owner string // "" when free
	next  string // the consumer a shard in transfer goes to
	cp    checkpoint
}

type consumerState struct {
	lastSeen time.Time
}

type checkpoint struct {
	cursor   string
	updated  int64 // unix µs, as in SLS's example answers
	consumer string
}

func (g *consumerGroup) shard(id int) *groupShard {
	gs := g.shards[id]
	if gs == nil {
		gs = &groupShard{}
		g.shards[id] = gs
	}
	return gs
}

// sync forgets the shards that no longer exist (retention deleted them).
func (g *consumerGroup) sync(states []shardState) {
	exists := make(map[int]bool, len(states))
	for _, st := range states {
		exists[st.id] = true
	}
	for id := range g.shards {
		if !exists[id] {
			delete(g.shards, id)
		}
	}
}

// over reports whether a readonly shard's checkpoint has reached its end.
func (g *consumerGroup) over(st shardState) bool {
	if !st.readonly {
		return false
	}
	gs := g.shards[st.id]
	if gs == nil {
		return false
	}
	c, ok := decodeCursor(gs.cp.cursor)
	return ok && c-st.base >= st.end
}

// assignable returns the IDs of the shards the group may hand out now:
// not over, and in an ordered group not waiting for a parent.
func (g *consumerGroup) assignable(states []shardState) []int {
	done := make(map[int]bool, len(states))
	present := make(map[int]bool, len(states))
	for _, st := range states {
		present[st.id] = true
		done[st.id] = g.over(st)
	}
	var ids []int
	for _, st := range states {
		if done[st.id] {
			continue
		}
		waiting := false
		if g.order {
			for _, p := range st.parents {
				if present[p] && !done[p] {
					waiting = true
				}
			}
		}
		if !waiting {
			ids = append(ids, st.id)
		}
	}
	return ids
}

var groupName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

type groupJSON struct {
	Name    string `json:"consumerGroup"`
	Timeout *int   `json:"timeout"`
	Order   *bool  `json:"order"`
}

func (s *Server) listGroups(c *call, ls *logstore) error {
	type entry struct {
		Name    string `json:"name"`
		Timeout int    `json:"timeout"`
		Order   bool   `json:"order"`
	}
	ls.groupsMu.Lock()
	out := make([]entry, 0, len(ls.groups))
	for _, g := range ls.groups {
		out = append(out, entry{g.name, g.timeout, g.order})
	}
	ls.groupsMu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return writeJSON(c, out)
}

func (s *Server) createGroup(c *call, ls *logstore) error {
	var body groupJSON
	if err := readJSON(c, &body); err != nil {
		return err
	}
	if !groupName.MatchString(body.Name) || body.Timeout == nil || *body.Timeout <= 0 {
		return newErr(http.StatusBadRequest, "JsonInfoInvalid", "consumerGroup or timeout is of error format")
	}
	g := &consumerGroup{
		name:      body.Name,
		timeout:   *body.Timeout,
		order:     body.Order != nil && *body.Order,
		consumers: make(map[string]*consumerState),
		shards:    make(map[int]*groupShard),
	}
	ls.groupsMu.Lock()
	defer ls.groupsMu.Unlock()
	if _, ok := ls.groups[g.name]; ok {
		return newErr(http.StatusBadRequest, "ConsumerGroupAlreadyExist", "consumer group already exist")
	}
	ls.groups[g.name] = g
	return writeEmpty(c)
}

func (s *Server) updateGroup(c *call, ls *logstore, name string) error {
	var body groupJSON
	if err := readJSON(c, &body); err != nil {
		return err
	}
	if body.Timeout != nil && *body.Timeout <= 0 {
		return newErr(http.StatusBadRequest, "JsonInfoInvalid", "consumerGroup or timeout is of error format")
	}
	ls.groupsMu.Lock()
	defer ls.groupsMu.Unlock()
	g := ls.groups[name]
	if g == nil {
		return errGroupNotExist(name)
	}
	if body.Timeout != nil {
		g.timeout = *body.Timeout
	}
	if body.Order != nil {
		g.order = *body.Order
	}
	return writeEmpty(c)
}

func (s *Server) deleteGroup(c *call, ls *logstore, name string) error {
	ls.groupsMu.Lock()
	defer ls.groupsMu.Unlock()
	if ls.groups[name] == nil {
		return errGroupNotExist(name)
	}
	delete(ls.groups, name)
	return writeEmpty(c)
}

// heartbeat registers the consumer as alive, takes the shards it reports as
// the ones it still holds, and answers the shards it owns now.
func (s *Server) heartbeat(c *call, ls *logstore, name string) error {
	consumer := c.r.URL.Query().Get("consumer")
	if consumer == "" {
		return newErr(http.StatusBadRequest, "MissingParameter", "Missing query key : consumer.")
	}
	var held []int
	if err := readJSON(c, &held); err != nil {
		return err
	}
	states := ls.shardStates()
	ls.groupsMu.Lock()
	defer ls.groupsMu.Unlock()
	g := ls.groups[name]
	if g == nil {
		return errGroupNotExist(name)
	}
	now := s.now()
	g.expire(now)
	cs := g.consumers[consumer]
	if cs == nil {
		if len(held) > 0 {
			return newErr(http.StatusBadRequest, "NotExistConsumerWithBody", "non-exist consumer with non-empty body of heartbeat message")
		}
		cs = &consumerState{}
		g.consumers[consumer] = cs
	}
	cs.lastSeen = now
	g.sync(states)
	ids := g.assignable(states)
	open := make(map[int]bool, len(ids))
	for _, id := range ids {
		open[id] = true
	}
	for id, gs := range g.shards {
		if !open[id] {
			// Over, or waiting for its parents: it belongs to no one.
			gs.owner, gs.next = "", ""
		}
	}
	holds := make(map[int]bool, len(held))
	for _, id := range held {
		holds[id] = true
	}
	for _, id := range ids {
		if gs := g.shard(id); gs.owner == consumer && gs.next != "" && !holds[id] {
			// The owner let go (its checkpoint is saved): hand over.
			gs.owner, gs.next = gs.next, ""
		}
	}
	g.rebalance(ids)
	out := []int{}
	for _, id := range ids {
		if gs := g.shards[id]; gs.owner == consumer && gs.next == "" {
			out = append(out, id)
		}
	}
	return writeJSON(c, out)
}

// expire drops consumers silent for more than the group's timeout; their
// shards are free at once (a dead consumer cannot hand anything over).
func (g *consumerGroup) expire(now time.Time) {
	limit := time.Duration(g.timeout) * time.Second
	for name, cs := range g.consumers {
		if now.Sub(cs.lastSeen) <= limit {
			continue
		}
		delete(g.consumers, name)
		for _, gs := range g.shards {
			if gs.owner == name {
				gs.owner, gs.next = "", ""
			}
			if gs.next == name {
				gs.next = ""
			}
		}
	}
}

// rebalance gives the free shards among ids (ascending) to the least loaded
// consumers and moves shards (through transfer) until no two live
// consumers' loads differ by more than one. A shard in transfer counts for
// the consumer it goes to.
func (g *consumerGroup) rebalance(ids []int) {
	if len(g.consumers) == 0 {
		return
	}
	names := make([]string, 0, len(g.consumers))
	for n := range g.consumers {
		names = append(names, n)
	}
	sort.Strings(names)
	load := make(map[string]int, len(names))
	target := func(gs *groupShard) string {
		if gs.next != "" {
			return gs.next
		}
		return gs.owner
	}
	for _, id := range ids {
		if t := target(g.shard(id)); t != "" {
			load[t]++
		}
	}
	least := func() string {
		best := names[0]
		for _, n := range names[1:] {
			if load[n] < load[best] {
				best = n
			}
		}
		return best
	}
	most := func() string {
		best := names[0]
		for _, n := range names[1:] {
			if load[n] > load[best] {
				best = n
			}
		}
		return best
	}
	for _, id := range ids {
		if gs := g.shards[id]; gs.owner == "" {
			n := least()
			gs.owner = n
			load[n]++
		}
	}
	for {
		hi, lo := most(), least()
		if load[hi]-load[lo] <= 1 {
			return
		}
		moved := false
		for i := len(ids) - 1; i >= 0 && !moved; i-- {
			gs := g.shards[ids[i]]
			if target(gs) != hi {
				continue
			}
			if gs.owner == lo {
				gs.next = "" // cancel a transfer away from lo
			} else {
				gs.next = lo
			}
			moved = true
		}
		if !moved {
			return
		}
		load[hi]--
		load[lo]++
	}
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true":
		return true, true
	case "false", "":
		return false, true
	}
	return false, false
}

// updateCheckpoint stores a shard's checkpoint. With forceSuccess the
// update is unconditional (what the Go and Python consumers send); without
// it the consumer must be alive and own the shard.
func (s *Server) updateCheckpoint(c *call, ls *logstore, name string) error {
	q := c.r.URL.Query()
	consumer := q.Get("consumer")
	force, ok := parseBool(q.Get("forceSuccess"))
	if !ok {
		return errParam("Parameter forceSuccess %s is not valid", q.Get("forceSuccess"))
	}
	var body struct {
		Shard      *int    `json:"shard"`
		Checkpoint *string `json:"checkpoint"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	if body.Shard == nil || body.Checkpoint == nil {
		return newErr(http.StatusBadRequest, "JsonInfoInvalid", "shard or checkpoint is of error format")
	}
	id := *body.Shard
	exists := ls.topo.Load().byID(id) != nil
	ls.groupsMu.Lock()
	defer ls.groupsMu.Unlock()
	g := ls.groups[name]
	if g == nil {
		return errGroupNotExist(name)
	}
	if !exists {
		return errShardNotExist(strconv.Itoa(id))
	}
	gs := g.shard(id)
	if !force {
		if g.consumers[consumer] == nil {
			return newErr(http.StatusBadRequest, "ConsumerNotExist", "consumer %s does not exist", consumer)
		}
		if gs.owner != consumer {
			return newErr(http.StatusBadRequest, "ConsumerNotMatch", "consumer %s does not hold shard %d", consumer, id)
		}
	}
	gs.cp = checkpoint{cursor: *body.Checkpoint, updated: s.now().UnixMicro(), consumer: consumer}
	return writeEmpty(c)
}

// getCheckpoints answers every shard's checkpoint, with "" for shards never
// committed (the Python and Java consumers need an entry per shard).
func (s *Server) getCheckpoints(c *call, ls *logstore, name string) error {
	type entry struct {
		Shard      int    `json:"shard"`
		Checkpoint string `json:"checkpoint"`
		UpdateTime int64  `json:"updateTime"`
		Consumer   string `json:"consumer"`
	}
	only := -1
	if v := c.r.URL.Query().Get("shard"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return errParam("Parameter shard %s is not valid", v)
		}
		only = n
	}
	shards := ls.topo.Load().all
	ls.groupsMu.Lock()
	g := ls.groups[name]
	if g == nil {
		ls.groupsMu.Unlock()
		return errGroupNotExist(name)
	}
	out := []entry{}
	for _, sh := range shards {
		if only < 0 || only == sh.id {
			var cp checkpoint
			if gs := g.shards[sh.id]; gs != nil {
				cp = gs.cp
			}
			out = append(out, entry{sh.id, cp.cursor, cp.updated, cp.consumer})
		}
	}
	ls.groupsMu.Unlock()
	return writeJSON(c, out)
}
