package slsd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Key is an access key pair accepted by the server. A key with a
// SecurityToken is an STS key: requests signed with it must carry that token.
type Key struct {
	ID, Secret, SecurityToken string
}

// Retention bounds the data kept per logstore, like SLS's TTL. The oldest log
// groups are dropped first; cursors that pointed at them are then answered
// with InvalidCursor, as SLS does for data past its TTL. Zero fields mean no
// bound (a logstore's own ttl, in days, still applies).
type Retention struct {
	MaxBytes int64         // raw (uncompressed) log group bytes per logstore
	MaxAge   time.Duration // by receive time
}

// Config configures a Server.
type Config struct {
	// Addr is the TCP address to listen on; default "127.0.0.1:0".
	Addr string
	// Keys are the access keys accepted. If empty, New generates one random
	// pair (see Server.Keys) so that the server is never open to anyone.
	Keys []Key
	// Project, Logstore and Shards, when Project is set, are created by New
	// (Logstore only when set; Shards defaults to 4).
	Project, Logstore string
	Shards            int
	// Retention applies to every logstore.
	Retention Retention
	// Region is the region accepted in signature v4 scopes; empty accepts
	// any region (the signature is still checked with the client's scope).
	Region string
	// Logger receives the server's own diagnostics; nil discards them.
	Logger *slog.Logger
	// Now is the clock for receive times, retention, heartbeats and the
	// request-date check; nil means time.Now. Tests use it to age data.
	Now func() time.Time
	// SplitEvery, when positive, reshards Project/Logstore in the
	// background for demos and consumer tests: every SplitEvery the widest
	// readwrite shard is split in the middle, and the next time the two
	// halves are merged back. Each change is logged at Info level.
	SplitEvery time.Duration
}

// DefaultShards is the shard count of logstores created without one.
const DefaultShards = 4

// Server is an in-memory SLS-compatible server. Its methods are safe for
// concurrent use.
type Server struct {
	cfg    Config
	log    *slog.Logger
	keys   map[string]Key
	now    func() time.Time
	reqID  requestIDs
	store  *store
	spl    *queryCache
	codecs codecs
	bufs   sync.Pool  // *[]byte response buffers
	mu     sync.Mutex // guards the fields below
	ln     net.Listener
	srv    *http.Server
	stop   chan struct{}
	done   sync.WaitGroup
	closed bool
}

// New returns a server configured by cfg; it does not listen until Start.
func New(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Shards == 0 {
		cfg.Shards = DefaultShards
	}
	if cfg.Shards < 1 || cfg.Shards > maxShards {
		return nil, fmt.Errorf("slsd: shards must be between 1 and %d, got %d", maxShards, cfg.Shards)
	}
	if cfg.Retention.MaxBytes < 0 || cfg.Retention.MaxAge < 0 {
		return nil, errors.New("slsd: retention bounds must not be negative")
	}
	if cfg.SplitEvery < 0 || cfg.SplitEvery > 0 && (cfg.Project == "" || cfg.Logstore == "") {
		return nil, errors.New("slsd: SplitEvery needs a positive interval, a Project and a Logstore")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if len(cfg.Keys) == 0 {
		k, err := generateKey()
		if err != nil {
			return nil, fmt.Errorf("slsd: generate access key: %w", err)
		}
		cfg.Keys = []Key{k}
	}
	keys := make(map[string]Key, len(cfg.Keys))
	for _, k := range cfg.Keys {
		if k.ID == "" || k.Secret == "" {
			return nil, errors.New("slsd: access key id and secret must not be empty")
		}
		keys[k.ID] = k
	}
	s := &Server{
		cfg:   cfg,
		log:   cfg.Logger,
		keys:  keys,
		now:   cfg.Now,
		store: newStore(cfg.Retention, cfg.Now),
		spl:   newQueryCache(),
		stop:  make(chan struct{}),
	}
	s.reqID.init()
	if cfg.Project != "" {
		if err := s.CreateProject(cfg.Project, ""); err != nil {
			return nil, err
		}
		if cfg.Logstore != "" {
			if err := s.CreateLogstore(cfg.Project, cfg.Logstore, cfg.Shards); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

func generateKey() (Key, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Key{}, err
	}
	return Key{ID: "LTAI" + hex.EncodeToString(b[:8]), Secret: hex.EncodeToString(b[8:])}, nil
}

// Keys returns the access keys the server accepts (including a generated
// one when Config.Keys was empty).
func (s *Server) Keys() []Key { return append([]Key(nil), s.cfg.Keys...) }

// CreateProject creates a project as CreateProject over HTTP would.
func (s *Server) CreateProject(name, description string) error {
	if err := s.store.createProject(name, description, ""); err != nil {
		return fmt.Errorf("slsd: create project %q: %w", name, err)
	}
	return nil
}

// CreateLogstore creates a logstore with the given shard count (0 means
// DefaultShards) in an existing project.
func (s *Server) CreateLogstore(project, logstore string, shards int) error {
	if shards == 0 {
		shards = DefaultShards
	}
	p, aerr := s.store.project(project)
	if aerr != nil {
		return fmt.Errorf("slsd: create logstore %q: %w", logstore, aerr)
	}
	if err := p.createLogstore(logstoreMeta{Name: logstore, ShardCount: shards, TTL: 30}, s.now()); err != nil {
		return fmt.Errorf("slsd: create logstore %q: %w", logstore, err)
	}
	return nil
}

// Handler returns the server's HTTP handler, for embedding slsd in another
// server; Start uses it.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Start listens on Config.Addr and serves in the background until Close or
// Shutdown.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("slsd: server closed")
	}
	if s.ln != nil {
		return errors.New("slsd: server already started")
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("slsd: listen: %w", err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.done.Add(2)
	go func() {
		defer s.done.Done()
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	}()
	go func() {
		defer s.done.Done()
		s.janitor()
	}()
	if every := s.cfg.SplitEvery; every > 0 {
		s.done.Add(1)
		go func() {
			defer s.done.Done()
			s.reshardLoop(every)
		}()
	}
	s.log.Debug("slsd listening", "addr", ln.Addr().String())
	return nil
}

// janitor drops data past its retention age even when nobody writes.
func (s *Server) janitor() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.store.expire()
		}
	}
}

// Endpoint returns "host:port" of the listener, the value to give the SDK as
// its endpoint; empty before Start. A server listening on every interface
// (0.0.0.0 or ::) gives 127.0.0.1 as its host.
func (s *Server) Endpoint() string {
	addr := s.listenAddr()
	if addr == nil {
		return ""
	}
	if addr.IP.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(addr.Port))
	}
	return addr.String()
}

func (s *Server) listenAddr() *net.TCPAddr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	addr, _ := s.ln.Addr().(*net.TCPAddr)
	return addr
}

// Shutdown stops accepting requests, waits for active ones until ctx ends,
// and stops every goroutine the server started.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.halt(func(srv *http.Server) error {
		err := srv.Shutdown(ctx)
		if err != nil {
			// Handlers still running would outlive the server otherwise.
			srv.Close()
		}
		return err
	})
}

// Close stops the server at once, closing active connections.
func (s *Server) Close() error {
	return s.halt(func(srv *http.Server) error { return srv.Close() })
}

func (s *Server) halt(stop func(*http.Server) error) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv := s.srv
	close(s.stop)
	s.mu.Unlock()
	var err error
	if srv != nil {
		err = stop(srv)
	}
	s.done.Wait()
	s.codecs.close()
	return err
}
