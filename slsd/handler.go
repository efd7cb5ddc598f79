package slsd

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
)

// requestIDs makes SLS-shaped request ids (24 upper-case hex digits): a
// random per-server prefix and a counter.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func (g *requestIDs) init() {
	var b [4]byte
	rand.Read(b[:])
	g.prefix = strings.ToUpper(hex.EncodeToString(b[:]))
}

func (g *requestIDs) next() string {
	return fmt.Sprintf("%s%016X", g.prefix, g.n.Add(1))
}

// call is one request being served.
type call struct {
	w       http.ResponseWriter
	r       *http.Request
	project string // from the Host name; empty for project-less calls
	parts   []string
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rid := s.reqID.next()
	h := w.Header()
	h.Set("x-log-requestid", rid)
	h.Set("Server", "slsd")
	c := &call{w: w, r: r, project: projectFromHost(r.Host)}
	defer func() {
		// A bug must still answer in SLS's envelope, or the SDK reports a
		// BadResponseError that its callers do not expect.
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.writeError(c, rid, fmt.Errorf("panic: %v", p))
		}
	}()
	var err error
	if aerr := s.proxyTargetError(r); aerr != nil {
		err = aerr
	} else if aerr := s.authenticate(r); aerr != nil {
		err = aerr
	} else {
		err = s.route(c)
	}
	if err != nil {
		s.writeError(c, rid, err)
	}
}

func (s *Server) writeError(c *call, rid string, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		s.log.Error("internal error", "method", c.r.Method, "uri", c.r.RequestURI, "err", err)
		ae = newErr(http.StatusInternalServerError, "InternalServerError", "internal server error")
	} else {
		s.log.Debug("request failed", "method", c.r.Method, "uri", c.r.URL.Path, "code", ae.code, "msg", ae.msg)
	}
	body, _ := json.Marshal(struct {
		Code    string `json:"errorCode"`
		Message string `json:"errorMessage"`
		ID      string `json:"requestId"`
	}{ae.code, ae.msg, rid})
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(ae.status)
	c.w.Write(body)
}

// projectFromHost takes the project from "<project>.<endpoint>[:port]". SLS
// project names have no dots, so it is the first label — unless the host is
// the bare endpoint (an IP literal or "localhost"), which addresses no
// project.
func projectFromHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" || host == "localhost" || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return ""
	}
	p, _, ok := strings.Cut(host, ".")
	if !ok {
		return ""
	}
	return p
}

// route dispatches on method and path. Absolute-form (proxy) requests have
// the same r.URL.Path and r.Host as direct ones.
func (s *Server) route(c *call) error {
	path := strings.Trim(c.r.URL.Path, "/")
	if path != "" {
		c.parts = strings.Split(path, "/")
	}
	m := c.r.Method
	p := c.parts
	if len(p) == 0 {
		if c.project == "" {
			switch m {
			case http.MethodGet:
				return s.listProjects(c)
			case http.MethodPost:
				return s.createProject(c)
			}
			return notImplemented(c.r)
		}
		switch m {
		case http.MethodGet:
			return s.getProject(c)
		case http.MethodPost:
			return s.createProject(c)
		case http.MethodPut:
			return s.updateProject(c)
		case http.MethodDelete:
			return s.deleteProject(c)
		}
		return notImplemented(c.r)
	}
	if c.project == "" {
		return newErr(http.StatusBadRequest, "InvalidHost", "Host header %s is invalid.", c.r.Host)
	}
	proj, aerr := s.store.project(c.project)
	if aerr != nil {
		return aerr
	}
	if p[0] != "logstores" {
		return s.routeOther(c, p)
	}
	if len(p) == 1 {
		switch m {
		case http.MethodGet:
			return s.listLogstores(c, proj)
		case http.MethodPost:
			return s.createLogstore(c, proj)
		}
		return notImplemented(c.r)
	}
	if len(p) == 2 {
		switch {
		case m == http.MethodGet && c.r.URL.Query().Get("type") == "":
			return s.getLogstore(c, proj, p[1])
		case m == http.MethodPut:
			return s.updateLogstore(c, proj, p[1])
		case m == http.MethodDelete:
			return s.deleteLogstore(c, proj, p[1])
		case m == http.MethodPost:
			return s.putLogs(c, proj, p[1], "")
		}
		return notImplemented(c.r)
	}
	ls, aerr := proj.logstore(p[1])
	if aerr != nil {
		return aerr
	}
	switch {
	case p[2] == "shards" && len(p) == 3 && m == http.MethodGet:
		return s.listShards(c, ls)
	case p[2] == "shards" && len(p) == 4 && m == http.MethodPost && p[3] == "lb":
		return s.putLogs(c, proj, p[1], c.r.Header.Get("x-log-hashkey"))
	case p[2] == "shards" && len(p) == 4 && m == http.MethodPost && p[3] == "route":
		key := c.r.URL.Query().Get("key")
		if key == "" {
			key = c.r.Header.Get("x-log-hashkey")
		}
		if key == "" {
			return newErr(http.StatusBadRequest, "MissingParameter", "Missing query key : key.")
		}
		return s.putLogs(c, proj, p[1], key)
	case p[2] == "shards" && len(p) == 4 && m == http.MethodPost:
		return s.splitOrMerge(c, ls, p[3])
	case p[2] == "shards" && len(p) == 4 && m == http.MethodGet:
		sh, aerr := ls.shard(p[3])
		if aerr != nil {
			return aerr
		}
		switch t := c.r.URL.Query().Get("type"); t {
		case "cursor":
			return s.getCursor(c, sh)
		case "cursor_time":
			return s.getCursorTime(c, sh)
		case "logs", "log":
			return s.pullLogs(c, sh)
		case "":
			return newErr(http.StatusBadRequest, "MissingParameter", "Missing query key : type.")
		default:
			return errParam("Parameter type %s is not valid", t)
		}
	case p[2] == "index" && len(p) == 3:
		return s.indexConfig(c, ls)
	case p[2] == "consumergroups" && len(p) == 3:
		switch m {
		case http.MethodGet:
			return s.listGroups(c, ls)
		case http.MethodPost:
			return s.createGroup(c, ls)
		}
	case p[2] == "consumergroups" && len(p) == 4:
		switch m {
		case http.MethodPut:
			return s.updateGroup(c, ls, p[3])
		case http.MethodDelete:
			return s.deleteGroup(c, ls, p[3])
		case http.MethodGet:
			return s.getCheckpoints(c, ls, p[3])
		case http.MethodPost:
			switch t := c.r.URL.Query().Get("type"); t {
			case "heartbeat":
				return s.heartbeat(c, ls, p[3])
			case "checkpoint":
				return s.updateCheckpoint(c, ls, p[3])
			default:
				return errParam("Parameter type %s is not valid", t)
			}
		}
	}
	// Queries (GetLogs, GetHistograms) and the other APIs slsd does not have.
	return notImplemented(c.r)
}

// routeOther answers the read-only probes of machine groups and Logtail
// configs that the SDK's e2e tests make; slsd has none of either.
func (s *Server) routeOther(c *call, p []string) error {
	if c.r.Method != http.MethodGet {
		return notImplemented(c.r)
	}
	switch {
	case p[0] == "machinegroups" && len(p) == 1:
		return writeJSON(c, map[string]any{"machinegroups": []string{}, "count": 0, "total": 0})
	case p[0] == "machinegroups" && len(p) == 2:
		return newErr(http.StatusNotFound, "MachineGroupNotExist", "MachineGroup %s does not exist", p[1])
	case p[0] == "configs" && len(p) == 1:
		return writeJSON(c, map[string]any{"configs": []string{}, "count": 0, "total": 0})
	case p[0] == "configs" && len(p) == 2:
		return newErr(http.StatusNotFound, "ConfigNotExist", "config %s does not exist", p[1])
	}
	return notImplemented(c.r)
}

// writeJSON answers 200 with v as JSON. SLS never compresses JSON answers
// (clients other than Go would not undo it).
func writeJSON(c *call, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(body)
	return nil
}

// writeEmpty answers 200 with an empty body. It must be empty: the SDK
// drops the response of write calls without closing it, and only a
// zero-length body lets the connection go back to the pool.
func writeEmpty(c *call) error {
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// maxBody bounds request bodies; SLS refuses PutLogs bodies over 10 MiB.
const maxBody = 10 << 20

// readBody reads the request body and checks it against the digest the
// client signed (Content-MD5 for v1, x-log-content-sha256 for v4), so a
// signature also covers the body.
func readBody(c *call) ([]byte, error) {
	var body []byte
	var err error
	if n := c.r.ContentLength; n >= 0 && n <= maxBody {
		if body, err = readExactly(c.r.Body, int(n)); err != nil {
			return nil, newErr(http.StatusBadRequest, "PostBodyInvalid", "read body: %v", err)
		}
	} else if body, err = io.ReadAll(io.LimitReader(c.r.Body, maxBody+1)); err != nil {
		return nil, newErr(http.StatusBadRequest, "PostBodyInvalid", "read body: %v", err)
	}
	if len(body) > maxBody {
		return nil, newErr(http.StatusRequestEntityTooLarge, "PostBodyTooLarge", "Body size %d must little than %d.", len(body), maxBody)
	}
	if want := c.r.Header.Get("Content-MD5"); want != "" {
		sum := md5.Sum(body)
		if !strings.EqualFold(hex.EncodeToString(sum[:]), want) {
			return nil, newErr(http.StatusBadRequest, "InvalidContentMD5", "Content-MD5 %s does not match the body", want)
		}
	}
	if want := c.r.Header.Get("x-log-content-sha256"); want != "" && strings.HasPrefix(c.r.Header.Get("Authorization"), "SLS4-") {
		sum := sha256.Sum256(body)
		if !strings.EqualFold(hex.EncodeToString(sum[:]), want) {
			return nil, newErr(http.StatusBadRequest, "InvalidContentSha256", "x-log-content-sha256 %s does not match the body", want)
		}
	}
	return body, nil
}

// readExactly reads n bytes. The buffer grows as they arrive rather than
// taking the claimed Content-Length up front (a client may claim 10 MiB and
// send two bytes), and ends exactly n long: PutLogs bodies are kept, spare
// capacity would be too.
func readExactly(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, min(n, 64<<10))
	for read := 0; read < n; {
		if read == len(buf) {
			grown := make([]byte, min(n, 2*len(buf)))
			copy(grown, buf)
			buf = grown
		}
		m, err := r.Read(buf[read:])
		read += m
		if err == io.EOF && read < n {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
	}
	return buf, nil
}

func readJSON(c *call, v any) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errJSON("The request body is not valid JSON object: %v", err)
	}
	return nil
}
