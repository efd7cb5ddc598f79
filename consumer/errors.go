package consumer

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// Error is an error from SLS (or from reaching it), classified so that a user
// can act on it. Its text never contains a secret, a token or a signature.
type Error struct {
	Kind      EventKind // EventAuth, EventNotFound, EventQuery, EventNetwork, EventThrottled or EventInfo
	Op        string    // what was being done: "ListShards", "PullLogs shard 2" …
	Status    int       // HTTP status; 0 for network errors
	Code      string    // SLS error code, e.g. "SignatureNotMatch"
	Message   string    // SLS message, signatures removed
	Key       string    // for EventAuth: "AccessKeyId", "AccessKeySecret", "SecurityToken" or "" (a permission problem)
	KeyID     string    // for EventAuth: the AccessKeyId that was used (not a secret), so the user knows which credential failed
	RequestID string
	Err       error // the underlying network error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	switch e.Kind {
	case EventAuth:
		id := "the AccessKeyId"
		if e.KeyID != "" {
			id = "AccessKeyId " + e.KeyID
		}
		switch e.Key {
		case "AccessKeyId":
			b.WriteString("SLS does not accept " + id + " (unknown or disabled key)")
		case "AccessKeySecret":
			b.WriteString("the AccessKeySecret does not match " + id + " (signature rejected)")
		case "SecurityToken":
			b.WriteString("the SecurityToken for " + id + " is invalid or has expired")
		default:
			b.WriteString(id + " is not allowed to do this (check its RAM policy)")
		}
	case EventNotFound:
		b.WriteString("not found")
	case EventQuery:
		b.WriteString("the server rejected the query")
	case EventThrottled:
		b.WriteString("throttled by SLS (quota exceeded); slowing down")
	case EventNetwork:
		b.WriteString("cannot reach SLS")
		if e.Err != nil {
			b.WriteString(": ")
			b.WriteString(netErrText(e.Err))
		}
		return b.String()
	default:
		b.WriteString("SLS error")
	}
	if e.Code != "" || e.Status != 0 {
		fmt.Fprintf(&b, " [%s, HTTP %d]", e.Code, e.Status)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// signatureRe matches the signature SLS echoes back in SignatureNotMatch
// messages; it is derived from the secret and has no place on a screen.
var signatureRe = regexp.MustCompile(`(?i)(signature)\s+\S+\s+(not match)`)

// classify turns an SLS error response into an Error.
func classify(op string, status int, code, msg, requestID string) *Error {
	e := &Error{Op: op, Status: status, Code: code, RequestID: requestID, Kind: EventInfo}
	e.Message = signatureRe.ReplaceAllString(msg, "$1 $2")
	lc, lm := strings.ToLower(code), strings.ToLower(msg)
	switch {
	case lc == "signaturenotmatch":
		e.Kind, e.Key = EventAuth, "AccessKeySecret"
	case lc == "invalidaccesskeyid", lc == "missaccesskeyid",
		strings.Contains(lm, "accesskeyid not found"), strings.Contains(lm, "accesskeyid is disabled"),
		strings.Contains(lm, "access key id you provided is invalid"):
		e.Kind, e.Key = EventAuth, "AccessKeyId"
	case strings.Contains(lm, "security token"), strings.Contains(lm, "securitytoken"), strings.Contains(lc, "token"):
		e.Kind, e.Key = EventAuth, "SecurityToken"
	case status == 401, lc == "unauthorized", lc == "projectforbidden":
		e.Kind = EventAuth
	case strings.HasSuffix(lc, "quotaexceed"), lc == "serverbusy", status == 429:
		e.Kind = EventThrottled
	case status == 403:
		e.Kind = EventAuth
	case strings.HasSuffix(lc, "notexist") || strings.HasSuffix(lc, "notexsit"):
		e.Kind = EventNotFound
	}
	return e
}

// classifyErr classifies an error returned by an SDK call made with the
// session's credentials, naming the AccessKeyId when they were refused.
func (s *Session) classifyErr(op string, err error) error {
	err = classifyErr(op, err)
	var e *Error
	if errors.As(err, &e) && e.Kind == EventAuth && e.KeyID == "" {
		if c, cerr := s.provider.GetCredentials(); cerr == nil {
			e.KeyID = c.AccessKeyID
		}
	}
	return err
}

// keyIDFromAuth reads the AccessKeyId from a request's Authorization header:
// "LOG <id>:<signature>" (v1) or "SLS4-HMAC-SHA256 Credential=<id>/..." (v4).
func keyIDFromAuth(h string) string {
	if rest, ok := strings.CutPrefix(h, "LOG "); ok {
		id, _, _ := strings.Cut(rest, ":")
		return id
	}
	if _, rest, ok := strings.Cut(h, "Credential="); ok {
		id, _, _ := strings.Cut(rest, "/")
		return id
	}
	return ""
}

// classifyErr classifies an error returned by an SDK call.
func classifyErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *sls.Error
	if errors.As(err, &se) && se.HTTPCode > 0 {
		return classify(op, int(se.HTTPCode), se.Code, se.Message, se.RequestID)
	}
	var bre *sls.BadResponseError
	if errors.As(err, &bre) {
		return &Error{Op: op, Kind: EventInfo, Status: bre.HTTPCode, Message: "unexpected response from the endpoint (not SLS?)"}
	}
	if se != nil && se.Code == "ClientError" {
		// The SDK wraps transport errors (after its retries) as text.
		return &Error{Op: op, Kind: EventNetwork, Err: errors.New(se.Message)}
	}
	if isNetErr(err) {
		return &Error{Op: op, Kind: EventNetwork, Err: err}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func isNetErr(err error) bool {
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}

// netErrText shortens a transport error to its cause: url.Error repeats the
// whole request URL, which says nothing new to a user.
func netErrText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return fmt.Sprintf("%s %s: %v", oe.Op, oe.Addr, oe.Err)
	}
	return err.Error()
}
