package slsd

import (
	"fmt"
	"net/http"
)

// apiError is an error answered to the client in SLS's JSON envelope,
// {"errorCode", "errorMessage", "requestId"}. Codes, statuses and messages
// follow the SLS API reference (its "Error codes" page and each API's own
// table) and what the SDKs check (the Go SDK's error_code.go, its e2e tests,
// the consumer libraries); where SLS's own text is unknown the message is
// ours but the code is SLS's.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.msg) }

func newErr(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

func errProjectNotExist(name string) *apiError {
	// The SDK's e2e test asserts this exact text (no space before the colon).
	return newErr(http.StatusNotFound, "ProjectNotExist", "The Project does not exist: %s", name)
}

func errLogStoreNotExist(name string) *apiError {
	return newErr(http.StatusNotFound, "LogStoreNotExist", "logstore %s does not exist", name)
}

func errShardNotExist(id string) *apiError {
	return newErr(http.StatusBadRequest, "ShardNotExist", "Shard %s does not exist", id)
}

func errGroupNotExist(name string) *apiError {
	return newErr(http.StatusNotFound, "ConsumerGroupNotExist", "consumer group %s does not exist", name)
}

func errParam(format string, args ...any) *apiError {
	return newErr(http.StatusBadRequest, "ParameterInvalid", format, args...)
}

func errInvalidCursor(cursor string) *apiError {
	return newErr(http.StatusBadRequest, "InvalidCursor", "cursor %s is less than the begin cursor or greater than the end cursor", cursor)
}

func errJSON(format string, args ...any) *apiError {
	return newErr(http.StatusBadRequest, "PostBodyInvalid", format, args...)
}
