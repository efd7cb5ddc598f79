package consumer

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// endpointHost returns the host[:port] of an endpoint given as
// "cn-hangzhou.log.aliyuncs.com", "https://…" or "127.0.0.1:PORT". The SDK
// itself strips the scheme and keeps it for the request URL.
func endpointHost(endpoint string) (string, error) {
	e := strings.TrimSpace(endpoint)
	if e == "" {
		return "", fmt.Errorf("endpoint is empty")
	}
	if strings.Contains(e, "://") {
		u, err := url.Parse(e)
		if err != nil {
			return "", fmt.Errorf("endpoint %q: %w", endpoint, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return "", fmt.Errorf("endpoint %q: scheme must be http or https", endpoint)
		}
		if u.Path != "" && u.Path != "/" {
			return "", fmt.Errorf("endpoint %q: must not have a path", endpoint)
		}
		e = u.Host
	}
	e = strings.TrimSuffix(e, "/")
	if e == "" || strings.ContainsAny(e, "/ ?#") {
		return "", fmt.Errorf("endpoint %q: want a host name like cn-hangzhou.log.aliyuncs.com or host:port", endpoint)
	}
	return e, nil
}

// sdkEndpoint is the endpoint as handed to the SDK: the scheme is kept (the
// SDK switches to https on "https://"), a trailing slash is not.
func sdkEndpoint(endpoint string) string {
	return strings.TrimSuffix(strings.TrimSpace(endpoint), "/")
}

// isLiteralHost reports whether host (without port) can never have
// subdomains in DNS: an IP address or localhost.
func isLiteralHost(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.Trim(h, "[]")
	return net.ParseIP(h) != nil || strings.EqualFold(h, "localhost")
}

// projectDialer returns a DialContext that sends "<project>.<host>" to
// <host> when host is an IP or localhost (slsd, a tunnel, a private
// frontend). The SDK puts the project into the host name, which real SLS
// resolves through DNS to the same frontends; an IP literal has no
// subdomains, so the mapping here is what DNS does for SLS. Other addresses
// are dialled unchanged.
//
// defaultPort is the port the SDK dials when host has none ("80" for http,
// "443" for https).
func projectDialer(host, defaultPort string, d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = strings.Trim(host, "[]"), defaultPort
	}
	target := net.JoinHostPort(name, port)
	suffix := "." + name
	literal := isLiteralHost(host)
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if literal {
			if h, p, err := net.SplitHostPort(addr); err == nil && p == port && strings.HasSuffix(h, suffix) {
				addr = target
			}
		}
		return d.DialContext(ctx, network, addr)
	}
}

func defaultPort(endpoint string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(endpoint)), "https://") {
		return "443"
	}
	return "80"
}

// newTransport is the transport used when Config.HTTPClient is nil.
func newTransport(endpoint, host string) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           projectDialer(host, defaultPort(endpoint), d),
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 70 * time.Second, // a PullLogs can legitimately take a while
	}
}
