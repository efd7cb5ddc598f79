package consumer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/user"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	consumerLibrary "github.com/aliyun/aliyun-log-go-sdk/consumer"
	"github.com/go-kit/kit/log"

	"github.com/slstail/slstail/spl"
)

// Config configures a Session. Zero tuning fields take the defaults below.
type Config struct {
	Endpoint    string // "cn-hangzhou.log.aliyuncs.com", "https://…", or "127.0.0.1:PORT" for slsd
	Project     string
	Logstore    string
	Group       string // "" = ephemeral group "slstail-<user>-<host>-<rand>", deleted on Stop
	Consumer    string // "" = "<user>@<host>-<pid>"
	Credentials Credentials
	Provider    sls.CredentialsProvider // optional, overrides Credentials (refreshing STS)
	Query       string                  // SPL; "" or "*" = everything
	From        StartFrom               // where the first run starts (default PosEnd)
	LogFile     string                  // SDK log file path; "" = discard
	HTTPClient  *http.Client            // optional base client; its transport is wrapped to observe traffic

	// HeartbeatInterval is the consumer group heartbeat (whole seconds, at
	// least 1; default 5 s). The group's timeout is three intervals: how
	// long a crashed slstail keeps shards from the rest of a named group.
	HeartbeatInterval time.Duration
	// CommitInterval is how often delivered checkpoints are committed while
	// running (default 5 s); Stop and Restart always commit.
	CommitInterval time.Duration
	// LagInterval is how often checkpoints and shard ends are polled for the
	// lag display (default 2 s, backing off to 30 s on errors).
	LagInterval time.Duration
	// StopTimeout bounds how long Stop and Restart wait for the SDK's
	// workers (default 15 s): its shutdown can spin forever on a failing
	// checkpoint commit, and a stuck tail is worse than an abandoned one.
	StopTimeout time.Duration
	// FetchInterval is the SDK's DataFetchIntervalInMs (default 200 ms).
	FetchInterval time.Duration
	// FetchGroups is how many log groups one pull may return (the SDK's
	// MaxFetchLogGroupCount, 1 to 1000, default 1000). A paused receiver
	// holds one pull per shard in memory; fewer groups, less memory, at
	// some cost in throughput.
	FetchGroups int
	// Compact makes the session deliver compacted records (see
	// Batch.Compact), converted on the shard workers in parallel: for
	// receivers that keep records, such as the TUI. A receiver that writes
	// records out and drops them is faster without.
	Compact bool
}

const (
	defaultHeartbeat   = 5 * time.Second
	defaultCommit      = 5 * time.Second
	defaultLagInterval = 2 * time.Second
	defaultStopTimeout = 15 * time.Second
	// opsTimeout bounds each of the session's own SLS calls (probe, cursors,
	// checkpoints, lag): the SDK's default retries GETs for 90 s.
	opsTimeout = 15 * time.Second
)

// Session is a consumer-group session: it reads every shard it holds with
// the current query and delivers batches on Batches. Its methods may be
// called from any goroutine; Start, Restart and Stop are serialised.
type Session struct {
	cfg       Config
	host      string
	ephemeral bool
	consumer  string
	provider  sls.CredentialsProvider
	sdkHTTP   *http.Client // the consumer library's: observed for rates
	opsHTTP   *http.Client // the session's own calls
	ops       sls.ClientInterface
	events    *eventSink
	track     *tracker
	batches   chan Batch
	rand      io.Reader

	mu        sync.Mutex // serialises Start, Restart and Stop
	state     int        // 0 new, 1 started, 2 stopped
	cur       *run
	gen       int
	shards    []int
	last      map[int]string // positions of the last run that ran, for continue after a failed start
	logger    log.Logger
	logCloser io.Closer
	lagStop   context.CancelFunc
	lagDone   chan struct{}

	// namedTimeout and namedInOrder are the named group's settings, adopted
	// so that joining never changes them.
	namedTimeout int
	namedInOrder bool

	runMu sync.Mutex // guards cur for the lag poller
}

// NewSession checks cfg and prepares a session; it does no I/O.
func NewSession(cfg Config) (*Session, error) {
	host, err := endpointHost(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.Project == "" {
		return nil, errors.New("project is empty")
	}
	if cfg.Logstore == "" {
		return nil, errors.New("logstore is empty")
	}
	if cfg.Group != "" && !groupNameRe.MatchString(cfg.Group) {
		return nil, fmt.Errorf("consumer group %q: use 2-128 letters, digits, '-' and '_', starting and ending with a letter or digit", cfg.Group)
	}
	provider := cfg.Provider
	if provider == nil {
		if cfg.Credentials.AccessKeyID == "" || cfg.Credentials.AccessKeySecret == "" {
			return nil, ErrNoCredentials
		}
		c := cfg.Credentials
		provider = sls.NewStaticCredentialsProvider(c.AccessKeyID, c.AccessKeySecret, c.SecurityToken)
	}
	if cfg.From.Kind == PosContinue {
		return nil, errors.New("start position \"continue\" only applies to a restart")
	}
	if cfg.From.Kind == PosCheckpoint && cfg.Group == "" {
		return nil, errors.New("start position \"checkpoint\" needs a named consumer group (--group): an ephemeral group has no checkpoints")
	}
	if cfg.HeartbeatInterval <= 0 {
		cfg.HeartbeatInterval = defaultHeartbeat
	}
	if cfg.HeartbeatInterval < time.Second {
		cfg.HeartbeatInterval = time.Second
	}
	if cfg.CommitInterval <= 0 {
		cfg.CommitInterval = defaultCommit
	}
	if cfg.LagInterval <= 0 {
		cfg.LagInterval = defaultLagInterval
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = defaultStopTimeout
	}
	if cfg.FetchInterval <= 0 {
		cfg.FetchInterval = 200 * time.Millisecond
	}
	if cfg.FetchGroups < 0 || cfg.FetchGroups > 1000 {
		return nil, fmt.Errorf("FetchGroups %d: must be between 1 and 1000", cfg.FetchGroups)
	}
	s := &Session{
		cfg:       cfg,
		host:      host,
		ephemeral: cfg.Group == "",
		consumer:  cfg.Consumer,
		provider:  provider,
		events:    newEventSink(256, 10*time.Second),
		batches:   make(chan Batch),
		rand:      rand.Reader,
	}
	if s.consumer == "" {
		s.consumer = fmt.Sprintf("%s@%s-%d", userName(), hostName(), os.Getpid())
	}
	s.track = newTracker(s.events, time.Now)
	s.track.base = Status{Endpoint: cfg.Endpoint, Project: cfg.Project, Logstore: cfg.Logstore,
		Group: cfg.Group, Consumer: s.consumer, Query: cfg.Query}

	var base http.RoundTripper
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		base = cfg.HTTPClient.Transport
	} else {
		base = newTransport(cfg.Endpoint, host)
	}
	timeout := 60 * time.Second
	if cfg.HTTPClient != nil && cfg.HTTPClient.Timeout > 0 {
		timeout = cfg.HTTPClient.Timeout
	}
	s.sdkHTTP = &http.Client{Transport: &observer{base: base, t: s.track, consumer: true, logstore: cfg.Logstore, timeout: timeout}}
	s.opsHTTP = &http.Client{Transport: &observer{base: base, t: s.track, logstore: cfg.Logstore, timeout: opsTimeout}}
	s.ops = sls.CreateNormalInterfaceV2(sdkEndpoint(cfg.Endpoint), provider)
	s.ops.SetHTTPClient(s.opsHTTP)
	s.ops.SetRetryTimeout(opsTimeout)
	s.ops.SetUserAgent("slstail")
	return s, nil
}

// groupNameRe is permissive on purpose: SLS's exact rule is not documented
// (sls-protocol.md §9.1); this only catches what cannot be a name.
var groupNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,126}[A-Za-z0-9]$`)

// Batches delivers the logs, one batch per pull of a shard. The receiver
// must keep reading: a receiver that stops reading stops consumption (and
// its checkpoints) until it reads again. Closed when Stop returns.
func (s *Session) Batches() <-chan Batch { return s.batches }

// Events delivers things the user should know, without ever blocking the
// session (events are dropped when nobody reads). Closed when Stop returns.
func (s *Session) Events() <-chan Event { return s.events.ch }

// Status returns a snapshot; cheap and safe from any goroutine.
func (s *Session) Status() Status { return s.track.snapshot() }

// Start connects, checks the logstore, creates the ephemeral group, and
// starts the workers with cfg.Query from cfg.From. It returns once the
// workers run, or with the first fatal error (bad key, missing project or
// logstore, rejected query); the returned error is an *Error when SLS said
// why.
func (s *Session) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case 1:
		return errors.New("session already started")
	case 2:
		return errors.New("session stopped: a Session cannot be started again")
	}
	s.track.setConn(ConnConnecting)
	logger, closer, err := sdkLogger(s.cfg.LogFile)
	if err != nil {
		return err
	}
	s.logger, s.logCloser = logger, closer
	fail := func(err error) error {
		s.track.setConn(ConnFailed)
		s.events.emitErr(err)
		return err
	}
	shards, err := s.listShards(ctx)
	if err != nil {
		return fail(err)
	}
	s.shards = shards
	s.track.setShards(shards)
	if err := s.checkQuery(ctx, s.cfg.Query); err != nil {
		return fail(err)
	}
	if err := s.startRun(ctx, s.cfg.Query, s.cfg.From, nil, true); err != nil {
		return fail(err)
	}
	s.state = 1
	lagCtx, cancel := context.WithCancel(context.Background())
	s.lagStop, s.lagDone = cancel, make(chan struct{})
	go s.pollLag(lagCtx, s.lagDone)
	return nil
}

// Restart replaces the query and position. It checks the query first (SPL
// syntax locally, then one PullLogs with it on one shard) while the old
// workers keep running: a rejected query returns an error (kind EventQuery)
// and leaves the stream as it was. from = PosContinue resumes every shard
// exactly after the last batch the receiver took: no gap, no duplicate.
func (s *Session) Restart(ctx context.Context, query string, from StartFrom) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != 1 {
		return errors.New("session is not running")
	}
	if from.Kind == PosCheckpoint && s.ephemeral {
		// The ephemeral group's checkpoints trail the delivered positions.
		from.Kind = PosContinue
	}
	if err := s.checkQuery(ctx, query); err != nil {
		s.events.emitErr(err)
		return err
	}
	// Positions that do not depend on the old run are found before it
	// stops, so that a failure here also leaves it running.
	var cursors map[int]string
	if from.Kind != PosContinue && from.Kind != PosCheckpoint {
		var err error
		if cursors, err = s.cursorsAt(ctx, from); err != nil {
			s.events.emitErr(err)
			return err
		}
	}
	if s.cur != nil {
		s.last = s.stopRun(ctx, s.cur)
		s.setCur(nil)
	}
	if from.Kind == PosContinue {
		cursors = s.last
	}
	if err := s.startRun(ctx, query, from, cursors, false); err != nil {
		s.track.setConn(ConnFailed)
		s.events.emitErr(err)
		return fmt.Errorf("restart: %w (the old query has stopped; retry the restart with \"continue\" to resume where it stopped)", err)
	}
	s.events.emit(EventRestarted, fmt.Sprintf("query restarted from %s", from), nil)
	return nil
}

// Stop commits the delivered checkpoints, deletes the ephemeral group,
// stops every goroutine the session started and closes Batches and Events.
// If the SDK does not stop within StopTimeout (or ctx ends first) its
// workers are abandoned: they can no longer deliver anything.
func (s *Session) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == 2 {
		return nil
	}
	var errs []error
	if s.lagStop != nil {
		s.lagStop()
		<-s.lagDone
	}
	if s.cur != nil {
		s.last = s.stopRun(ctx, s.cur)
		s.setCur(nil)
	}
	s.state = 2
	s.track.setConn(ConnStopped)
	s.events.emit(EventStopped, "stopped", nil)
	s.events.close()
	close(s.batches)
	if s.logCloser != nil {
		errs = append(errs, s.logCloser.Close())
	}
	s.closeIdle()
	return errors.Join(errs...)
}

// closeIdle closes the idle connections of the shared base transport.
func (s *Session) closeIdle() {
	if t, ok := s.opsHTTP.Transport.(*observer); ok {
		if tr, ok := t.base.(interface{ CloseIdleConnections() }); ok {
			tr.CloseIdleConnections()
		}
	}
}

func (s *Session) setCur(r *run) {
	s.runMu.Lock()
	s.cur = r
	s.runMu.Unlock()
}

func (s *Session) current() *run {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	return s.cur
}

// startRun starts a worker with query from the positions given.
//
// Where a run starts: the SDK applies CursorPosition only to shards without
// a checkpoint. So for an ephemeral session every run gets a brand-new
// group, and before its worker starts the session writes each shard's start
// cursor into it as the checkpoint (forceSuccess): the worker's first
// GetCheckpoint then finds exactly that cursor. For a named group the
// group's checkpoints are the resume point: Start applies cfg.From only to
// shards that have none; a Restart rewrites the checkpoints of the shards
// this session held (and only those) with the cursors of the new position.
func (s *Session) startRun(ctx context.Context, query string, from StartFrom, cursors map[int]string, first bool) error {
	group := s.cfg.Group
	if s.ephemeral {
		group = s.ephemeralGroupName()
		if err := s.call(ctx, func() error {
			return s.ops.CreateConsumerGroup(s.cfg.Project, s.cfg.Logstore, sls.ConsumerGroup{
				ConsumerGroupName: group, Timeout: s.groupTimeout()})
		}); err != nil {
			return s.classifyErr("CreateConsumerGroup "+group, err)
		}
		if cursors == nil {
			var err error
			if cursors, err = s.cursorsAt(ctx, from); err != nil {
				s.deleteGroup(group)
				return err
			}
		}
	} else if first {
		var err error
		if cursors, err = s.joinNamedGroup(ctx, from); err != nil {
			return err
		}
	} else {
		// Only the shards this session held are ours to move: a shard
		// handed to another consumer meanwhile keeps its progress.
		cursors = heldOnly(cursors, s.track.snapshot())
	}
	for _, id := range sortedKeys(cursors) {
		if err := s.call(ctx, func() error {
			return s.ops.UpdateCheckpoint(s.cfg.Project, s.cfg.Logstore, group, s.consumer, id, cursors[id], true)
		}); err != nil {
			if s.ephemeral {
				s.deleteGroup(group)
			}
			return s.classifyErr(fmt.Sprintf("UpdateCheckpoint shard %d", id), err)
		}
	}
	s.gen++
	// A run's positions are where "continue" resumes. In a named group the
	// first run seeded shards it may never hold: those are not its
	// positions until it delivers from them.
	start := cursors
	if !s.ephemeral && first {
		start = nil
	}
	r := newRun(s.gen, group, query, s.batches, s.track, start)
	r.compact = s.cfg.Compact
	s.track.newRun(group, query, s.gen)
	for id, c := range start {
		s.track.setPosition(id, c)
	}
	lc := consumerLibrary.LogHubConfig{
		Endpoint:                  sdkEndpoint(s.cfg.Endpoint),
		CredentialsProvider:       s.provider,
		Project:                   s.cfg.Project,
		Logstore:                  s.cfg.Logstore,
		Query:                     sdkQuery(query),
		ConsumerGroupName:         group,
		ConsumerName:              s.consumer,
		CursorPosition:            consumerLibrary.END_CURSOR,
		HeartbeatIntervalInSecond: s.heartbeatSecs(),
		HeartbeatTimeoutInSecond:  s.groupTimeout(),
		DataFetchIntervalInMs:     s.cfg.FetchInterval.Milliseconds(),
		MaxFetchLogGroupCount:     s.cfg.FetchGroups, // 0: the SDK's 1000
		AutoCommitIntervalInMS:    s.cfg.CommitInterval.Milliseconds(),
		Logger:                    s.logger,
		HTTPClient:                s.sdkHTTP,
	}
	if !s.ephemeral {
		lc.HeartbeatTimeoutInSecond = s.namedTimeout
		lc.InOrder = s.namedInOrder
	}
	switch from.Kind {
	case PosBegin:
		lc.CursorPosition = consumerLibrary.BEGIN_CURSOR
	case PosTime, PosAgo:
		lc.CursorPosition = consumerLibrary.SPECIAL_TIMER_CURSOR
		lc.CursorStartTime = from.at(time.Now()).Unix()
	}
	if err := ctx.Err(); err != nil {
		if s.ephemeral {
			s.deleteGroup(group)
		}
		return err
	}
	r.worker = consumerLibrary.InitConsumerWorkerWithProcessor(lc, r)
	r.worker.Start()
	s.setCur(r)
	return nil
}

// joinNamedGroup prepares the first run in a named group: it creates the
// group if needed and, when it exists, adopts its timeout and order so that
// the SDK (which "corrects" a group whose settings differ from its own)
// never changes a group other consumers rely on. It returns the start
// cursors of the shards that have no checkpoint yet: writing them now pins
// "from" to the moment of Start (the SDK would look up CursorPosition only
// when a shard worker first runs, skipping what was written in between).
// Shards with a checkpoint resume from it: that is what joining a group
// means.
func (s *Session) joinNamedGroup(ctx context.Context, from StartFrom) (map[int]string, error) {
	var groups []*sls.ConsumerGroup
	if err := s.call(ctx, func() (err error) {
		groups, err = s.ops.ListConsumerGroup(s.cfg.Project, s.cfg.Logstore)
		return err
	}); err != nil {
		return nil, s.classifyErr("ListConsumerGroup", err)
	}
	s.namedTimeout, s.namedInOrder = s.groupTimeout(), false
	exists := false
	for _, g := range groups {
		if g.ConsumerGroupName == s.cfg.Group {
			s.namedTimeout, s.namedInOrder, exists = g.Timeout, g.InOrder, true
		}
	}
	if !exists {
		if err := s.call(ctx, func() error {
			return s.ops.CreateConsumerGroup(s.cfg.Project, s.cfg.Logstore, sls.ConsumerGroup{
				ConsumerGroupName: s.cfg.Group, Timeout: s.namedTimeout})
		}); err != nil {
			var se *sls.Error
			if !errors.As(err, &se) || se.Code != "ConsumerGroupAlreadyExist" {
				return nil, s.classifyErr("CreateConsumerGroup "+s.cfg.Group, err)
			}
		}
	}
	cps, err := s.checkpoints(ctx, s.cfg.Group)
	if err != nil {
		return nil, err
	}
	kept := 0
	for _, cp := range cps {
		if cp.CheckPoint != "" {
			kept++
		}
	}
	if kept > 0 && from.Kind != PosCheckpoint {
		s.events.emit(EventInfo, fmt.Sprintf("group %q has checkpoints on %d shards: they resume from there; %s applies to the others", s.cfg.Group, kept, from), nil)
	}
	if kept == len(s.shards) {
		return nil, nil
	}
	if from.Kind == PosCheckpoint {
		from = StartFrom{Kind: PosEnd}
	}
	all, err := s.cursorsAt(ctx, from)
	if err != nil {
		return nil, err
	}
	out := make(map[int]string)
	for id, c := range all {
		if cp := cps[id]; cp == nil || cp.CheckPoint == "" {
			out[id] = c
		}
	}
	return out, nil
}

// stopRun stops a run's worker and returns the positions it delivered up
// to. The ephemeral group is deleted once the worker has committed.
func (s *Session) stopRun(ctx context.Context, r *run) map[int]string {
	pos := r.close()
	done := make(chan struct{})
	go func() {
		r.worker.StopAndWait()
		close(done)
	}()
	timer := time.NewTimer(s.cfg.StopTimeout)
	defer timer.Stop()
	select {
	case <-done:
		if s.ephemeral {
			s.deleteGroup(r.group)
		}
	case <-timer.C:
		s.events.emit(EventInfo, "the SDK's workers did not stop in time and were abandoned; they deliver nothing more", nil)
	case <-ctx.Done():
		s.events.emit(EventInfo, "stop cancelled; the SDK's workers were abandoned and deliver nothing more", nil)
	}
	return pos
}

// deleteGroup deletes an ephemeral group, best effort: a leftover group
// holds no shards from anyone and SLS expires its consumers.
func (s *Session) deleteGroup(group string) {
	if err := s.ops.DeleteConsumerGroup(s.cfg.Project, s.cfg.Logstore, group); err != nil {
		s.events.emitErr(s.classifyErr("DeleteConsumerGroup "+group, err))
	}
}

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
	if len(s.shards) == 0 {
		return nil
	}
	shard := s.shards[0]
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
	out := make(map[int]string, len(s.shards))
	for _, id := range s.shards {
		var c string
		if err := s.call(ctx, func() (err error) {
			c, err = s.ops.GetCursor(s.cfg.Project, s.cfg.Logstore, id, arg)
			return err
		}); err != nil {
			return nil, s.classifyErr(fmt.Sprintf("GetCursor shard %d from %s", id, arg), err)
		}
		out[id] = c
	}
	return out, nil
}

func (s *Session) listShards(ctx context.Context) ([]int, error) {
	var shards []*sls.Shard
	if err := s.call(ctx, func() (err error) {
		shards, err = s.ops.ListShards(s.cfg.Project, s.cfg.Logstore)
		return err
	}); err != nil {
		return nil, s.classifyErr("ListShards", err)
	}
	ids := make([]int, 0, len(shards))
	for _, sh := range shards {
		if sh.Status == "" || strings.EqualFold(sh.Status, "readwrite") || strings.EqualFold(sh.Status, "readonly") {
			ids = append(ids, sh.ShardID)
		}
	}
	sort.Ints(ids)
	if len(ids) == 0 {
		return nil, fmt.Errorf("logstore %q has no shards", s.cfg.Logstore)
	}
	return ids, nil
}

// call runs one SDK call so that ctx can abandon it: the SDK takes no
// context. The call itself ends within opsTimeout.
func (s *Session) call(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Session) heartbeatSecs() int {
	return int((s.cfg.HeartbeatInterval + time.Second - 1) / time.Second)
}

func (s *Session) groupTimeout() int { return 3 * s.heartbeatSecs() }

func (s *Session) ephemeralGroupName() string {
	var b [4]byte
	_, _ = io.ReadFull(s.rand, b[:])
	name := fmt.Sprintf("slstail-%s-%s-%s", userName(), hostName(), hex.EncodeToString(b[:]))
	name = strings.ToLower(nameClean.ReplaceAllString(name, "-"))
	if len(name) > 64 {
		name = name[:55] + "-" + hex.EncodeToString(b[:])
	}
	return name
}

var nameClean = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func userName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "user"
}

func hostName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "host"
	}
	h, _, _ = strings.Cut(h, ".")
	return h
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

func heldOnly(cursors map[int]string, st Status) map[int]string {
	out := make(map[int]string)
	for _, sh := range st.Shards {
		if c, ok := cursors[sh.Shard]; ok && sh.Held {
			out[sh.Shard] = c
		}
	}
	return out
}

func sortedKeys(m map[int]string) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}
