package demogen

import "time"

// Field is one key/value pair of a log's contents. Values are always
// strings, as in SLS.
type Field struct {
	Key, Value string
}

// Log is one generated access-log line: its time and its fields in the
// stable order given by FieldNames.
type Log struct {
	Time   time.Time
	Fields []Field
}

// Get returns the value of the field named key and whether it is present.
func (l Log) Get(key string) (string, bool) {
	for _, f := range l.Fields {
		if f.Key == key {
			return f.Value, true
		}
	}
	return "", false
}

// The fields of every log, in order.
const (
	fClientIP = iota
	fMethod
	fHost
	fURI
	fProtocol
	fStatus
	fBodyBytes
	fRequestTime
	fUpstreamAddr
	fUpstreamTime
	fReferer
	fUserAgent
	fCacheStatus
	fCDNIn
	fCDNOut
	fLevel
	fRequestID
	fRegion
	fPOP
	numFields
)

var fieldNames = [numFields]string{
	fClientIP:     "client_ip",
	fMethod:       "method",
	fHost:         "host",
	fURI:          "uri",
	fProtocol:     "protocol",
	fStatus:       "status",
	fBodyBytes:    "body_bytes_sent",
	fRequestTime:  "request_time",
	fUpstreamAddr: "upstream_addr",
	fUpstreamTime: "upstream_response_time",
	fReferer:      "referer",
	fUserAgent:    "http_user_agent",
	fCacheStatus:  "cache_status",
	fCDNIn:        "cdn_in",
	fCDNOut:       "cdn_out",
	fLevel:        "level",
	fRequestID:    "request_id",
	fRegion:       "region",
	fPOP:          "pop",
}

// FieldNames returns the keys of every generated log, in the order they
// appear in Log.Fields, in log groups and in JSON lines:
//
//	client_ip               client address, e.g. "183.62.7.201"
//	method                  GET, POST, PUT, DELETE
//	host                    virtual host (www., m., api., static.)
//	uri                     path and query string
//	protocol                HTTP/1.1 or HTTP/2.0
//	status                  HTTP status, e.g. "200"
//	body_bytes_sent         response body bytes
//	request_time            seconds with 3 decimals, e.g. "0.042"
//	upstream_addr           backend "ip:port", "-" when served from cache
//	upstream_response_time  seconds with 3 decimals, "-" when served from cache
//	referer                 "-" or a URL
//	http_user_agent         browsers, mobile apps, curl, crawlers, probes
//	cache_status            HIT, MISS, EXPIRED, BYPASS on CDN nodes, "-" at origin
//	cdn_in, cdn_out         the serving node's ingress/egress bandwidth in
//	                        Mbit/s (integers); cdn_in > 70 holds for a minority
//	level                   error for 5xx, warn for 4xx or request_time >= 1s, else info
//	request_id              32 hex digits, like nginx's $request_id
//	region, pop             where the serving node is, e.g. "cn-hangzhou", "HGH1"
func FieldNames() []string {
	return append([]string(nil), fieldNames[:]...)
}

// levelFor is the level rule documented in FieldNames.
// requestMs is request_time in milliseconds, as printed.
func levelFor(status int, requestMs int64) string {
	switch {
	case status >= 500:
		return "error"
	case status >= 400, requestMs >= 1000:
		return "warn"
	}
	return "info"
}
