package slsd

import (
	"errors"
	"net/http"
	"sync"

	"github.com/slstail/slstail/spl"
)

// field is one key/value of a log as the SPL evaluator sees it.
type field = spl.Field

// errInvalidQuery is SLS's answer to an SPL query that does not compile:
// ParameterInvalid with "invalid query: line L:C <message>" (the shape real
// SLS answers, seen in aliyun/alibabacloud-observability-mcp-server issue
// #41).
func errInvalidQuery(err error) *apiError {
	var se *spl.Error
	if errors.As(err, &se) {
		return newErr(http.StatusBadRequest, "ParameterInvalid", "invalid query: line %d:%d %s", se.Line, se.Col, se.Msg)
	}
	return newErr(http.StatusBadRequest, "ParameterInvalid", "invalid query: %v", err)
}

// queryCache keeps compiled queries: a consumer sends the same query on
// every pull.
type queryCache struct {
	mu sync.Mutex
	m  map[string]compiled
}

type compiled struct {
	prog *spl.Program
	err  *apiError
}

const maxCachedQueries = 256

func newQueryCache() *queryCache { return &queryCache{m: make(map[string]compiled)} }

func (qc *queryCache) compile(q string) (*spl.Program, *apiError) {
	qc.mu.Lock()
	c, ok := qc.m[q]
	qc.mu.Unlock()
	if ok {
		return c.prog, c.err
	}
	prog, err := spl.Compile(q)
	if err != nil {
		c.err = errInvalidQuery(err)
	} else {
		c.prog = prog
	}
	qc.mu.Lock()
	if len(qc.m) >= maxCachedQueries {
		clear(qc.m) // a client cycling through queries must not grow this
	}
	qc.m[q] = c
	qc.mu.Unlock()
	return c.prog, c.err
}
