package consumer

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	consumerLibrary "github.com/aliyun/aliyun-log-go-sdk/consumer"
	"github.com/go-kit/kit/log"
)

// Session is a consumer-group session: it reads every shard it holds with
// the current query and delivers batches on Batches. Its methods may be
// called from any goroutine; Start, Restart and Stop are serialised.
type Session struct {
	cfg        Config
	host       string
	ephemeral  bool
	consumer   string
	provider   sls.CredentialsProvider
	base       http.RoundTripper // shared by every client: one connection pool
	sdkTimeout time.Duration     // each SDK request's overall bound
	opsHTTP    *http.Client      // the session's own calls
	// opsCtx ends the session's own calls (endOps), for a session made
	// only for them: its SDK calls that a caller abandoned end with it.
	opsCtx  context.Context
	endOps  context.CancelFunc
	ops     sls.ClientInterface
	events  *eventSink
	track   *tracker
	batches chan Batch
	budget  *budget
	rand    io.Reader

	mu        sync.Mutex // serialises Start, Restart, Stop and the recovery of a lost group
	state     sessionState
	cur       *run
	gen       int
	last      map[int]string // acknowledged positions of the last run, for continue after a failed start
	logger    log.Logger
	logCloser io.Closer
	loops     context.CancelFunc // stops the lag poller and the committer
	loopsDone sync.WaitGroup

	// bg counts the goroutines that outlive the calls that started them:
	// old runs' SDK workers winding down, recoveries, abandoned SLS calls.
	bg        sync.WaitGroup
	bgWorkers sync.WaitGroup // the part of bg that the SDK log must outlive
	calls     sync.WaitGroup // the part of bg that is the session's own SLS calls

	// namedTimeout and namedInOrder are the named group's settings, adopted
	// so that joining never changes them.
	namedTimeout int
	namedInOrder bool

	runMu sync.Mutex // guards cur for the background loops

	dicts dictHolder // values interned when records are compacted

	shardsMu sync.Mutex
	shards   []int // the logstore's shards as last listed; splits and merges add to it
}

// sessionState is where a Session is in its life: Start moves it from new to
// running, Stop from either to stopped, and a stopped Session stays stopped.
type sessionState int

const (
	stateNew sessionState = iota
	stateRunning
	stateStopped
)

// NewSession checks cfg and prepares a session; it does no I/O.
func NewSession(cfg Config) (*Session, error) {
	host, err := endpointHost(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	cfg, err = cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Session{
		cfg:       cfg,
		host:      host,
		ephemeral: cfg.Group == "",
		consumer:  cfg.Consumer,
		provider:  cfg.provider(),
		events:    newEventSink(256, 10*time.Second),
		batches:   make(chan Batch),
		budget:    newBudget(cfg.PullBudget),
		rand:      rand.Reader,
	}
	if s.consumer == "" {
		s.consumer = fmt.Sprintf("%s@%s-%d", userName(), hostName(), os.Getpid())
	}
	s.track = newTracker(s.events, time.Now, cfg.StallAfter)
	s.track.base = Status{Endpoint: cfg.Endpoint, Project: cfg.Project, Logstore: cfg.Logstore,
		Group: cfg.Group, Consumer: s.consumer, Query: cfg.Query}

	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		s.base = cfg.HTTPClient.Transport
	} else {
		s.base = newTransport(cfg.Endpoint, host)
	}
	s.sdkTimeout = 60 * time.Second
	if cfg.HTTPClient != nil && cfg.HTTPClient.Timeout > 0 {
		s.sdkTimeout = cfg.HTTPClient.Timeout
	}
	s.opsCtx, s.endOps = context.WithCancel(context.Background())
	s.opsHTTP = &http.Client{Transport: &observer{base: s.base, t: s.track, logstore: cfg.Logstore,
		timeout: opsTimeout, idle: 2 * cfg.StallAfter, ended: s.opsCtx}}
	s.ops = sls.CreateNormalInterfaceV2(sdkEndpoint(cfg.Endpoint), s.provider)
	s.ops.SetHTTPClient(s.opsHTTP)
	s.ops.SetRetryTimeout(opsTimeout)
	s.ops.SetUserAgent("slstail")
	return s, nil
}

// Batches delivers the logs, one batch per pull of a shard; the receiver
// acknowledges each (Batch.Ack) once written out. The receiver must keep
// reading: a receiver that stops reading stops consumption (and its
// checkpoints) until it reads again. Closed when Stop returns.
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
	case stateRunning:
		return errors.New("session already started")
	case stateStopped:
		return errors.New("session stopped: a Session cannot be started again")
	}
	s.track.setConn(ConnConnecting)
	if s.logger == nil {
		logger, closer, err := sdkLogger(s.cfg.LogFile)
		if err != nil {
			return err
		}
		s.logger, s.logCloser = logger, closer
	}
	fail := func(err error) error {
		s.track.setConn(ConnFailed)
		s.events.emitErr(err)
		return err
	}
	if err := s.refreshShards(ctx); err != nil {
		return fail(err)
	}
	if err := s.checkQuery(ctx, s.cfg.Query); err != nil {
		return fail(err)
	}
	if err := s.startRun(ctx, s.cfg.Query, s.cfg.From, nil, true); err != nil {
		return fail(err)
	}
	s.state = stateRunning
	loopCtx, cancel := context.WithCancel(context.Background())
	s.loops = cancel
	s.loopsDone.Add(2)
	go func() {
		defer s.loopsDone.Done()
		s.pollLag(loopCtx)
	}()
	go func() {
		defer s.loopsDone.Done()
		s.commitLoop(loopCtx)
	}()
	return nil
}

// Restart replaces the query and position. It checks the query first (SPL
// syntax locally, then one PullLogs with it on one shard) while the old
// run keeps running: a rejected query returns an error (kind EventQuery)
// and leaves the stream as it was. Then it closes the old run, which
// freezes the acknowledged positions, and starts the new run at once; the
// old run's SDK worker winds down in the background (see Wait). from =
// PosContinue resumes every shard exactly after the last batch the receiver
// acknowledged: no gap, no duplicate.
func (s *Session) Restart(ctx context.Context, query string, from StartFrom) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateRunning {
		return errors.New("session is not running")
	}
	if from.Kind == PosCheckpoint && s.ephemeral {
		// The ephemeral group's checkpoints trail the acknowledged positions.
		from.Kind = PosContinue
	}
	// Shards born of a split or merge since the last look are seeded too.
	if err := s.refreshShards(ctx); err != nil {
		s.events.emitErr(err)
		return err
	}
	if err := s.checkQuery(ctx, query); err != nil {
		s.events.emitErr(err)
		return err
	}
	// Positions that do not depend on the old run are found before it
	// closes, so that a failure here also leaves it running.
	var cursors map[int]string
	if from.Kind != PosContinue && from.Kind != PosCheckpoint {
		var err error
		if cursors, err = s.cursorsAt(ctx, from); err != nil {
			s.events.emitErr(err)
			return err
		}
	}
	if old := s.cur; old != nil {
		s.last = old.close()
		s.setCur(nil)
		if from.Kind == PosCheckpoint {
			// "checkpoint" resumes from the group's checkpoints: those of
			// what this run wrote out are committed first.
			s.commitRun(ctx, old, s.last)
		}
		s.retire(old, s.ephemeral)
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

// Stop closes the current run (the acknowledged positions are final from
// then on), commits them as the named group's checkpoints, deletes the
// ephemeral group, and closes Batches and Events. It does not wait for the
// SDK's workers, which wind down in the background and can no longer
// deliver anything or reach the network (Wait waits for them). It gives up
// after StopTimeout or when ctx ends, and then returns a *StopError saying
// what it could not do.
func (s *Session) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateStopped {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StopTimeout)
	defer cancel()
	if s.loops != nil {
		s.loops()
		s.loopsDone.Wait()
	}
	var stopErr *StopError
	if r := s.cur; r != nil {
		s.last = r.close()
		s.setCur(nil)
		var failed []int
		var err error
		if !s.ephemeral {
			failed, err = s.commitRun(ctx, r, s.last)
		} else if err = s.deleteGroup(ctx, r.group); err != nil {
			stopErr = &StopError{Group: r.group, Err: err}
		}
		if len(failed) > 0 {
			stopErr = &StopError{Uncommitted: failed, Group: s.cfg.Group, Named: true, Err: err}
		}
		s.retire(r, false)
	}
	s.state = stateStopped
	s.track.setConn(ConnStopped)
	s.events.emit(EventStopped, "stopped", nil)
	s.events.close()
	close(s.batches)
	if s.logCloser != nil {
		// The SDK logs until its last worker has wound down.
		closer := s.logCloser
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			s.bgWorkers.Wait()
			closer.Close()
		}()
	}
	s.closeIdle()
	if stopErr != nil {
		return stopErr
	}
	return nil
}

// Wait waits until every goroutine the session left running has ended: the
// SDK workers of stopped runs, and SLS calls abandoned by a cancelled
// context (which end within their own timeout). Only the SDK's heartbeat
// goroutines may outlive it, by at most one heartbeat interval: the SDK
// sleeps a whole interval before it looks at its shutdown flag. For tests,
// and for embedders that must not leave goroutines behind.
func (s *Session) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.bg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// closeOps ends a session made only for its own calls (newOpsSession):
// a call abandoned by its caller's context would otherwise go on retrying
// in the background for up to opsTimeout.
func (s *Session) closeOps() {
	s.endOps()
	s.closeIdle()
}

// closeIdle closes the idle connections of the shared base transport.
func (s *Session) closeIdle() {
	if tr, ok := s.base.(interface{ CloseIdleConnections() }); ok {
		tr.CloseIdleConnections()
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
// cursor into it as the checkpoint: the worker's first GetCheckpoint then
// finds exactly that cursor. For a named group the group's checkpoints are
// the resume point: Start applies cfg.From only to shards that have none; a
// Restart rewrites the checkpoints of the shards this session held (and
// only those) with the cursors of the new position.
func (s *Session) startRun(ctx context.Context, query string, from StartFrom, cursors map[int]string, first bool) error {
	group := s.cfg.Group
	force := true // no consumer of ours holds the shards yet
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
				s.dropGroupLater(group)
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
		// handed to another consumer meanwhile keeps its progress, and the
		// server refuses (forceSuccess=false) what is no longer ours.
		cursors = heldOnly(cursors, s.track.snapshot())
		force = false
	}
	seeded, err := s.writeCheckpoints(ctx, group, cursors, force)
	if err != nil {
		if s.ephemeral {
			s.dropGroupLater(group)
		}
		return err
	}
	s.gen++
	// A run's positions are where "continue" resumes. In a named group the
	// first run seeded shards it may never hold: those are not its
	// positions until it delivers from them.
	start := seeded
	if !s.ephemeral && first {
		start = nil
	}
	r := newRun(s.gen, group, query, s.batches, s.track, s.budget, start)
	r.compact, r.dicts = s.cfg.Compact, &s.dicts
	r.onGone = s.groupGone
	if !s.ephemeral {
		r.onRelease = s.released
	}
	for id, c := range seeded {
		r.committed[id] = c
	}
	r.http = &http.Client{Transport: &observer{base: s.base, t: s.track, run: r, logstore: s.cfg.Logstore,
		timeout: s.sdkTimeout, idle: 2 * s.cfg.StallAfter}}
	s.track.newRun(group, query, s.gen)
	for id, c := range start {
		s.track.setPosition(id, c)
	}
	lc := consumerLibrary.LogHubConfig{
		Endpoint:            sdkEndpoint(s.cfg.Endpoint),
		CredentialsProvider: s.provider,
		Project:             s.cfg.Project,
		Logstore:            s.cfg.Logstore,
		Query:               sdkQuery(query),
		ConsumerGroupName:   group,
		ConsumerName:        s.consumer,
		// Every shard the session knows of is seeded (or, in a named
		// group, resumes from its checkpoint): a shard without a
		// checkpoint was born of a split or merge after that, so all of it
		// is new to this run and it is read from its beginning.
		CursorPosition:            consumerLibrary.BEGIN_CURSOR,
		HeartbeatIntervalInSecond: s.heartbeatSecs(),
		HeartbeatTimeoutInSecond:  s.groupTimeout(),
		DataFetchIntervalInMs:     max(s.cfg.FetchInterval.Milliseconds(), 1),
		MaxFetchLogGroupCount:     s.fetchGroups(),
		// The session commits acknowledged positions itself; the SDK never
		// marks one (run.Process does not call SaveCheckPoint), and with
		// auto-commit off it does not even try.
		AutoCommitDisabled: true,
		Logger:             s.logger,
		HTTPClient:         r.http,
	}
	if !s.ephemeral {
		lc.HeartbeatTimeoutInSecond = s.namedTimeout
		lc.InOrder = s.namedInOrder
	}
	if err := ctx.Err(); err != nil {
		if s.ephemeral {
			s.dropGroupLater(group)
		}
		return err
	}
	r.worker = consumerLibrary.InitConsumerWorkerWithProcessor(lc, r)
	r.worker.Start()
	s.setCur(r)
	return nil
}

// fetchGroups is the SDK's MaxFetchLogGroupCount for a run: FetchGroups,
// or with a Limit, an eighth of each shard's share of it (log groups hold
// many logs), so that a --max run does not pull a thousand groups from
// every shard to write a few logs. Small pulls also keep its batches
// small: a batch cut by the limit is not acknowledged (its shard's
// checkpoint stays before it), so whole batches are what lets a series of
// --max runs from the checkpoint make progress.
func (s *Session) fetchGroups() int {
	n := s.cfg.FetchGroups
	if shards := len(s.shardIDs()); s.cfg.Limit > 0 && shards > 0 {
		per := 8 * int64(shards)
		n = int(min(int64(n), max((s.cfg.Limit+per-1)/per, 1)))
	}
	return n
}

// retire lets a closed run's SDK worker wind down in the background, and
// then (deleteGroup) deletes its ephemeral group. The closed run can no
// longer deliver, acknowledge, or reach the network, so nothing waits for it.
func (s *Session) retire(r *run, deleteGroup bool) {
	s.bg.Add(1)
	s.bgWorkers.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.bgWorkers.Done()
		if deleteGroup {
			ctx, cancel := context.WithTimeout(context.Background(), opsTimeout)
			if err := s.deleteGroup(ctx, r.group); err != nil {
				s.events.emitErr(err)
			}
			cancel()
		}
		r.worker.StopAndWait()
	}()
}
