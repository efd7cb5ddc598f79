package consumer

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// Config configures a Session. Zero tuning fields take the defaults below.
type Config struct {
	Endpoint    string // "cn-hangzhou.log.aliyuncs.com", "https://…", or "127.0.0.1:PORT" for slsd
	Project     string
	Logstore    string
	Group       string // "" = ephemeral group "slstail-<user>-<host>-<time>-<rand>", deleted on Stop
	Consumer    string // "" = DefaultConsumer() "<user>@<host>" in a named group, "<user>@<host>-<pid>" in an ephemeral one
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
	// CommitInterval is how often acknowledged positions are committed as
	// checkpoints while running (default 5 s); Stop, Restart and a shard
	// handed to another consumer always commit.
	CommitInterval time.Duration
	// LagInterval is how often checkpoints and shard ends are polled for the
	// lag display (default 2 s, backing off to 30 s on errors).
	LagInterval time.Duration
	// StopTimeout bounds how long Stop waits for its final checkpoint
	// commits and the deletion of the ephemeral group (default 5 s): both
	// are single calls, and a server that has not answered them by then is
	// gone. The SDK's workers are never waited for (see Wait).
	StopTimeout time.Duration
	// FetchInterval is the SDK's DataFetchIntervalInMs (default 10 ms): the
	// pause of the worker's loop that starts shard workers, and the least
	// time between two pulls of a shard. The SDK's default (200 ms) delays
	// the first pull of every run and every shard after a query change.
	FetchInterval time.Duration
	// FetchGroups is how many log groups one pull may return (the SDK's
	// MaxFetchLogGroupCount, 1 to 1000, default 1000).
	FetchGroups int
	// PullBudget is how many pulls may be in flight or waiting for the
	// receiver at once, over every shard (default 8). It bounds the memory
	// in flight, whatever the shard count: at most PullBudget pulls of at
	// most FetchGroups log groups each. A pull that returns nothing gives
	// its permit back at once, so idle shards do not wait for one.
	PullBudget int
	// Limit, when positive, is how many logs the receiver will take before
	// it stops (--max): pulls are sized so that the session does not fetch
	// far more than that.
	Limit int64
	// StallAfter is how long a request may wait with no answer before the
	// shard (for its pull) and the connection show as stalled (default
	// 5 s). A request with no progress for twice as long is cut, and the
	// SDK retries it.
	StallAfter time.Duration
	// Compact makes the session deliver compacted records (see
	// Batch.Compact), converted on the shard workers in parallel: for
	// receivers that keep records, such as the TUI. A receiver that writes
	// records out and drops them is faster without.
	Compact bool
	// PruneOnStart makes Start also delete the logstore's dead slstail
	// ephemeral groups (see PruneGroups), in the background: best effort,
	// bounded in time, never delaying or failing the session. An
	// EventNotice says how many were deleted.
	PruneOnStart bool

	// keepAliveAfter is how long an ephemeral group's checkpoints may stand
	// still before the session refreshes one (keepalive.go); tests shorten it.
	keepAliveAfter time.Duration
}

const (
	defaultHeartbeat   = 5 * time.Second
	defaultCommit      = 5 * time.Second
	defaultLagInterval = 2 * time.Second
	defaultStopTimeout = 5 * time.Second
	defaultFetch       = 10 * time.Millisecond
	defaultPullBudget  = 8
	defaultStallAfter  = 5 * time.Second
	// opsTimeout bounds each of the session's own SLS calls (probe, cursors,
	// checkpoints, lag): the SDK's default retries GETs for 90 s.
	opsTimeout = 15 * time.Second
)

// withDefaults checks what can be checked without I/O and fills the zero
// tuning fields with their defaults.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Project == "" {
		return cfg, errors.New("project is empty")
	}
	if cfg.Logstore == "" {
		return cfg, errors.New("logstore is empty")
	}
	if cfg.Group != "" {
		if err := CheckNamedGroup(cfg.Group); err != nil {
			return cfg, err
		}
	}
	switch {
	case cfg.Consumer != "":
		if err := CheckConsumerName(cfg.Consumer); err != nil {
			return cfg, err
		}
	case cfg.Group == "":
		cfg.Consumer = ephemeralConsumer()
	default:
		cfg.Consumer = DefaultConsumer()
	}
	if cfg.Provider == nil && (cfg.Credentials.AccessKeyID == "" || cfg.Credentials.AccessKeySecret == "") {
		return cfg, ErrNoCredentials
	}
	if cfg.From.Kind == PosContinue {
		return cfg, errors.New("start position \"continue\" only applies to a restart")
	}
	if cfg.From.Kind == PosCheckpoint && cfg.Group == "" {
		return cfg, errors.New("start position \"checkpoint\" needs a named consumer group (--group): an ephemeral group has no checkpoints")
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
		cfg.FetchInterval = defaultFetch
	}
	if cfg.keepAliveAfter <= 0 {
		cfg.keepAliveAfter = defaultKeepAliveAfter
	}
	if cfg.FetchGroups < 0 || cfg.FetchGroups > 1000 {
		return cfg, fmt.Errorf("FetchGroups %d: must be between 1 and 1000", cfg.FetchGroups)
	}
	if cfg.FetchGroups == 0 {
		cfg.FetchGroups = 1000
	}
	if cfg.PullBudget < 0 {
		return cfg, fmt.Errorf("PullBudget %d: must be positive", cfg.PullBudget)
	}
	if cfg.PullBudget == 0 {
		cfg.PullBudget = defaultPullBudget
	}
	if cfg.Limit < 0 {
		return cfg, fmt.Errorf("Limit %d: must not be negative", cfg.Limit)
	}
	if cfg.StallAfter <= 0 {
		cfg.StallAfter = defaultStallAfter
	}
	return cfg, nil
}

// provider is the credentials provider the SDK clients sign with.
func (cfg Config) provider() sls.CredentialsProvider {
	if cfg.Provider != nil {
		return cfg.Provider
	}
	c := cfg.Credentials
	return sls.NewStaticCredentialsProvider(c.AccessKeyID, c.AccessKeySecret, c.SecurityToken)
}
