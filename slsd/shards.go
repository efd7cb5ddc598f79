package slsd

import (
	"fmt"
	"math/big"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Shard split and merge.
//
// A logstore's shards tile the 128-bit MD5 key space with [begin, end)
// ranges. SplitShard turns one readwrite shard into two (or shardCount)
// new readwrite shards over the same range and makes the old one
// readonly; MergeShards turns a readwrite shard and its right neighbour
// into one new shard over both ranges and makes both readonly. A readonly
// shard keeps its data and can be read as before, but takes no more
// writes, so its end cursor is fixed. New shards get the next unused IDs.
// (SLS API reference: SplitShard, MergeShards, the Shard structure; the Go
// SDK's client_store.go.)

const (
	minKey = "00000000000000000000000000000000"
	maxKey = "ffffffffffffffffffffffffffffffff" // the last shard's exclusive end: the top of the key space

	// maxTotalShards bounds readwrite and readonly shards together; readonly
	// shards leave only when retention has dropped their data.
	maxTotalShards = 4 * maxShards
)

// topology is a logstore's shards at one moment. It is never modified: a
// split, merge or shard deletion publishes a new one.
type topology struct {
	all      []*shard // every shard, readonly ones included, by ID
	writable []*shard // the readwrite shards by begin key: they tile the key space
}

func newTopology(shards []*shard) *topology {
	return &topology{all: shards, writable: shards}
}

func (t *topology) byID(id int) *shard {
	i := sort.Search(len(t.all), func(i int) bool { return t.all[i].id >= id })
	if i < len(t.all) && t.all[i].id == id {
		return t.all[i]
	}
	return nil
}

// route returns the readwrite shard whose [begin, end) range holds the hash
// key, comparing lower-case hex strings as SLS's own shard tools do. A key
// shorter than 32 digits is read as a prefix of the key space ("8" is
// 80000000000000000000000000000000), which SLS does not document; a key at
// or past the top of the space goes to the last shard.
func (t *topology) route(key string) *shard {
	key = padKey(strings.ToLower(key))
	i := sort.Search(len(t.writable), func(i int) bool { return t.writable[i].begin > key })
	if i == 0 {
		return t.writable[0]
	}
	return t.writable[i-1]
}

func padKey(key string) string {
	if len(key) < 32 {
		key += strings.Repeat("0", 32-len(key))
	}
	return key
}

// splitRange cuts [begin, end) into n even ranges and returns the n+1
// boundaries. maxKey as end stands for the top of the key space (2^128), so
// the space halves at 8000…0.
func splitRange(begin, end string, n int) []string {
	b, _ := new(big.Int).SetString(begin, 16)
	e, _ := new(big.Int).SetString(end, 16)
	if end == maxKey {
		e = new(big.Int).Lsh(big.NewInt(1), 128)
	}
	width := new(big.Int).Sub(e, b)
	keys := make([]string, n+1)
	keys[0], keys[n] = begin, end
	for i := 1; i < n; i++ {
		k := new(big.Int).Mul(width, big.NewInt(int64(i)))
		k.Div(k, big.NewInt(int64(n)))
		keys[i] = fmt.Sprintf("%032x", k.Add(k, b))
	}
	return keys
}

// splitKey normalizes a split key: hex digits, right-padded to 32.
func splitKey(key string) (string, bool) {
	key = strings.ToLower(key)
	if key == "" || len(key) > 32 {
		return "", false
	}
	for _, c := range key {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", false
		}
	}
	return padKey(key), true
}

func writableIndex(t *topology, sh *shard) int {
	for i, w := range t.writable {
		if w == sh {
			return i
		}
	}
	return -1
}

// split replaces readwrite shard id by new shards cut at key, or into n
// even parts without a key (n 0 means 2). It returns the parent, now
// readonly, then the new shards: SplitShard's answer.
func (ls *logstore) split(id int, key string, n int, now time.Time) ([]*shard, *apiError) {
	ls.topoMu.Lock()
	defer ls.topoMu.Unlock()
	t := ls.topo.Load()
	parent := t.byID(id)
	if parent == nil {
		return nil, errParam("invalid shard id %d", id)
	}
	pos := writableIndex(t, parent)
	if pos < 0 {
		return nil, errParam("shard %d is readonly: only a readwrite shard can be split", id)
	}
	var keys []string
	if key != "" {
		if n != 0 && n != 2 {
			return nil, errParam("shardCount %d cannot be combined with a split key, which cuts a shard in two", n)
		}
		k, ok := splitKey(key)
		if !ok {
			return nil, errParam("invalid split key %s: want up to 32 hex digits", key)
		}
		if k <= parent.begin || k >= parent.end {
			return nil, errParam("split key %s is not inside shard %d's range (%s, %s)", key, id, parent.begin, parent.end)
		}
		keys = []string{parent.begin, k, parent.end}
	} else {
		if n == 0 {
			n = 2
		}
		if n < 2 || n > maxShards {
			return nil, errParam("shardCount %d must be between 2 and %d", n, maxShards)
		}
		keys = splitRange(parent.begin, parent.end, n)
		for i := 1; i < len(keys); i++ {
			if keys[i] <= keys[i-1] {
				return nil, errParam("shard %d's range is too narrow to split in %d", id, n)
			}
		}
	}
	children := make([]*shard, len(keys)-1)
	if aerr := ls.checkShardCount(t, len(children)-1, len(children)); aerr != nil {
		return nil, aerr
	}
	for i := range children {
		children[i] = newShard(ls.nextID, keys[i], keys[i+1], now, []int{parent.id})
		ls.nextID++
	}
	writable := make([]*shard, 0, len(t.writable)+len(children)-1)
	writable = append(append(append(writable, t.writable[:pos]...), children...), t.writable[pos+1:]...)
	ls.publish(t, writable, children, now, parent)
	return append([]*shard{parent}, children...), nil
}

// merge replaces readwrite shard id and the readwrite shard right after it
// in the key space by one new shard over both ranges. It returns the new
// shard, then the two parents, now readonly: MergeShards's answer.
func (ls *logstore) merge(id int, now time.Time) ([]*shard, *apiError) {
	ls.topoMu.Lock()
	defer ls.topoMu.Unlock()
	t := ls.topo.Load()
	left := t.byID(id)
	if left == nil {
		return nil, errParam("invalid shard id %d", id)
	}
	pos := writableIndex(t, left)
	if pos < 0 {
		return nil, errParam("shard %d is readonly: only readwrite shards can be merged", id)
	}
	if pos+1 == len(t.writable) {
		return nil, errParam("shard %d ends the key space: it merges with the readwrite shard after it, and there is none", id)
	}
	right := t.writable[pos+1]
	if aerr := ls.checkShardCount(t, -1, 1); aerr != nil {
		return nil, aerr
	}
	merged := newShard(ls.nextID, left.begin, right.end, now, []int{left.id, right.id})
	ls.nextID++
	writable := make([]*shard, 0, len(t.writable)-1)
	writable = append(append(append(writable, t.writable[:pos]...), merged), t.writable[pos+2:]...)
	ls.publish(t, writable, []*shard{merged}, now, left, right)
	return []*shard{merged, left, right}, nil
}

func (ls *logstore) checkShardCount(t *topology, moreWritable, moreTotal int) *apiError {
	if len(t.writable)+moreWritable > maxShards {
		return errParam("a logstore has at most %d readwrite shards", maxShards)
	}
	if len(t.all)+moreTotal > maxTotalShards {
		return errParam("a logstore has at most %d shards, readonly ones included", maxTotalShards)
	}
	return nil
}

// publish installs the topology with the new shards, then seals the
// shards they replace. A put that routed to a parent before the new
// topology was visible either lands before the seal, inside the parent's
// final range of cursors, or is refused by the seal and routed again: no
// write is lost, and none lands in a parent after its end is fixed.
// Callers hold topoMu.
func (ls *logstore) publish(t *topology, writable, added []*shard, now time.Time, sealed ...*shard) {
	all := make([]*shard, 0, len(t.all)+len(added))
	all = append(append(all, t.all...), added...)
	ls.topo.Store(&topology{all: all, writable: writable})
	for _, sh := range sealed {
		sh.seal(now.UnixNano())
	}
	ls.mu.Lock()
	ls.meta.ShardCount = len(writable)
	ls.meta.LastModifyTime = uint32(now.Unix())
	ls.mu.Unlock()
}

// dropExpiredShards deletes readonly shards whose data retention has
// dropped entirely, and empty readonly shards older than the age bound:
// SLS's readonly shards also go once their data has expired.
func (ls *logstore) dropExpiredShards(age time.Duration) {
	now := ls.now().UnixNano()
	gone := map[int]bool{}
	for _, sh := range ls.topo.Load().all {
		if sh.expired(age, now) {
			gone[sh.id] = true
		}
	}
	if len(gone) == 0 {
		return
	}
	ls.topoMu.Lock()
	defer ls.topoMu.Unlock()
	t := ls.topo.Load()
	all := make([]*shard, 0, len(t.all))
	for _, sh := range t.all {
		if !gone[sh.id] {
			all = append(all, sh)
		}
	}
	ls.topo.Store(&topology{all: all, writable: t.writable})
}

func (sh *shard) expired(age time.Duration, now int64) bool {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	if !sh.readonly || len(sh.packets) > 0 {
		return false
	}
	return sh.first > 0 || age > 0 && now-sh.sealedAt > int64(age)
}

// ShardInfo is a shard as ListShards, SplitShard and MergeShards describe
// it (the SDK's sls.Shard).
type ShardInfo struct {
	ID         int    `json:"shardID"`
	Status     string `json:"status"` // "readwrite" or "readonly"
	BeginKey   string `json:"inclusiveBeginKey"`
	EndKey     string `json:"exclusiveEndKey"`
	CreateTime int64  `json:"createTime"` // unix seconds
}

func (sh *shard) info() ShardInfo {
	status := "readwrite"
	if sh.isReadonly() {
		status = "readonly"
	}
	return ShardInfo{ID: sh.id, Status: status, BeginKey: sh.begin, EndKey: sh.end, CreateTime: sh.created}
}

func infos(shards []*shard) []ShardInfo {
	out := make([]ShardInfo, len(shards))
	for i, sh := range shards {
		out[i] = sh.info()
	}
	return out
}

// shardInfos lists every shard by ID. It waits for a split or merge in
// progress, so it never shows a parent still readwrite beside its children.
func (ls *logstore) shardInfos() []ShardInfo {
	ls.topoMu.Lock()
	defer ls.topoMu.Unlock()
	return infos(ls.topo.Load().all)
}

// shardState is what consumer-group assignment needs to know of a shard.
type shardState struct {
	id       int
	readonly bool
	base     int64 // cursor of index 0
	end      int64 // end index; final when readonly
	parents  []int
}

func (ls *logstore) shardStates() []shardState {
	ls.topoMu.Lock()
	defer ls.topoMu.Unlock()
	all := ls.topo.Load().all
	out := make([]shardState, len(all))
	for i, sh := range all {
		sh.mu.RLock()
		out[i] = shardState{id: sh.id, readonly: sh.readonly, base: sh.base,
			end: sh.first + int64(len(sh.packets)), parents: sh.parents}
		sh.mu.RUnlock()
	}
	return out
}

// splitOrMerge answers POST /logstores/{ls}/shards/{id}?action=split|merge.
func (s *Server) splitOrMerge(c *call, ls *logstore, idStr string) error {
	q := c.r.URL.Query()
	id, err := strconv.Atoi(idStr)
	if err != nil || strconv.Itoa(id) != idStr {
		return errParam("invalid shard id %s", idStr)
	}
	var shards []*shard
	var aerr *apiError
	switch action := q.Get("action"); action {
	case "split":
		n := 0
		if v := q.Get("shardCount"); v != "" {
			if n, err = strconv.Atoi(v); err != nil {
				return errParam("Parameter shardCount %s is not valid", v)
			}
		}
		shards, aerr = ls.split(id, q.Get("key"), n, s.now())
	case "merge":
		shards, aerr = ls.merge(id, s.now())
	case "":
		return newErr(http.StatusBadRequest, "MissingParameter", "Missing query key : action.")
	default:
		return errParam("Parameter action %s is not valid: want split or merge", action)
	}
	if aerr != nil {
		return aerr
	}
	return writeJSON(c, infos(shards))
}

func (s *Server) logstoreOf(project, logstore string) (*logstore, error) {
	p, aerr := s.store.project(project)
	if aerr != nil {
		return nil, aerr
	}
	ls, aerr := p.logstore(logstore)
	if aerr != nil {
		return nil, aerr
	}
	return ls, nil
}

// Shards returns the logstore's shards by ID, readonly ones included, as
// ListShards answers them.
func (s *Server) Shards(project, logstore string) ([]ShardInfo, error) {
	ls, err := s.logstoreOf(project, logstore)
	if err != nil {
		return nil, fmt.Errorf("slsd: shards of %s/%s: %w", project, logstore, err)
	}
	return ls.shardInfos(), nil
}

// SplitShard splits a readwrite shard in two at key (32 hex digits inside
// the shard's range; "" cuts it in the middle), as the SplitShard API does:
// the shard becomes readonly, with its end cursor fixed, and two new
// readwrite shards with the next IDs take its range. It returns the parent,
// then the new shards.
func (s *Server) SplitShard(project, logstore string, id int, key string) ([]ShardInfo, error) {
	ls, err := s.logstoreOf(project, logstore)
	if err == nil {
		var shards []*shard
		var aerr *apiError
		if shards, aerr = ls.split(id, key, 0, s.now()); aerr == nil {
			return infos(shards), nil
		}
		err = aerr
	}
	return nil, fmt.Errorf("slsd: split shard %d of %s/%s: %w", id, project, logstore, err)
}

// MergeShards merges a readwrite shard with the readwrite shard after it in
// the key space, as the MergeShards API does: both become readonly and one
// new readwrite shard with the next ID takes both ranges. It returns the
// new shard, then the two parents.
func (s *Server) MergeShards(project, logstore string, id int) ([]ShardInfo, error) {
	ls, err := s.logstoreOf(project, logstore)
	if err == nil {
		var shards []*shard
		var aerr *apiError
		if shards, aerr = ls.merge(id, s.now()); aerr == nil {
			return infos(shards), nil
		}
		err = aerr
	}
	return nil, fmt.Errorf("slsd: merge shard %d of %s/%s: %w", id, project, logstore, err)
}
