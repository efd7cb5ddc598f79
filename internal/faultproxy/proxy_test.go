package faultproxy

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func get(t *testing.T, c *http.Client, url string) (string, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func TestProxyFaults(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer srv.Close()
	p, err := New(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 2 * time.Second}
	url := "http://" + p.Addr() + "/"

	if body, err := get(t, c, url); err != nil || body != "ok" {
		t.Fatalf("pass: %q %v", body, err)
	}

	p.Stall()
	start := time.Now()
	if _, err := get(t, c, url); err == nil {
		t.Fatal("a stalled proxy answered")
	} else if time.Since(start) < time.Second {
		t.Fatalf("stall ended early: %v", err)
	}
	p.Flow()
	if body, err := get(t, c, url); err != nil || body != "ok" {
		t.Fatalf("after flow: %q %v", body, err)
	}

	p.SetLatency(100 * time.Millisecond)
	start = time.Now()
	if _, err := get(t, c, url); err != nil || time.Since(start) < 200*time.Millisecond {
		t.Fatalf("latency: %v after %v", err, time.Since(start))
	}
	p.SetLatency(0)

	// A reset reaches the client as ECONNRESET.
	conn, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	buf := make([]byte, 512)
	if _, err := conn.Read(buf); err != nil {
		t.Fatal(err)
	}
	p.Reset()
	if _, err := conn.Read(buf); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read after reset: %v, want ECONNRESET", err)
	}

	p.Down()
	if _, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
		t.Fatal("down proxy accepted a connection")
	}
	if err := p.Up(); err != nil {
		t.Fatal(err)
	}
	tr.CloseIdleConnections()
	if body, err := get(t, c, url); err != nil || body != "ok" {
		t.Fatalf("after up: %q %v", body, err)
	}
}
