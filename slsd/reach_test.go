package slsd

import (
	"strings"
	"testing"
)

func TestKeyFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	k, ok, err := KeyFromEnv(env(map[string]string{EnvAccessKeyID: "id", EnvAccessKeySecret: "secret"}))
	if !ok || err != nil || k != (Key{ID: "id", Secret: "secret"}) {
		t.Fatalf("both set: %+v %v %v", k, ok, err)
	}
	if _, ok, err := KeyFromEnv(env(nil)); ok || err != nil {
		t.Fatalf("neither set: %v %v", ok, err)
	}
	if _, ok, err := KeyFromEnv(env(map[string]string{EnvAccessKeyID: "id"})); ok || err == nil {
		t.Fatalf("only the id set: %v %v", ok, err)
	}
	// A real key pair in the environment is not the local server's.
	if _, ok, _ := KeyFromEnv(env(map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"})); ok {
		t.Fatal("took ALIBABA_CLOUD_ACCESS_KEY_*")
	}
}

func TestExposureWarning(t *testing.T) {
	local := startServer(t, Config{})
	if w := local.ExposureWarning(); w != "" {
		t.Fatalf("127.0.0.1: %q", w)
	}
	all := startServer(t, Config{Addr: "0.0.0.0:0"})
	if w := all.ExposureWarning(); !strings.Contains(w, "every interface") {
		t.Fatalf("0.0.0.0: %q", w)
	}
	// Its endpoint is one a local client can dial.
	if !strings.HasPrefix(all.Endpoint(), "127.0.0.1:") {
		t.Fatalf("endpoint of a server on 0.0.0.0: %s", all.Endpoint())
	}
	if _, err := newClient(t, all, testKey).ListShards(testProject, testLogstore); err != nil {
		t.Fatal(err)
	}
}

func TestClientHelp(t *testing.T) {
	help := ClientHelp("127.0.0.1:7000", "demo")
	for _, want := range []string{"HTTP_PROXY=http://127.0.0.1:7000", `"127.0.0.1 demo.127.0.0.1"`, "502"} {
		if !strings.Contains(help, want) {
			t.Errorf("ClientHelp lacks %q:\n%s", want, help)
		}
	}
}
