package consumer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const cliConfigJSON = `{
  "current": "work",
  "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "LTAIdefault", "access_key_secret": "default-secret-abc"},
    {"name": "work", "mode": "AK", "access_key_id": "LTAIwork", "access_key_secret": "work-secret-def"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.id", "access_key_secret": "sts-secret-ghi", "sts_token": "sts-token-jkl"},
    {"name": "odd", "mode": "NoSuchMode", "access_key_id": "LTAIodd", "access_key_secret": "odd-secret-mno"}
  ]
}`

func writeCLIConfig(t *testing.T, body string) string {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".aliyun"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aliyun", "config.json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolveCredentialsOrder(t *testing.T) {
	home := writeCLIConfig(t, cliConfigJSON)
	fullEnv := map[string]string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     "LTAIenv",
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret-pqr",
		"ALIBABA_CLOUD_SECURITY_TOKEN":    "env-token",
	}
	cases := []struct {
		name     string
		flags    Credentials
		profile  string
		env      map[string]string
		wantID   string
		wantTok  string
		kind     SourceKind
		profName string
	}{
		{"flags first", Credentials{AccessKeyID: "LTAIflag", AccessKeySecret: "flag-secret"}, "", fullEnv, "LTAIflag", "", SourceFlags, ""},
		{"env next", Credentials{}, "", fullEnv, "LTAIenv", "env-token", SourceEnv, ""},
		{"env alias", Credentials{}, "", map[string]string{"ALICLOUD_ACCESS_KEY_ID": "LTAIalias", "ALICLOUD_ACCESS_KEY_SECRET": "s-alias"}, "LTAIalias", "", SourceEnv, ""},
		{"current profile", Credentials{}, "", nil, "LTAIwork", "", SourceProfile, "work"},
		{"profile from env", Credentials{}, "", map[string]string{"ALIBABA_CLOUD_PROFILE": "default"}, "LTAIdefault", "", SourceProfile, "default"},
		{"explicit profile beats env keys", Credentials{}, "sts", fullEnv, "STS.id", "sts-token-jkl", SourceProfile, "sts"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, src, err := ResolveCredentials(tc.flags, tc.profile, envOf(tc.env), home)
			if err != nil {
				t.Fatal(err)
			}
			if c.AccessKeyID != tc.wantID || c.SecurityToken != tc.wantTok || c.AccessKeySecret == "" {
				t.Errorf("got %v token %q", c, c.SecurityToken)
			}
			if src.Kind != tc.kind || src.Profile != tc.profName {
				t.Errorf("source = %+v", src)
			}
		})
	}
}

func TestResolveCredentialsErrors(t *testing.T) {
	home := writeCLIConfig(t, cliConfigJSON)
	secrets := []string{"default-secret-abc", "work-secret-def", "sts-secret-ghi", "sts-token-jkl", "odd-secret-mno", "half-secret"}
	cases := []struct {
		name    string
		flags   Credentials
		profile string
		env     map[string]string
		home    string
		want    string
	}{
		{"id flag alone", Credentials{AccessKeyID: "LTAIx"}, "", nil, home, "--access-key-id given without --access-key-secret"},
		{"secret env alone", Credentials{}, "", map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "half-secret"}, home, "ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not"},
		{"unknown profile", Credentials{}, "prod", nil, home, `profile "prod" not found`},
		{"unsupported mode", Credentials{}, "odd", nil, home, "NoSuchMode"},
		{"nothing anywhere", Credentials{}, "", nil, t.TempDir(), "no credentials"},
		{"broken file", Credentials{}, "", nil, writeCLIConfig(t, `{"profiles": [{"name": "x", "access_key_secret": "odd-secret-mno"`), "not valid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ResolveCredentials(tc.flags, tc.profile, envOf(tc.env), tc.home)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error reveals a secret: %v", err)
				}
			}
		})
	}
	if _, _, err := ResolveCredentials(Credentials{}, "", nil, t.TempDir()); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("empty home: %v, want ErrNoCredentials", err)
	}
}

func TestCredentialsNeverPrintSecrets(t *testing.T) {
	c := Credentials{AccessKeyID: "LTAIshow", AccessKeySecret: "hide-me-secret", SecurityToken: "hide-me-token"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out := fmt.Sprintf(verb, c)
		if strings.Contains(out, "hide-me") || strings.Contains(out, fmt.Sprintf("%x", "hide-me")) {
			t.Errorf("%s prints a secret: %s", verb, out)
		}
		if !strings.Contains(out, "LTAIshow") && verb != "%x" {
			t.Errorf("%s hides the key id: %s", verb, out)
		}
	}
	out := fmt.Sprintf("%v", struct{ C Credentials }{c})
	if strings.Contains(out, "hide-me") {
		t.Errorf("nested: %s", out)
	}
}
