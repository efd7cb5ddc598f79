package slsd

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const maxShards = 256

// store holds every project; it is the server's whole state.
type store struct {
	retention Retention
	now       func() time.Time

	mu       sync.RWMutex
	projects map[string]*project
}

func newStore(r Retention, now func() time.Time) *store {
	return &store{retention: r, now: now, projects: make(map[string]*project)}
}

// Names follow SLS's rules closely enough to reject what SLS rejects in the
// common cases: projects are lower-case letters, digits and hyphens.
var (
	projectName  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	logstoreName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$`)
)

type project struct {
	name       string
	created    time.Time
	store      *store
	mu         sync.RWMutex // guards the fields below
	desc       string
	redundancy string // dataRedundancyType, echoed as created
	modified   time.Time
	stores     map[string]*logstore
}

func (st *store) createProject(name, desc, redundancy string) *apiError {
	if !projectName.MatchString(name) {
		return newErr(http.StatusBadRequest, "ProjectNameInvalid", "project name %s is invalid", name)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.projects[name]; ok {
		return newErr(http.StatusBadRequest, "ProjectAlreadyExist", "Project %s already exist.", name)
	}
	now := st.now()
	st.projects[name] = &project{name: name, created: now, modified: now, desc: desc, redundancy: redundancy,
		store: st, stores: make(map[string]*logstore)}
	return nil
}

func (st *store) project(name string) (*project, *apiError) {
	st.mu.RLock()
	p := st.projects[name]
	st.mu.RUnlock()
	if p == nil {
		return nil, errProjectNotExist(name)
	}
	return p, nil
}

func (st *store) deleteProject(name string) *apiError {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.projects[name]; !ok {
		return errProjectNotExist(name)
	}
	delete(st.projects, name)
	return nil
}

func (st *store) projectList() []*project {
	st.mu.RLock()
	defer st.mu.RUnlock()
	ps := make([]*project, 0, len(st.projects))
	for _, p := range st.projects {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].name < ps[j].name })
	return ps
}

// expire applies the age bound to every logstore, and deletes the readonly
// shards it leaves empty.
func (st *store) expire() {
	for _, p := range st.projectList() {
		for _, ls := range p.logstoreList() {
			ls.trim()
			ls.dropExpiredShards(ls.maxAge())
		}
	}
}

// logstoreMeta is the logstore resource as SLS serializes it
// (sls.LogStore's JSON shape); unknown fields of a create are not kept.
type logstoreMeta struct {
	Name                string          `json:"logstoreName"`
	TTL                 int             `json:"ttl"`
	ShardCount          int             `json:"shardCount"`
	WebTracking         bool            `json:"enable_tracking"`
	AutoSplit           bool            `json:"autoSplit"`
	MaxSplitShard       int             `json:"maxSplitShard"`
	AppendMeta          bool            `json:"appendMeta"`
	TelemetryType       string          `json:"telemetryType"`
	HotTTL              int32           `json:"hot_ttl,omitempty"`
	InfrequentAccessTTL *int32          `json:"infrequentAccessTTL,omitempty"`
	Mode                string          `json:"mode,omitempty"`
	CreateTime          uint32          `json:"createTime"`
	LastModifyTime      uint32          `json:"lastModifyTime"`
	EncryptConf         json.RawMessage `json:"encrypt_conf,omitempty"`
	ProductType         string          `json:"productType,omitempty"`
}

type logstore struct {
	project   string
	retention Retention
	now       func() time.Time
	topo      atomic.Pointer[topology] // the shards now; replaced whole by a split or merge
	topoMu    sync.Mutex               // serializes topology changes; guards nextID
	nextID    int                      // ID of the next shard created
	bytes     atomic.Int64
	rr        atomic.Uint64 // load-balanced writes
	trimMu    sync.Mutex    // one trimmer at a time, so concurrent puts do not drop twice

	mu    sync.RWMutex // guards meta and index
	meta  logstoreMeta
	index map[string]any // the index configuration as set; nil when none

	groupsMu sync.Mutex
	groups   map[string]*consumerGroup
}

func (p *project) createLogstore(m logstoreMeta, now time.Time) *apiError {
	if !logstoreName.MatchString(m.Name) {
		return newErr(http.StatusBadRequest, "LogStoreInvalid", "logstore name %s is invalid", m.Name)
	}
	if m.ShardCount < 1 || m.ShardCount > maxShards {
		return errParam("shardCount %d must be between 1 and %d", m.ShardCount, maxShards)
	}
	if m.TTL <= 0 {
		m.TTL = 30
	}
	if m.Mode == "" {
		m.Mode = "standard"
	}
	if m.TelemetryType == "" {
		m.TelemetryType = "None"
	}
	m.CreateTime = uint32(now.Unix())
	m.LastModifyTime = m.CreateTime
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.stores[m.Name]; ok {
		return newErr(http.StatusBadRequest, "LogStoreAlreadyExist", "logstore %s already exists", m.Name)
	}
	ls := &logstore{
		project:   p.name,
		retention: p.store.retention,
		now:       p.store.now,
		meta:      m,
		nextID:    m.ShardCount,
		groups:    make(map[string]*consumerGroup),
	}
	ls.topo.Store(newTopology(newShards(m.ShardCount, now)))
	p.stores[m.Name] = ls
	p.modified = now
	return nil
}

func (p *project) logstore(name string) (*logstore, *apiError) {
	p.mu.RLock()
	ls := p.stores[name]
	p.mu.RUnlock()
	if ls == nil {
		return nil, errLogStoreNotExist(name)
	}
	return ls, nil
}

func (p *project) deleteLogstore(name string) *apiError {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.stores[name]; !ok {
		return errLogStoreNotExist(name)
	}
	delete(p.stores, name)
	return nil
}

func (p *project) logstoreList() []*logstore {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]*logstore, 0, len(p.stores))
	for _, ls := range p.stores {
		out = append(out, ls)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name() < out[j].name() })
	return out
}

func (ls *logstore) name() string {
	ls.mu.RLock()
	defer ls.mu.RUnlock()
	return ls.meta.Name
}

func (ls *logstore) shard(id string) (*shard, *apiError) {
	n, err := strconv.Atoi(id)
	if err != nil || strconv.Itoa(n) != id {
		return nil, errShardNotExist(id)
	}
	sh := ls.topo.Load().byID(n)
	if sh == nil {
		return nil, errShardNotExist(id)
	}
	return sh, nil
}

// newShards splits the 128-bit MD5 key space evenly, as SLS does for a new
// logstore; the last shard ends at ffff…f.
func newShards(n int, now time.Time) []*shard {
	keys := splitRange(minKey, maxKey, n)
	shards := make([]*shard, n)
	for i := range shards {
		shards[i] = newShard(i, keys[i], keys[i+1], now, nil)
	}
	return shards
}

func newShard(id int, begin, end string, now time.Time, parents []int) *shard {
	return &shard{
		id:      id,
		begin:   begin,
		end:     end,
		created: now.Unix(),
		// Real cursors are 19-digit numbers near a nanosecond timestamp;
		// a base at creation time keeps a recreated logstore's cursors
		// apart from the old one's.
		base:    now.UnixNano(),
		parents: parents,
	}
}

// putGroup stores one log group in the readwrite shard that the hash key
// routes to (the shards take turns without a key), then enforces the
// retention bounds. A shard that a split or merge has just made read-only
// refuses the group; it then goes where the new topology routes it.
func (ls *logstore) putGroup(hashKey string, data []byte, logs int) {
	for {
		t := ls.topo.Load()
		var sh *shard
		if hashKey != "" {
			sh = t.route(hashKey)
		} else {
			sh = t.writable[int(ls.rr.Add(1)-1)%len(t.writable)]
		}
		if sh.append(data, logs, ls.now().UnixNano()) {
			break
		}
	}
	ls.bytes.Add(int64(len(data)))
	ls.trim()
}

// maxAge is the tighter of the server's age bound and the logstore's ttl.
func (ls *logstore) maxAge() time.Duration {
	ls.mu.RLock()
	age := time.Duration(ls.meta.TTL) * 24 * time.Hour
	ls.mu.RUnlock()
	if r := ls.retention.MaxAge; r > 0 && (age <= 0 || r < age) {
		age = r
	}
	return age
}

// trim drops the oldest log groups past the age bound, then the oldest log
// groups of the whole logstore (across shards) while it is over its byte
// bound.
func (ls *logstore) trim() {
	ls.trimMu.Lock()
	defer ls.trimMu.Unlock()
	shards := ls.topo.Load().all
	dropped := false
	age := ls.maxAge()
	if age > 0 {
		cutoff := ls.now().Add(-age).UnixNano()
		for _, sh := range shards {
			if n := sh.dropBefore(cutoff); n > 0 {
				ls.bytes.Add(-n)
				dropped = true
			}
		}
	}
	max := ls.retention.MaxBytes
	for max > 0 && ls.bytes.Load() > max {
		var oldest *shard
		var oldestRecv int64
		for _, sh := range shards {
			if t, ok := sh.oldestRecv(); ok && (oldest == nil || t < oldestRecv) {
				oldest, oldestRecv = sh, t
			}
		}
		if oldest == nil {
			break
		}
		ls.bytes.Add(-oldest.dropOldest())
		dropped = true
	}
	if dropped {
		ls.dropExpiredShards(age)
	}
}

// packet is one stored log group, as the encoded protobuf LogGroup it
// arrived as, so that pulls without a query never re-encode it.
type packet struct {
	data []byte
	recv int64 // receive time, unix ns; non-decreasing within a shard
	logs int
}

type shard struct {
	id         int
	begin, end string // hash key range [begin, end)
	created    int64  // unix seconds
	base       int64  // cursor of packet index 0
	parents    []int  // the shards it was split or merged from

	mu       sync.RWMutex
	packets  []packet // packets[i] has index first+i
	first    int64
	lastRecv int64
	readonly bool  // split or merged: no more writes, its end is fixed
	sealedAt int64 // when it became read-only, unix ns
}

// append stores a packet unless the shard is read-only.
func (sh *shard) append(data []byte, logs int, now int64) bool {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.readonly {
		return false
	}
	if now < sh.lastRecv {
		now = sh.lastRecv
	}
	sh.lastRecv = now
	sh.packets = append(sh.packets, packet{data: data, recv: now, logs: logs})
	return true
}

// seal makes the shard read-only: its end cursor never moves again.
func (sh *shard) seal(now int64) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.readonly, sh.sealedAt = true, now
}

func (sh *shard) isReadonly() bool {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	return sh.readonly
}

// span returns the retained index range [first, end).
func (sh *shard) span() (first, end int64) {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	return sh.first, sh.first + int64(len(sh.packets))
}

func (sh *shard) oldestRecv() (int64, bool) {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	if len(sh.packets) == 0 {
		return 0, false
	}
	return sh.packets[0].recv, true
}

func (sh *shard) dropOldest() int64 {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if len(sh.packets) == 0 {
		return 0
	}
	return sh.dropLocked(1)
}

func (sh *shard) dropBefore(cutoff int64) int64 {
	sh.mu.RLock()
	stale := len(sh.packets) > 0 && sh.packets[0].recv < cutoff
	sh.mu.RUnlock()
	if !stale {
		return 0
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	n := sort.Search(len(sh.packets), func(i int) bool { return sh.packets[i].recv >= cutoff })
	return sh.dropLocked(n)
}

func (sh *shard) dropLocked(n int) int64 {
	var bytes int64
	for i := range n {
		bytes += int64(len(sh.packets[i].data))
		sh.packets[i] = packet{}
	}
	sh.packets = sh.packets[n:]
	sh.first += int64(n)
	// Reslicing never frees the dropped head; copy once it dominates.
	if c := cap(sh.packets); c > 1024 && len(sh.packets) < c/4 {
		sh.packets = append(make([]packet, 0, 2*len(sh.packets)), sh.packets...)
	}
	return bytes
}

// readResult is what one read of a shard found.
type readResult struct {
	packets []packet
	end     int64 // the shard's end index at the time of the read
	sealed  bool  // the shard is read-only: end is final
}

// read returns up to count packets from index from, stopping before index
// to (if to >= 0) and once maxBytes raw bytes are collected (at least one
// packet is returned when any is available). It reports false if from is
// outside the retained range.
func (sh *shard) read(from, to int64, count int, maxBytes int) (readResult, bool) {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	res := readResult{end: sh.first + int64(len(sh.packets)), sealed: sh.readonly}
	if from < sh.first || from > res.end {
		return res, false
	}
	stop := res.end
	if to >= 0 && to < stop {
		stop = to
	}
	size := 0
	for i := from; i < stop && len(res.packets) < count; i++ {
		p := sh.packets[i-sh.first]
		if len(res.packets) > 0 && size+len(p.data) > maxBytes {
			break
		}
		size += len(p.data)
		res.packets = append(res.packets, p)
	}
	return res, true
}

// indexAt returns the index of the first packet received at or after t
// (unix seconds), or the end index if there is none.
func (sh *shard) indexAt(t int64) int64 {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	ns := time.Unix(t, 0).UnixNano()
	i := sort.Search(len(sh.packets), func(i int) bool { return sh.packets[i].recv >= ns })
	return sh.first + int64(i)
}

// recvAt returns the receive time of the packet at index i; for the end
// index it is the last packet's receive time, or the shard's creation if the
// shard is empty.
func (sh *shard) recvAt(i int64) int64 {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	if k := i - sh.first; k >= 0 && k < int64(len(sh.packets)) {
		return sh.packets[k].recv / int64(time.Second)
	}
	if sh.lastRecv != 0 {
		return sh.lastRecv / int64(time.Second)
	}
	return sh.created
}
