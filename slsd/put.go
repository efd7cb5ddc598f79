package slsd

import (
	"net/http"
	"strings"
)

// putLogs stores one LogGroup (PutLogs / PostLogStoreLogs). With a hash key
// the readwrite shard whose key range holds it gets the group, otherwise the
// readwrite shards take turns. The group is stored as the bytes it arrived
// as.
func (s *Server) putLogs(c *call, p *project, name, hashKey string) error {
	ls, aerr := p.logstore(name)
	if aerr != nil {
		return aerr
	}
	if ct := c.r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-protobuf") {
		return newErr(http.StatusBadRequest, "InvalidContentType", "Content-Type %s is unsupported.", ct)
	}
	if p := c.r.URL.Query().Get("processor"); p != "" {
		// Ingest processors are server-side SPL on write; slsd has none.
		return newErr(http.StatusBadRequest, "ParameterInvalid", "ingest processor %s does not exist", p)
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	raw, err := s.codecs.decompressBody(c.r, body)
	if err != nil {
		return err
	}
	logs, err := scanLogGroup(raw)
	if err != nil {
		return newErr(http.StatusBadRequest, "PostBodyInvalid", "The request body is not a valid LogGroup: %v", err)
	}
	ls.putGroup(hashKey, raw, logs)
	return writeEmpty(c)
}
