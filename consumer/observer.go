package consumer

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// observer is the RoundTripper the SDK's http.Client uses. The consumer
// library swallows errors and hides PullLogs' metadata; watching its HTTP
// traffic is the one way to see both without changing the SDK.
type observer struct {
	base http.RoundTripper
	t    *tracker
	// consumer is true for the consumer library's client, whose pulls feed
	// the shard rates and whose heartbeats say which shards we hold; false
	// for the session's own calls (probes, lag polling), which only feed the
	// connection state.
	consumer bool
	// logstore is the one this session reads; requests about other
	// logstores (none today) are passed through unobserved.
	logstore string
	// timeout bounds each request. It replaces http.Client.Timeout, whose
	// timer goroutine lives until the body is closed, and the SDK never
	// closes the (empty) bodies of successful writes: with it, every
	// checkpoint commit would hold a goroutine for the whole timeout.
	timeout time.Duration
}

// cancelBody ends a request's context once its body is consumed or closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.cancel()
	}
	return n, err
}

func (b *cancelBody) Close() error {
	b.cancel()
	return b.ReadCloser.Close()
}

// request is what the observer learns from a request line.
type request struct {
	op     string // "PullLogs", "HeartBeat", …
	shard  int    // -1 when not about one shard
	group  string
	cursor string
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
	cancel := context.CancelFunc(func() {})
	if o.timeout > 0 {
		var ctx context.Context
		ctx, cancel = context.WithTimeout(r.Context(), o.timeout)
		r = r.WithContext(ctx)
	}
	resp, err := o.base.RoundTrip(r)
	if err == nil {
		if resp.Body == nil || resp.Body == http.NoBody || resp.ContentLength == 0 {
			cancel()
		} else {
			resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
		}
	} else {
		cancel()
	}
	if err != nil {
		if orig.Context().Err() == nil { // the caller's cancellation is not a fault
			shard := req.shard
			if !o.consumer {
				shard = -1
			}
			o.t.netError(req.op, shard, err)
		}
		return resp, err
	}
	o.t.ok(resp.StatusCode == http.StatusOK)
	if resp.StatusCode != http.StatusOK && o.consumer {
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
		e := classify(req.op, resp.StatusCode, env.Code, env.Message, resp.Header.Get("x-log-requestid"))
		if e.Kind == EventAuth {
			e.KeyID = keyIDFromAuth(r.Header.Get("Authorization"))
		}
		if req.query && resp.StatusCode == http.StatusBadRequest && e.Kind == EventInfo &&
			!strings.EqualFold(env.Code, "InvalidCursor") {
			e.Kind = EventQuery
		}
		o.t.apiError(req.shard, e)
		return resp, nil
	}
	if !o.consumer || resp.StatusCode != http.StatusOK {
		return resp, nil
	}
	switch {
	case req.cursor != "":
		o.t.pulled(req.shard, req.cursor, resp.Header.Get("X-Log-Cursor"), parsePullMeta(resp.Header))
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
