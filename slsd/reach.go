package slsd

import (
	"fmt"
	"net"
)

// Supported says which SLS APIs slsd answers and which it does not, for
// `slstail serve --help`, where the message of a refused API points.
const Supported = `slsd answers: projects; logstores (create, get, update, list, delete); shards
(ListShards, SplitShard, MergeShards); GetCursor, GetCursorTime; PutLogs (lz4,
zstd, deflate; by hash key or load-balanced); PullLogs, with SPL; consumer groups
(heartbeats, checkpoints, ordered consumption across splits and merges); index
configurations (kept and echoed; nothing is indexed); empty lists of machine
groups and Logtail configs. Signatures v1 and v4, STS tokens.

Not implemented (405 InvalidMethod "slsd does not implement ..."): GetLogs and
GetHistograms (index queries), shippers, SubStores, metric stores, dashboards,
saved searches, jobs (alerts, ETL, scheduled SQL), changes to machine groups and
Logtail configs.`

// Environment variables `slstail serve` takes its key pair from, so that a
// fixed secret need not appear in a command line (ps shows those). They are
// not ALIBABA_CLOUD_ACCESS_KEY_*: a real key pair in the environment must
// never become the local server's, nor be printed by it.
const (
	EnvAccessKeyID     = "SLSD_ACCESS_KEY_ID"
	EnvAccessKeySecret = "SLSD_ACCESS_KEY_SECRET"
)

// KeyFromEnv returns the key pair in EnvAccessKeyID and EnvAccessKeySecret
// as getenv reads them; ok is false when neither is set, and an error says
// that only one is.
func KeyFromEnv(getenv func(string) string) (k Key, ok bool, err error) {
	id, secret := getenv(EnvAccessKeyID), getenv(EnvAccessKeySecret)
	switch {
	case id == "" && secret == "":
		return Key{}, false, nil
	case id == "" || secret == "":
		return Key{}, false, fmt.Errorf("set both %s and %s, or neither", EnvAccessKeyID, EnvAccessKeySecret)
	}
	return Key{ID: id, Secret: secret}, true, nil
}

// ExposureWarning returns a warning when the server listens beyond the
// loopback interface (on every interface, or on a routable address), and ""
// otherwise: slsd is meant for local use, and anyone who can reach it and
// holds its key can read and write its logs.
func (s *Server) ExposureWarning() string {
	addr := s.listenAddr()
	if addr == nil || addr.IP.IsLoopback() {
		return ""
	}
	where := "on " + addr.String()
	if addr.IP.IsUnspecified() {
		where = fmt.Sprintf("on every interface (port %d)", addr.Port)
	}
	return fmt.Sprintf("warning: slsd listens %s, not only on loopback: it is meant for local use, "+
		"and anyone who can reach it with its key can read and write its logs", where)
}

// ClientHelp tells how SLS clients other than slstail reach a server at
// endpoint ("host:port") for project: every SDK puts the project in the
// host name, <project>.<endpoint>, which does not resolve for an IP.
func ClientHelp(endpoint, project string) string {
	host, _, err := net.SplitHostPort(endpoint)
	if err != nil {
		host = endpoint
	}
	return fmt.Sprintf(`Other SLS clients, with endpoint %[1]s:
  Go SDK      HTTP_PROXY=http://%[1]s (its default transport honours it)
  Python SDK  HTTP_PROXY=http://%[1]s (signatures v1 and v4); or serve on port 80
              and give the bare IP %[3]s as the endpoint
  Node        @alicloud/log ignores HTTP_PROXY: add "%[3]s %[2]s.%[3]s" to /etc/hosts,
              or give it an http.Agent whose lookup answers %[3]s
Through HTTP_PROXY slsd answers only <project>.%[1]s and %[1]s (NO_PROXY must not
cover them); requests for other hosts get a 502 naming the host.`, endpoint, project, host)
}
