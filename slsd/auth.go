package slsd

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// maxSkew is how far a request's date may be from the server's clock.
const maxSkew = 15 * time.Minute

// authenticate verifies the request's signature (v1 "LOG ak:sig" or v4
// "SLS4-HMAC-SHA256 ...") against the configured keys and answers failures
// with SLS's codes and statuses.
func (s *Server) authenticate(r *http.Request) *apiError {
	auth := r.Header.Get("Authorization")
	switch {
	case auth == "":
		return newErr(http.StatusBadRequest, "MissingParameter", "Missing http extend header key : authorization.")
	case strings.HasPrefix(auth, "LOG "):
		return s.verifyV1(r, strings.TrimPrefix(auth, "LOG "))
	case strings.HasPrefix(auth, "SLS4-HMAC-SHA256 "):
		return s.verifyV4(r, strings.TrimPrefix(auth, "SLS4-HMAC-SHA256 "))
	default:
		return newErr(http.StatusBadRequest, "ParameterInvalid", "Http extend authorization : %s pair is invalid.", auth)
	}
}

func (s *Server) lookupKey(r *http.Request, id string) (Key, *apiError) {
	k, ok := s.keys[id]
	if !ok {
		// The SDK's e2e tests assert this text verbatim.
		return Key{}, newErr(http.StatusUnauthorized, "Unauthorized", "AccessKeyId not found: %s", id)
	}
	tok := r.Header.Get("x-acs-security-token")
	if !hmac.Equal([]byte(tok), []byte(k.SecurityToken)) {
		return Key{}, newErr(http.StatusUnauthorized, "Unauthorized", "The security token you provided is invalid.")
	}
	return k, nil
}

// Layouts of the Date header: the SDK's RFC 1123 and the one-digit day the
// SLS docs show.
var dateLayouts = []string{time.RFC1123, "Mon, 2 Jan 2006 15:04:05 GMT", time.RFC1123Z, time.RFC850, time.ANSIC}

func (s *Server) checkTime(raw string, layouts ...string) *apiError {
	var t time.Time
	var err error
	for _, l := range layouts {
		if t, err = time.Parse(l, raw); err == nil {
			break
		}
	}
	if err != nil {
		return newErr(http.StatusBadRequest, "InvalidRequestTime", "Request time %s not follow RFC822 spec.", raw)
	}
	now := s.now()
	if d := now.Sub(t); d > maxSkew || d < -maxSkew {
		return newErr(http.StatusBadRequest, "RequestTimeExpired", "Request time %s has been expired while server time is %s.",
			raw, now.UTC().Format(time.RFC1123))
	}
	return nil
}

func (s *Server) verifyV1(r *http.Request, cred string) *apiError {
	id, sig, ok := strings.Cut(cred, ":")
	if !ok {
		return newErr(http.StatusBadRequest, "ParameterInvalid", "Http extend authorization : LOG %s pair is invalid.", cred)
	}
	k, aerr := s.lookupKey(r, id)
	if aerr != nil {
		return aerr
	}
	date := r.Header.Get("Date")
	if date == "" {
		// Clients behind proxies that drop Date send it as x-log-date.
		date = r.Header.Get("x-log-date")
	}
	if date == "" {
		return newErr(http.StatusBadRequest, "MissingParameter", "Missing http extend header key : date.")
	}
	if aerr := s.checkTime(date, dateLayouts...); aerr != nil {
		return aerr
	}
	mac := hmac.New(sha1.New, []byte(k.Secret))
	mac.Write([]byte(stringToSignV1(r, date)))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return newErr(http.StatusUnauthorized, "SignatureNotMatch", "Signature %s not matched.", sig)
	}
	return nil
}

// stringToSignV1 rebuilds what SignerV1 signed: verb, Content-MD5,
// Content-Type, date, the x-log-*/x-acs-* headers (x-log-date excluded:
// Python adds it after signing) and the canonical resource.
func stringToSignV1(r *http.Request, date string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(r.Header.Get("Content-MD5"))
	b.WriteByte('\n')
	b.WriteString(r.Header.Get("Content-Type"))
	b.WriteByte('\n')
	b.WriteString(date)
	b.WriteByte('\n')
	names := signedHeaderNames(r, func(n string) bool {
		return (strings.HasPrefix(n, "x-log-") || strings.HasPrefix(n, "x-acs-")) && n != "x-log-date"
	})
	for i, n := range names {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.TrimSpace(r.Header.Get(n)))
	}
	b.WriteByte('\n')
	b.WriteString(r.URL.EscapedPath())
	if r.URL.RawQuery != "" {
		q := r.URL.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('?')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte('&')
			}
			// SignerV1 concatenates repeated keys' pairs without '&'.
			for _, v := range q[k] {
				b.WriteString(k)
				b.WriteByte('=')
				b.WriteString(v)
			}
		}
	}
	return b.String()
}

// signedHeaderNames returns the lower-cased names of the request headers
// that keep says are signed, sorted.
func signedHeaderNames(r *http.Request, keep func(string) bool) []string {
	var names []string
	for k := range r.Header {
		if n := strings.ToLower(strings.TrimSpace(k)); keep(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// verifyV4 checks an "SLS4-HMAC-SHA256 Credential=ak/date/region/sls/aliyun_v4_request,Signature=hex"
// authorization. The header carries no list of signed headers, so the set is
// rebuilt the way SignerV4 picks it.
func (s *Server) verifyV4(r *http.Request, rest string) *apiError {
	invalid := newErr(http.StatusBadRequest, "ParameterInvalid", "Http extend authorization : SLS4-HMAC-SHA256 %s pair is invalid.", rest)
	var cred, sig string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "Signature":
			sig = v
		}
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[3] != "sls" || scope[4] != "aliyun_v4_request" || sig == "" {
		return invalid
	}
	id, day, region := scope[0], scope[1], scope[2]
	k, aerr := s.lookupKey(r, id)
	if aerr != nil {
		return aerr
	}
	dateTime := r.Header.Get("x-log-date")
	if dateTime == "" {
		return newErr(http.StatusBadRequest, "MissingParameter", "Missing http extend header key : x-log-date.")
	}
	if aerr := s.checkTime(dateTime, "20060102T150405Z"); aerr != nil {
		return aerr
	}
	if !strings.HasPrefix(dateTime, day) || (s.cfg.Region != "" && region != s.cfg.Region) {
		return newErr(http.StatusUnauthorized, "SignatureNotMatch", "Signature %s not matched.", sig)
	}
	payload := r.Header.Get("x-log-content-sha256")
	if payload == "" {
		payload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	}
	for _, host := range signedHosts(r) {
		if hmac.Equal([]byte(signatureV4(r, host, payload, dateTime, scope, k.Secret)), []byte(strings.ToLower(sig))) {
			return nil
		}
	}
	return newErr(http.StatusUnauthorized, "SignatureNotMatch", "Signature %s not matched.", sig)
}

// signedHosts returns the values the client may have signed as its Host
// header. A direct request has one: the Host header as sent (r.Host). For
// an absolute-form request (through HTTP_PROXY) Go's server keeps only the
// request target and drops the Host line (RFC 9112 §3.2.2 lets the target
// win), so slsd tries the target as it is — what the Go SDK signs and
// sends — and without its port — what the Python SDK signs and sends as
// Host while its proxy request line carries the port.
func signedHosts(r *http.Request) []string {
	if r.URL.Host == "" {
		return []string{r.Host}
	}
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		return []string{r.Host, h}
	}
	return []string{r.Host}
}

// signatureV4 computes SignerV4's signature of r with host as its Host
// header.
func signatureV4(r *http.Request, host, payload, dateTime string, scope []string, secret string) string {
	var cr strings.Builder
	cr.WriteString(r.Method + "\n" + r.URL.EscapedPath() + "\n")
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			cr.WriteByte('&')
		}
		cr.WriteString(k)
		if v := q.Get(k); v != "" {
			cr.WriteString("=" + strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
		}
	}
	cr.WriteByte('\n')
	names := signedHeaderNames(r, func(n string) bool {
		return (strings.HasPrefix(n, "x-log-") && !strings.HasPrefix(n, "x-log-meta-")) ||
			strings.HasPrefix(n, "x-acs-") || n == "content-type"
	})
	names = append(names, "host")
	sort.Strings(names)
	for _, n := range names {
		v := r.Header.Get(n)
		if n == "host" {
			v = host
		}
		cr.WriteString(n + ":" + v + "\n")
	}
	cr.WriteString("\n" + strings.Join(names, ";") + "\n" + payload)
	sum := sha256.Sum256([]byte(cr.String()))
	toSign := "SLS4-HMAC-SHA256\n" + dateTime + "\n" + strings.Join(scope[1:], "/") + "\n" + hex.EncodeToString(sum[:])
	key := []byte("aliyun_v4" + secret)
	for _, m := range []string{scope[1], scope[2], "sls", "aliyun_v4_request", toSign} {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(m))
		key = h.Sum(nil)
	}
	return hex.EncodeToString(key)
}
