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
	state     sessionState
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

	dicts dictHolder // values interned when records are compacted
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
	s.ops = sls.CreateNormalInterfaceV2(sdkEndpoint(cfg.Endpoint), s.provider)
	s.ops.SetHTTPClient(s.opsHTTP)
	s.ops.SetRetryTimeout(opsTimeout)
	s.ops.SetUserAgent("slstail")
	return s, nil
}

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
	case stateRunning:
		return errors.New("session already started")
	case stateStopped:
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
	s.state = stateRunning
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
	if s.state != stateRunning {
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
	if s.state == stateStopped {
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
	s.state = stateStopped
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
	r.compact, r.dicts = s.cfg.Compact, &s.dicts
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
