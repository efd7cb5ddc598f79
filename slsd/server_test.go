package slsd

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestServerLifecycle(t *testing.T) {
	s, err := New(Config{Project: "p-one", Logstore: "ls-one"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Endpoint() != "" {
		t.Fatalf("endpoint before Start: %q", s.Endpoint())
	}
	keys := s.Keys()
	if len(keys) != 1 || keys[0].ID == "" || len(keys[0].Secret) < 20 {
		t.Fatalf("generated keys: %+v", keys)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err == nil {
		t.Fatal("second Start succeeded")
	}
	if !strings.HasPrefix(s.Endpoint(), "127.0.0.1:") {
		t.Fatalf("endpoint %q", s.Endpoint())
	}
	c := newClient(t, s, keys[0])
	shards, err := c.ListShards("p-one", "ls-one")
	if err != nil || len(shards) != DefaultShards {
		t.Fatalf("pre-created logstore: %v %v", shards, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close after Shutdown: %v", err)
	}
	if err := s.Start(); err == nil {
		t.Fatal("Start after Shutdown succeeded")
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"too many shards", Config{Project: "pp-1", Logstore: "ls-1", Shards: 1000}, "shards"},
		{"negative retention", Config{Retention: Retention{MaxBytes: -1}}, "retention"},
		{"empty secret", Config{Keys: []Key{{ID: "a"}}}, "secret"},
		{"bad project name", Config{Project: "Not_A_Project"}, "project name"},
		{"bad logstore name", Config{Project: "pp-1", Logstore: "x"}, "logstore name"},
		{"bad address", Config{Addr: "256.0.0.1:1"}, "listen"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.cfg)
			if err == nil {
				err = s.Start()
				s.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error about %s", err, tc.want)
			}
		})
	}
}

func TestProjectFromHost(t *testing.T) {
	for host, want := range map[string]string{
		"demo.127.0.0.1:8080":              "demo",
		"127.0.0.1:8080":                   "",
		"demo.localhost:80":                "demo",
		"localhost:80":                     "",
		"[::1]:8080":                       "",
		"demo.[::1]:8080":                  "demo",
		"p-1.cn-hangzhou.log.aliyuncs.com": "p-1",
		"":                                 "",
	} {
		if got := projectFromHost(host); got != want {
			t.Errorf("projectFromHost(%q) = %q, want %q", host, got, want)
		}
	}
}
