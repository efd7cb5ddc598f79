package consumer

import (
	"context"
	"net"
	"testing"
)

func TestEndpointHost(t *testing.T) {
	ok := map[string]string{
		"cn-hangzhou.log.aliyuncs.com":          "cn-hangzhou.log.aliyuncs.com",
		"https://cn-hangzhou.log.aliyuncs.com/": "cn-hangzhou.log.aliyuncs.com",
		"http://127.0.0.1:8080":                 "127.0.0.1:8080",
		" 127.0.0.1:8080 ":                      "127.0.0.1:8080",
	}
	for in, want := range ok {
		if got, err := endpointHost(in); err != nil || got != want {
			t.Errorf("%q = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "ftp://x", "https://host/path", "host/path", "a b"} {
		if _, err := endpointHost(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestProjectDialer checks where "<project>.<endpoint>" connects: to the
// endpoint itself for an IP or localhost, unchanged for a DNS name.
func TestProjectDialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	dial := projectDialer(addr, "80", &net.Dialer{})
	for _, target := range []string{"my-project." + addr, addr} {
		c, err := dial(context.Background(), "tcp", target)
		if err != nil {
			t.Fatalf("dial %s: %v", target, err)
		}
		c.Close()
	}
	// A different port is not the endpoint.
	if _, err := dial(context.Background(), "tcp", "my-project.127.0.0.1:1"); err == nil {
		t.Error("dialled a different port as the endpoint")
	}

	var got string
	record := projectDialer("localhost:"+port, "80", &net.Dialer{})
	if c, err := record(context.Background(), "tcp", "p.localhost:"+port); err != nil {
		t.Errorf("localhost endpoint: %v", err)
	} else {
		got = c.RemoteAddr().String()
		c.Close()
	}
	if got == "" {
		t.Error("no connection for p.localhost")
	}
	if !isLiteralHost("127.0.0.1:1") || !isLiteralHost("[::1]:80") || isLiteralHost("cn-hangzhou.log.aliyuncs.com") {
		t.Error("isLiteralHost")
	}
}
