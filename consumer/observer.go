package consumer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// observer is the RoundTripper of the SDK's clients. The consumer library
// swallows errors and hides PullLogs' metadata; watching its HTTP traffic is
// the one way to see both without changing the SDK. It also bounds what the
// SDK has in flight: each run's pulls take a budget permit here, a request
// with no progress for its idle timeout is cut (the SDK retries it), and a
// closed run's requests fail at once, so that a worker still winding down
// never touches the network or the session's state again.
type observer struct {
	base http.RoundTripper
	t    *tracker
	// run is the query run whose consumer library uses this client: its
	// pulls feed the shard rates and its heartbeats say which shards we
	// hold. nil for the session's own calls (probes, lag polling,
	// checkpoints), which only feed the connection state.
	run *run
	// logstore is the one this session reads; requests about other
	// logstores (none today) are passed through unobserved.
	logstore string
	// timeout bounds each request. It replaces http.Client.Timeout, whose
	// timer goroutine lives until the body is closed, and the SDK never
	// closes the (empty) bodies of successful writes: with it, every
	// checkpoint commit would hold a goroutine for the whole timeout.
	timeout time.Duration
	// idle cuts a request that has had no answer, or no body bytes, for
	// this long: a stalled connection is retried long before timeout.
	idle time.Duration
	// ended, when done, ends the session's own calls: one in flight is
	// cut, and every later one (the SDK's retries of a call its caller
	// abandoned) is answered at once, as a closed run's are. nil: never.
	ended context.Context
}

// watch ends a request: when its body is read or closed, when it fails, or
// when it makes no progress for idle (which cancels it with errStalled).
type watch struct {
	t      *tracker
	f      *flight
	ctx    context.Context
	cancel context.CancelCauseFunc
	// endTimeout releases the request's overall timeout.
	endTimeout context.CancelFunc
	timer      *time.Timer
	idle       time.Duration
	path       string // for errors
	once       sync.Once
}

// errStalled is the cause of a request cut for making no progress.
type errStalled time.Duration

func (e errStalled) Error() string {
	return fmt.Sprintf("no answer for %s", time.Duration(e))
}

// gone recognises a heartbeat's answer that the group is no more: deleted,
// or lost with its logstore or project (a server that restarted empty).
func gone(code string) bool {
	switch strings.ToLower(code) {
	case "consumergroupnotexist", "logstorenotexist", "projectnotexist":
		return true
	}
	return false
}

func (w *watch) progress() {
	if w.timer != nil {
		w.timer.Reset(w.idle)
	}
	w.t.progress(w.f)
}

func (w *watch) done() {
	w.once.Do(func() {
		if w.timer != nil {
			w.timer.Stop()
		}
		w.cancel(nil)
		w.endTimeout()
		w.t.end(w.f)
	})
}

// cause replaces a cancellation error by why the request was cut.
func (w *watch) cause(err error) error {
	var st errStalled
	if err != nil && errors.As(context.Cause(w.ctx), &st) {
		return st
	}
	return err
}

// watchedBody ends its request's watch once consumed or closed, and
// counts each read as progress.
type watchedBody struct {
	io.ReadCloser
	w *watch
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.w.progress()
	}
	if err != nil {
		if err != io.EOF {
			// A transport error, as the SDK's retry expects one.
			err = &url.Error{Op: "read body of", URL: b.w.path, Err: b.w.cause(err)}
		}
		b.w.done()
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.w.done()
	return b.ReadCloser.Close()
}

// request is what the observer learns from a request line.
type request struct {
	op     string // "PullLogs", "HeartBeat", …
	shard  int    // -1 when not about one shard
	group  string
	cursor string
	count  int // log groups a pull asked for
	query  bool
}

// parseRequest recognises the SLS calls that matter here from method, path
// and query (the routing table of the SLS API).
func parseRequest(r *http.Request, logstore string) request {
	q := r.URL.Query()
	req := request{op: r.Method + " " + r.URL.Path, shard: -1}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "logstores" || (logstore != "" && parts[1] != logstore) {
		return req
	}
	switch {
	case len(parts) == 3 && parts[2] == "shards":
		req.op = "ListShards"
	case len(parts) == 4 && parts[2] == "shards":
		req.shard, _ = strconv.Atoi(parts[3])
		switch q.Get("type") {
		case "logs":
			req.op = "PullLogs shard " + parts[3]
			req.cursor = q.Get("cursor")
			req.count, _ = strconv.Atoi(q.Get("count"))
			req.query = q.Get("query") != ""
		case "cursor":
			req.op = "GetCursor shard " + parts[3]
		case "cursor_time":
			req.op = "GetCursorTime shard " + parts[3]
		}
	case len(parts) == 3 && parts[2] == "consumergroups":
		req.op = map[string]string{"GET": "ListConsumerGroup", "POST": "CreateConsumerGroup"}[r.Method]
	case len(parts) == 4 && parts[2] == "consumergroups":
		req.group = parts[3]
		switch {
		case q.Get("type") == "heartbeat":
			req.op = "HeartBeat"
		case q.Get("type") == "checkpoint":
			req.op = "UpdateCheckpoint"
		case r.Method == "GET":
			req.op = "GetCheckpoint"
		case r.Method == "DELETE":
			req.op = "DeleteConsumerGroup"
		case r.Method == "PUT":
			req.op = "UpdateConsumerGroup"
		}
	}
	return req
}

// pullMeta is the query metadata of one PullLogs response.
type pullMeta struct {
	queried           bool // the x-log-rawdata*/resultlines headers were present
	groupsIn          int
	linesIn, linesOut int
	bytesIn, bytesOut int
}

func parsePullMeta(h http.Header) pullMeta {
	num := func(k string) (int, bool) {
		v := h.Get(k)
		if v == "" {
			return 0, false
		}
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	var m pullMeta
	m.bytesOut, _ = num("X-Log-Bodyrawsize")
	m.bytesIn = m.bytesOut
	m.groupsIn, _ = num("X-Log-Count")
	if n, ok := num("X-Log-Rawdatacount"); ok {
		m.groupsIn = n
	}
	in, ok1 := num("X-Log-Rawdatalines")
	out, ok2 := num("X-Log-Resultlines")
	if ok1 && ok2 {
		m.queried, m.linesIn, m.linesOut = true, in, out
		if b, ok := num("X-Log-Rawdatasize"); ok {
			m.bytesIn = b
		}
	}
	return m
}

// maxErrorBody bounds what the observer reads of an error response: SLS
// error bodies are a few hundred bytes of JSON.
const maxErrorBody = 64 << 10

func (o *observer) RoundTrip(r *http.Request) (*http.Response, error) {
	req := parseRequest(r, o.logstore)
	orig := r
	pull := req.cursor != "" && o.run != nil
	if o.ended != nil && o.ended.Err() != nil {
		return stoppedResponse(r), nil
	}
	if o.run != nil {
		if o.run.isClosed.Load() {
			return stoppedResponse(r), nil
		}
		if pull {
			// Waiting for a permit is not a stall: the flight starts after.
			if err := o.run.acquire(r.Context(), req.shard); err != nil {
				if errors.Is(err, errRunStopped) {
					return stoppedResponse(r), nil
				}
				closeBody(r)
				return nil, err
			}
		}
	}
	shard := -1
	if pull {
		shard = req.shard
	}
	w := &watch{t: o.t, f: o.t.begin(shard), idle: o.idle, path: r.URL.Path, endTimeout: func() {}}
	ctx := r.Context()
	if o.timeout > 0 {
		ctx, w.endTimeout = context.WithTimeout(ctx, o.timeout)
	}
	if o.ended != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		stop := context.AfterFunc(o.ended, cancel)
		endTimeout := w.endTimeout
		w.endTimeout = func() { stop(); cancel(); endTimeout() }
	}
	w.ctx, w.cancel = context.WithCancelCause(ctx)
	if o.idle > 0 {
		w.timer = time.AfterFunc(o.idle, func() { w.cancel(errStalled(o.idle)) })
	}
	resp, err := o.base.RoundTrip(r.WithContext(w.ctx))
	if err != nil {
		err = w.cause(err)
		w.done()
		if pull {
			o.run.release(req.shard)
		}
		if orig.Context().Err() == nil && !o.closed() && (o.ended == nil || o.ended.Err() == nil) { // the caller's cancellation is not a fault
			o.t.netError(req.op, shard, err)
		}
		return resp, err
	}
	w.progress()
	if resp.Body == nil || resp.Body == http.NoBody || resp.ContentLength == 0 {
		w.done()
	} else {
		resp.Body = &watchedBody{ReadCloser: resp.Body, w: w}
	}
	if pull && (resp.StatusCode != http.StatusOK || resp.Header.Get("X-Log-Count") == "0") {
		// Nothing to hold memory for: the permit goes back at once, so
		// that idle shards polling their end never wait for one.
		o.run.release(req.shard)
	}
	if o.closed() {
		return resp, nil
	}
	o.t.ok(resp.StatusCode == http.StatusOK)
	if resp.StatusCode != http.StatusOK && o.run != nil {
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			return resp, nil
		}
		var env struct {
			Code    string `json:"errorCode"`
			Message string `json:"errorMessage"`
		}
		_ = json.Unmarshal(body, &env)
		if req.op == "HeartBeat" && req.group == o.run.group && gone(env.Code) {
			o.run.gone()
			return resp, nil
		}
		e := classify(req.op, resp.StatusCode, env.Code, env.Message, resp.Header.Get("x-log-requestid"))
		if e.Kind == EventAuth {
			e.KeyID = keyIDFromAuth(r.Header.Get("Authorization"))
		}
		if req.query && resp.StatusCode == http.StatusBadRequest && e.Kind == EventInfo &&
			!strings.EqualFold(env.Code, "InvalidCursor") {
			e.Kind = EventQuery
		}
		o.t.apiError(shard, e)
		return resp, nil
	}
	if o.run == nil || resp.StatusCode != http.StatusOK {
		return resp, nil
	}
	switch {
	case req.cursor != "":
		o.t.pulled(req.shard, req.cursor, resp.Header.Get("X-Log-Cursor"), req.count, parsePullMeta(resp.Header))
	case req.op == "HeartBeat":
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		var held []int
		if rerr == nil && json.Unmarshal(body, &held) == nil {
			o.t.heartbeat(req.group, held)
		}
	}
	return resp, nil
}

// closed reports a request of a run that closed while it was in flight:
// what it learned is about the past and must not touch the session's state.
func (o *observer) closed() bool { return o.run != nil && o.run.isClosed.Load() }

// stoppedResponse answers a closed run's request without the network. It
// is an error answer, not a transport error: the SDK retries transport
// errors of reads for a minute and a half, and a closed run's worker must
// wind down at once.
func stoppedResponse(r *http.Request) *http.Response {
	closeBody(r)
	body := `{"errorCode":"SlstailRunStopped","errorMessage":"this query run of slstail has stopped"}`
	return &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request",
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}, "X-Log-Requestid": {"slstail-stopped"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}
}

func closeBody(r *http.Request) {
	if r.Body != nil {
		r.Body.Close()
	}
}
