package slsd

import (
	"net/http"
	"strconv"

	"github.com/slstail/slstail/spl"
)

// maxPullBytes caps the raw size of one PullLogs answer (SLS has a cap; its
// value is not documented). The consumer library fetches again at once when
// an answer reaches 4 MiB.
const maxPullBytes = 8 << 20

const maxPullCount = 1000

// pullStats are the query metadata SLS returns with a query: what was
// scanned before the query and what came out of it.
type pullStats struct {
	rawBytes, rawGroups, rawLines int
	resultLines, failedLines      int
	groups                        int
}

func (s *Server) pullLogs(c *call, sh *shard) error {
	q := c.r.URL.Query()
	cursor := q.Get("cursor")
	if cursor == "" {
		return newErr(http.StatusBadRequest, "MissingParameter", "Missing query key : cursor.")
	}
	from, aerr := sh.cursorIndex(cursor)
	if aerr != nil {
		return aerr
	}
	count := maxPullCount
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPullCount {
			return errParam("Parameter count %s is not valid, it must be between 1 and %d", v, maxPullCount)
		}
		count = n
	}
	to := int64(-1)
	endCursor := q.Get("end_cursor")
	if endCursor == "" {
		endCursor = q.Get("endCursor") // the Rust SDK's spelling
	}
	if endCursor != "" {
		end, ok := decodeCursor(endCursor)
		if !ok {
			return errParam("end_cursor %s is invalid", endCursor)
		}
		to = end - sh.base
		if to < from {
			to = from
		}
	}
	if p := q.Get("processor"); p != "" {
		return newErr(http.StatusNotFound, "ConsumeProcessorNotExist", "consume processor %s does not exist", p)
	}
	query := q.Get("query")
	var prog *spl.Program
	if query != "" {
		if prog, aerr = s.spl.compile(query); aerr != nil {
			return aerr
		}
	}
	res, ok := sh.read(from, to, count, maxPullBytes)
	if !ok {
		// Trimmed by retention between the check and the read.
		return errInvalidCursor(cursor)
	}
	packets := res.packets

	bufp := s.getBuf()
	defer s.bufs.Put(bufp)
	raw := (*bufp)[:0]
	var st pullStats
	if prog == nil || prog.IsPassThrough() {
		for _, p := range packets {
			raw = appendListEntry(raw, p.data)
			st.rawBytes += len(p.data)
			st.rawLines += p.logs
		}
		st.rawGroups, st.groups, st.resultLines = len(packets), len(packets), st.rawLines
	} else {
		var err error
		if raw, err = runQuery(prog, packets, raw, &st); err != nil {
			return err
		}
	}

	kind := compression(c.r)
	zbufp := s.getBuf()
	defer s.bufs.Put(zbufp)
	body := (*zbufp)[:0]
	if len(raw) > 0 {
		var err error
		if body, err = s.codecs.compressBody(kind, body, raw); err != nil {
			return err
		}
	}
	*bufp, *zbufp = raw, body

	next := cursor // "no data" must echo the client's cursor byte for byte
	if len(packets) > 0 {
		next = encodeCursor(sh.base + from + int64(len(packets)))
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/x-protobuf")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-log-cursor", next)
	h.Set("x-log-count", strconv.Itoa(st.groups))
	h.Set("x-log-bodyrawsize", strconv.Itoa(len(raw)))
	if kind != "" {
		h.Set("x-log-compresstype", kind)
	}
	if len(packets) > 0 {
		last := len(packets) - 1
		h.Set("x-log-read-last-cursor", strconv.FormatInt(sh.base+from+int64(last), 10))
		h.Set("x-log-cursor-time", strconv.FormatInt(packets[last].recv/1e9, 10))
	}
	// 1 when the pull stopped at end_cursor, or at the fixed end of a
	// readonly shard: no further pull from there returns anything.
	endReached := "0"
	if next := from + int64(len(packets)); to >= 0 && next >= to || res.sealed && next >= res.end {
		endReached = "1"
	}
	h.Set("x-log-end-of-cursor", endReached)
	if query != "" {
		h.Set("x-log-rawdatasize", strconv.Itoa(st.rawBytes))
		h.Set("x-log-rawdatacount", strconv.Itoa(st.rawGroups))
		h.Set("x-log-rawdatalines", strconv.Itoa(st.rawLines))
		h.Set("x-log-resultlines", strconv.Itoa(st.resultLines))
		h.Set("x-log-failedlines", strconv.Itoa(st.failedLines))
	}
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(body) // an error here means the client left; nothing to answer
	return nil
}

func (s *Server) getBuf() *[]byte {
	if b, ok := s.bufs.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 64<<10)
	return &b
}

// runQuery evaluates prog on every log of packets and appends the
// LogGroupList of the results to dst. A log group whose logs are all
// filtered out is left out of the answer; its cursor is still consumed.
func runQuery(prog *spl.Program, packets []packet, dst []byte, st *pullStats) ([]byte, error) {
	var g logGroup
	var in []field
	var group []byte
	for _, p := range packets {
		st.rawGroups++
		st.rawBytes += len(p.data)
		if err := decodeLogGroup(p.data, &g); err != nil {
			return nil, err
		}
		group = append(group[:0], g.header...)
		rows := 0
		for _, rec := range g.logs {
			st.rawLines++
			in = append(in[:0],
				field{Key: "__time__", Value: strconv.FormatUint(uint64(rec.time), 10)},
				field{Key: "__topic__", Value: g.topic},
				field{Key: "__source__", Value: g.source})
			in = append(in, g.tags...)
			in = append(in, rec.contents...)
			err := prog.Run(in, func(out []field) {
				rows++
				st.resultLines++
				group = appendRow(group, rec, out)
			})
			if err != nil {
				st.failedLines++
			}
		}
		if rows > 0 {
			st.groups++
			dst = appendListEntry(dst, group)
		}
	}
	return dst, nil
}

// appendRow encodes one output row as a Log. Meta fields go back where they
// came from: __time__ to the log's time; topic, source and tags are the log
// group's and stay with it.
func appendRow(dst []byte, rec logRecord, out []field) []byte {
	t := rec.time
	contents := make([]field, 0, len(out))
	for _, f := range out {
		switch {
		case f.Key == "__time__":
			if v, err := strconv.ParseUint(f.Value, 10, 32); err == nil {
				t = uint32(v)
			}
		case f.Key == "__topic__" || f.Key == "__source__" || len(f.Key) > 8 && f.Key[:8] == "__tag__:":
		default:
			contents = append(contents, f)
		}
	}
	return appendLog(dst, t, rec.timeNs, rec.hasNs, contents)
}
