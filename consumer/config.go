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
	defaultStopTimeout = 15 * time.Second
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
		cfg.FetchInterval = 200 * time.Millisecond
	}
	if cfg.keepAliveAfter <= 0 {
		cfg.keepAliveAfter = defaultKeepAliveAfter
	}
	if cfg.FetchGroups < 0 || cfg.FetchGroups > 1000 {
		return cfg, fmt.Errorf("FetchGroups %d: must be between 1 and 1000", cfg.FetchGroups)
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
