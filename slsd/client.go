package slsd

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"
)

// NewHTTPClient returns an http.Client for the SDK (Client.SetHTTPClient,
// LogHubConfig.HTTPClient) that reaches a server at endpoint ("host:port",
// optionally with an http:// scheme)
// although the SDK dials "<project>.<endpoint>", which does not resolve for
// an IP endpoint: every "<anything>.<endpoint>" is dialled as endpoint, the
// way SLS's DNS sends every project name to the same frontends. Other
// addresses are dialled unchanged. Call CloseIdleConnections on it when
// done.
func NewHTTPClient(endpoint string) *http.Client {
	// The SDK accepts endpoints with a scheme; the dialled address has none.
	endpoint = strings.TrimPrefix(strings.TrimPrefix(endpoint, "http://"), "https://")
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	suffix := "." + endpoint
	return &http.Client{
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if strings.HasSuffix(addr, suffix) {
					addr = endpoint
				}
				return d.DialContext(ctx, network, addr)
			},
			Proxy:               nil, // never send our own traffic through HTTP_PROXY
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
		},
		Timeout: 60 * time.Second,
	}
}
