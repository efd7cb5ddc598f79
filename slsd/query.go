package slsd

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// field is one key/value of a log as the SPL evaluator sees it.
type field struct{ Key, Value string }

// program is a compiled SPL query.
type program interface {
	Run(in []field, emit func(out []field)) error
	IsPassThrough() bool
}

// compileQuery is a stand-in until package spl lands: it accepts only the
// bare "*" and rejects everything else with SLS's invalid-query error.
func compileQuery(q string) (program, error) {
	if strings.TrimSpace(q) == "*" {
		return passThrough{}, nil
	}
	return nil, &queryError{line: 1, col: 1, msg: "only '*' is supported"}
}

type passThrough struct{}

func (passThrough) Run(in []field, emit func([]field)) error { emit(in); return nil }
func (passThrough) IsPassThrough() bool                      { return true }

type queryError struct {
	line, col int
	msg       string
}

func (e *queryError) Error() string { return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.msg) }

// errInvalidQuery is SLS's answer to an SPL query that does not compile:
// ParameterInvalid with "invalid query: line L:C <message>" (seen from real
// SLS in aliyun/alibabacloud-observability-mcp-server issue #41).
func errInvalidQuery(line, col int, msg string) *apiError {
	return newErr(http.StatusBadRequest, "ParameterInvalid", "invalid query: line %d:%d %s", line, col, msg)
}

// queryCache keeps compiled queries: a consumer sends the same query on
// every pull.
type queryCache struct {
	mu sync.Mutex
	m  map[string]compiled
}

type compiled struct {
	prog program
	err  *apiError
}

const maxCachedQueries = 256

func newQueryCache() *queryCache { return &queryCache{m: make(map[string]compiled)} }

func (qc *queryCache) compile(q string) (program, *apiError) {
	qc.mu.Lock()
	c, ok := qc.m[q]
	qc.mu.Unlock()
	if ok {
		return c.prog, c.err
	}
	prog, err := compileQuery(q)
	if err != nil {
		c.err = toQueryError(err)
	} else {
		c.prog = prog
	}
	qc.mu.Lock()
	if len(qc.m) >= maxCachedQueries {
		clear(qc.m)
	}
	qc.m[q] = c
	qc.mu.Unlock()
	return c.prog, c.err
}

func toQueryError(err error) *apiError {
	if qe, ok := err.(*queryError); ok {
		return errInvalidQuery(qe.line, qe.col, qe.msg)
	}
	return errInvalidQuery(1, 1, err.Error())
}
