package slsd

import (
	"net"
	"net/http"
	"strconv"
	"strings"
)

// notImplemented answers a request for an API slsd does not have. The code
// is what SLS answers for a route it has no handler for, 405 InvalidMethod,
// which no SDK retries; the message says that it is slsd that lacks the
// API, not the client that erred.
func notImplemented(r *http.Request) *apiError {
	what := r.Method + " " + r.URL.Path
	if api := apiName(r); api != "" {
		what = api + ": " + what
	}
	return newErr(http.StatusMethodNotAllowed, "InvalidMethod", "slsd does not implement %s; see slstail serve --help", what)
}

// apiName names the SLS API family a request belongs to, for the ones
// programs are likely to try; "" when it is not one of them.
func apiName(r *http.Request) string {
	p := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	sub := ""
	if len(p) >= 3 && p[0] == "logstores" {
		sub = p[2]
	}
	switch t := r.URL.Query().Get("type"); {
	case len(p) == 2 && p[0] == "logstores" && (t == "log" || t == "logs"), sub == "logs":
		return "GetLogs (index queries)"
	case len(p) == 2 && p[0] == "logstores" && t == "histogram":
		return "GetHistograms (index queries)"
	case sub == "shipper":
		return "shippers"
	case sub == "substores":
		return "SubStores"
	case sub == "meteringmode":
		return "the metering mode"
	}
	switch p[0] {
	case "jobs":
		return "jobs (alerts, ETL, scheduled SQL, ingestion)"
	case "dashboards":
		return "dashboards"
	case "savedsearches":
		return "saved searches"
	case "machinegroups":
		return "machine groups (Logtail)"
	case "configs":
		return "Logtail configs"
	case "metricstores":
		return "metric stores"
	case "storeviews":
		return "store views"
	case "resources":
		return "resources"
	}
	return ""
}

// listenPort returns the port the server listens on, "" before Start or
// when it is embedded through Handler.
func (s *Server) listenPort() string {
	addr := s.listenAddr()
	if addr == nil {
		return ""
	}
	return strconv.Itoa(addr.Port)
}

// proxyTargetError checks a request that arrived through HTTP_PROXY
// (absolute-form, or CONNECT). slsd answers such requests itself, so it
// must only take those meant for it: <project>.<endpoint> or the endpoint,
// where the endpoint is an IP address or localhost on slsd's port. Anything
// else is another of the program's HTTP calls that HTTP_PROXY sent here; it
// gets a 502 naming the host instead of a confusing SLS error.
func (s *Server) proxyTargetError(r *http.Request) *apiError {
	var target string
	switch {
	case r.Method == http.MethodConnect:
		target = r.Host
	case r.URL.Host != "":
		target = r.URL.Host
		if port := s.listenPort(); port == "" || s.servesTarget(target, port) {
			return nil
		}
	default:
		return nil
	}
	return newErr(http.StatusBadGateway, "BadGateway",
		"slsd is not a forwarding proxy: a request for %s reached it through HTTP_PROXY, but it serves only "+
			"<project>.<endpoint> and <endpoint> for an IP or localhost endpoint on port %s; "+
			"add %s to NO_PROXY, or point the client at slsd's endpoint", target, s.listenPort(), hostOnly(target))
}

// servesTarget reports whether host[:port] is this server: the port is
// slsd's (80 when absent), and the host, less a project label, is an IP
// literal or localhost.
func (s *Server) servesTarget(target, port string) bool {
	host, p, err := net.SplitHostPort(target)
	if err != nil {
		host, p = target, "80"
	}
	if p != port {
		return false
	}
	host = strings.TrimSuffix(host, ".")
	isEndpoint := func(h string) bool {
		return h == "localhost" || net.ParseIP(strings.Trim(h, "[]")) != nil
	}
	if isEndpoint(host) {
		return true
	}
	_, rest, ok := strings.Cut(host, ".")
	return ok && isEndpoint(rest)
}

func hostOnly(target string) string {
	if h, _, err := net.SplitHostPort(target); err == nil {
		return h
	}
	return target
}

// Index configurations are stored and echoed, so that programs which set
// one up before writing work; nothing is indexed, and the index query APIs
// (GetLogs, GetHistograms) are not implemented.
func (s *Server) indexConfig(c *call, ls *logstore) error {
	notExist := newErr(http.StatusNotFound, "IndexConfigNotExist", "index config doesn't exist")
	switch c.r.Method {
	case http.MethodGet:
		ls.mu.RLock()
		idx := ls.index
		ls.mu.RUnlock()
		if idx == nil {
			return notExist
		}
		return writeJSON(c, idx)
	case http.MethodDelete:
		ls.mu.Lock()
		defer ls.mu.Unlock()
		if ls.index == nil {
			return notExist
		}
		ls.index = nil
		return writeEmpty(c)
	case http.MethodPost, http.MethodPut:
		var idx map[string]any
		if err := readJSON(c, &idx); err != nil {
			return err
		}
		ls.mu.Lock()
		defer ls.mu.Unlock()
		switch {
		case c.r.Method == http.MethodPost && ls.index != nil:
			return newErr(http.StatusBadRequest, "IndexAlreadyExist", "index config already exists")
		case c.r.Method == http.MethodPut && ls.index == nil:
			return notExist
		}
		ls.index = idx
		return writeEmpty(c)
	}
	return notImplemented(c.r)
}
