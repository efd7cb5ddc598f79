package consumer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"github.com/aliyun/credentials-go/credentials/providers"
)

// Credentials are static or STS credentials. Their String, GoString and
// Format forms show only the AccessKeyId, so that a stray %v never prints a
// secret.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

// String shows the AccessKeyId and whether a secret and a token are present.
func (c Credentials) String() string {
	var b strings.Builder
	b.WriteString("AccessKeyId=")
	if c.AccessKeyID == "" {
		b.WriteString("(none)")
	} else {
		b.WriteString(c.AccessKeyID)
	}
	if c.AccessKeySecret != "" {
		b.WriteString(" AccessKeySecret=***")
	}
	if c.SecurityToken != "" {
		b.WriteString(" SecurityToken=***")
	}
	return b.String()
}

// GoString keeps %#v as safe as %v.
func (c Credentials) GoString() string { return "consumer.Credentials{" + c.String() + "}" }

// Format makes every verb (%v, %+v, %s, %q, %x …) go through String.
func (c Credentials) Format(f fmt.State, verb rune) { fmt.Fprint(f, c.String()) }

// IsZero reports whether no key is set.
func (c Credentials) IsZero() bool { return c.AccessKeyID == "" && c.AccessKeySecret == "" }

// SourceKind says where credentials were found.
type SourceKind int

const (
	SourceNone SourceKind = iota
	SourceFlags
	SourceEnv
	SourceProfile
)

// Source says where credentials came from, for "using credentials from …"
// lines; it never carries a secret.
type Source struct {
	Kind    SourceKind
	Profile string // for SourceProfile
	Mode    string // profile mode: AK, StsToken, RamRoleArn, EcsRamRole …
	File    string // for SourceProfile
}

func (s Source) String() string {
	switch s.Kind {
	case SourceFlags:
		return "command-line flags"
	case SourceEnv:
		return "environment (ALIBABA_CLOUD_ACCESS_KEY_ID)"
	case SourceProfile:
		return fmt.Sprintf("aliyun CLI profile %q (%s) in %s", s.Profile, s.Mode, s.File)
	}
	return "none"
}

// ErrNoCredentials is returned when no source holds credentials.
var ErrNoCredentials = errors.New("no credentials: pass --access-key-id and --access-key-secret, " +
	"set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, " +
	"or configure a profile with `aliyun configure` (~/.aliyun/config.json)")

// envAliases are the environment names the Alibaba Cloud CLI accepts for each
// value, in the order it consults them.
var envAliases = struct{ id, secret, token, profile, file []string }{
	id:      []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABACLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY_ID"},
	secret:  []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABACLOUD_ACCESS_KEY_SECRET", "ALICLOUD_ACCESS_KEY_SECRET"},
	token:   []string{"ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABACLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"},
	profile: []string{"ALIBABA_CLOUD_PROFILE", "ALIBABACLOUD_PROFILE", "ALICLOUD_PROFILE"},
	file:    []string{"ALIBABA_CLOUD_CONFIG_FILE"},
}

func firstEnv(env func(string) string, names []string) (string, string) {
	for _, n := range names {
		if v := env(n); v != "" {
			return v, n
		}
	}
	return "", ""
}

// ResolveCredentials finds credentials in the order the Alibaba Cloud CLI
// and SDKs use: flags, then the ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/
// _SECURITY_TOKEN environment, then the aliyun CLI's config.json profile
// (profile, else ALIBABA_CLOUD_PROFILE, else the file's current profile).
// An explicitly named profile wins over keys in the environment: naming it
// is the more deliberate choice. env is os.Getenv in production; home is the
// user's home directory. The credentials are a snapshot; use
// ResolveProvider to keep refreshing STS credentials of role profiles.
func ResolveCredentials(flags Credentials, profile string, env func(string) string, home string) (Credentials, Source, error) {
	p, src, err := ResolveProvider(flags, profile, env, home)
	if err != nil {
		return Credentials{}, src, err
	}
	c, err := p.GetCredentials()
	if err != nil {
		return Credentials{}, src, err
	}
	return Credentials{c.AccessKeyID, c.AccessKeySecret, c.SecurityToken}, src, nil
}

// ResolveProvider is ResolveCredentials as an SDK credentials provider.
// For profiles whose mode issues STS tokens (RamRoleArn, EcsRamRole, OIDC,
// CloudSSO …) the provider refreshes them before they expire; for static
// keys it returns them unchanged.
func ResolveProvider(flags Credentials, profile string, env func(string) string, home string) (sls.CredentialsProvider, Source, error) {
	if env == nil {
		env = func(string) string { return "" }
	}
	if flags.AccessKeyID != "" || flags.AccessKeySecret != "" {
		if flags.AccessKeyID == "" {
			return nil, Source{Kind: SourceFlags}, errors.New("--access-key-secret given without --access-key-id")
		}
		if flags.AccessKeySecret == "" {
			return nil, Source{Kind: SourceFlags}, errors.New("--access-key-id given without --access-key-secret")
		}
		return static(flags), Source{Kind: SourceFlags}, nil
	}
	if profile == "" {
		id, idName := firstEnv(env, envAliases.id)
		secret, secretName := firstEnv(env, envAliases.secret)
		token, _ := firstEnv(env, envAliases.token)
		switch {
		case id != "" && secret != "":
			return static(Credentials{id, secret, token}), Source{Kind: SourceEnv}, nil
		case id != "":
			return nil, Source{Kind: SourceEnv}, fmt.Errorf("%s is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not", idName)
		case secret != "":
			return nil, Source{Kind: SourceEnv}, fmt.Errorf("%s is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not", secretName)
		}
	}
	return profileProvider(profile, env, home)
}

func static(c Credentials) sls.CredentialsProvider {
	return sls.NewStaticCredentialsProvider(c.AccessKeyID, c.AccessKeySecret, c.SecurityToken)
}

// cliConfig is the part of the aliyun CLI's config.json read here: enough to
// pick the profile and to give a precise error before the credentials library
// takes over (its own parse error would quote the whole file, secrets
// included).
type cliConfig struct {
	Current  string `json:"current"`
	Profiles []struct {
		Name            string `json:"name"`
		Mode            string `json:"mode"`
		AccessKeySecret string `json:"access_key_secret"`
		SecurityToken   string `json:"sts_token"`
	} `json:"profiles"`
}

func profileProvider(profile string, env func(string) string, home string) (sls.CredentialsProvider, Source, error) {
	explicit := profile != ""
	if profile == "" {
		profile, _ = firstEnv(env, envAliases.profile)
		explicit = profile != ""
	}
	file, _ := firstEnv(env, envAliases.file)
	if file == "" {
		if home == "" {
			return nil, Source{}, ErrNoCredentials
		}
		file = filepath.Join(home, ".aliyun", "config.json")
	}
	src := Source{Kind: SourceProfile, Profile: profile, File: file}
	data, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !explicit {
			return nil, Source{}, ErrNoCredentials
		}
		return nil, src, fmt.Errorf("read aliyun CLI config: %w", err)
	}
	var cfg cliConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, src, fmt.Errorf("parse aliyun CLI config %s: not valid JSON", file)
	}
	if profile == "" {
		profile = cfg.Current
		if profile == "" {
			profile = "default"
		}
		src.Profile = profile
	}
	var names, secrets []string
	found := false
	for _, p := range cfg.Profiles {
		names = append(names, p.Name)
		secrets = append(secrets, p.AccessKeySecret, p.SecurityToken)
		if p.Name == profile {
			found = true
			src.Mode = p.Mode
		}
	}
	if !found {
		sort.Strings(names)
		return nil, src, fmt.Errorf("profile %q not found in %s (profiles: %s)", profile, file, strings.Join(names, ", "))
	}
	inner, err := providers.NewCLIProfileCredentialsProviderBuilder().
		WithProfileFile(file).WithProfileName(profile).Build()
	if err != nil {
		return nil, src, fmt.Errorf("profile %q: %w", profile, redact(err, secrets))
	}
	p := &profileCredentials{inner: inner, profile: profile, secrets: secrets}
	// Fail now, not at the first request, when the profile cannot give keys
	// (an unsupported mode, a role that cannot be assumed).
	if _, err := p.GetCredentials(); err != nil {
		return nil, src, err
	}
	return p, src, nil
}

// profileCredentials adapts a credentials-go provider to the SDK's
// interface. credentials-go caches and refreshes STS credentials itself.
type profileCredentials struct {
	inner   providers.CredentialsProvider
	profile string
	secrets []string
}

func (p *profileCredentials) GetCredentials() (sls.Credentials, error) {
	c, err := p.inner.GetCredentials()
	if err != nil {
		return sls.Credentials{}, fmt.Errorf("credentials of profile %q: %w", p.profile, redact(err, p.secrets))
	}
	return sls.Credentials{AccessKeyID: c.AccessKeyId, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}, nil
}

// redact removes known secrets from an error text coming from a library we
// do not control.
func redact(err error, secrets []string) error {
	msg := err.Error()
	clean := msg
	for _, s := range secrets {
		if len(s) >= 4 {
			clean = strings.ReplaceAll(clean, s, "***")
		}
	}
	if clean == msg {
		return err
	}
	return errors.New(clean)
}
