package consumer

import (
	"bytes"
	"crypto/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEphemeralGroupNameCarriesItsCreationTime(t *testing.T) {
	now := time.Date(2026, 12, 2, 6, 15, 18, 0, time.UTC)
	name := ephemeralGroupName(now, rand.Reader)
	if !strings.HasPrefix(name, "slstail-") || len(name) > maxEphemeralLen || !groupNameRe.MatchString(name) {
		t.Fatalf("name %q: want slstail-…, at most %d characters, a valid group name", name, maxEphemeralLen)
	}
	created, ok := parseEphemeralName(name)
	if !ok || !created.Equal(now) {
		t.Fatalf("parse %q = %v, %v; want %v", name, created, ok, now)
	}
	if isLegacyEphemeralName(name) {
		t.Errorf("%q taken for a legacy name", name)
	}
	// Two names of one second differ by their random part.
	if a, b := ephemeralGroupName(now, rand.Reader), ephemeralGroupName(now, rand.Reader); a == b {
		t.Errorf("two names in one second are equal: %q", a)
	}
	// Deterministic randomness gives a deterministic suffix.
	if got := ephemeralGroupName(now, bytes.NewReader([]byte{0, 1, 35, 36})); !strings.HasSuffix(got, "-01z0") {
		t.Errorf("suffix of %q, want -01z0", got)
	}
}

func TestGroupNameFormatsAreTold(t *testing.T) {
	for _, tc := range []struct {
		name             string
		current, legacy  bool
		reservedForNamed bool
	}{
		{"slstail-root-vm-54e9d170", false, true, false},        // slstail before creation times
		{"slstail-jane-web-01-1a2b3c4d", false, true, false},    // a dash in the host
		{"slstail-jane-web-01-0tnf6wu-k3x9", true, false, true}, // current
		{"slstail-staging", false, false, false},                // the README's named group
		{"billing-etl", false, false, false},
		{"slstail-a-b-0000001-abcd", false, false, false}, // a time before the format existed
		{"slstail-a-b-0sx5hc0-abcd", false, false, false}, // 2025: before it too
		{"slstail-a-b-0TNF6WU-k3x9", false, false, false}, // not lower case: not ours
		{"slstail-a-b-0tnf6wu-k3x9z", false, false, false},
	} {
		_, current := parseEphemeralName(tc.name)
		if current != tc.current || isLegacyEphemeralName(tc.name) != tc.legacy {
			t.Errorf("%s: current %v legacy %v, want %v %v", tc.name, current, isLegacyEphemeralName(tc.name), tc.current, tc.legacy)
		}
		if err := CheckNamedGroup(tc.name); (err != nil) != tc.reservedForNamed {
			t.Errorf("CheckNamedGroup(%s) = %v", tc.name, err)
		}
		if err := CheckGroupName(tc.name); err != nil {
			t.Errorf("CheckGroupName(%s) = %v: any of these can be read", tc.name, err)
		}
	}
}

func TestConsumerNames(t *testing.T) {
	def := DefaultConsumer()
	if strings.Contains(def, "-"+strconv.Itoa(os.Getpid())) || !strings.Contains(def, "@") || CheckConsumerName(def) != nil {
		t.Errorf("DefaultConsumer() = %q: want a valid user@host without the PID", def)
	}
	if e := ephemeralConsumer(); !strings.HasPrefix(e, def+"-") || CheckConsumerName(e) != nil {
		t.Errorf("ephemeralConsumer() = %q: want %q-<pid>", e, def)
	}
	if got := sanitizeConsumer(`jane doe@my host/1`); got != "jane-doe@my-host-1" {
		t.Errorf("sanitize: %q", got)
	}
	for _, bad := range []string{"", "jane doe", "a/b", strings.Repeat("x", 129)} {
		if CheckConsumerName(bad) == nil {
			t.Errorf("CheckConsumerName(%q) accepted", bad)
		}
	}
	cfg := Config{Project: "p", Logstore: "l", Credentials: Credentials{AccessKeyID: "k", AccessKeySecret: "s"}}
	for _, tc := range []struct{ group, consumer, want string }{
		{"oncall", "", def},
		{"", "", ephemeralConsumer()},
		{"oncall", "jane-laptop", "jane-laptop"},
	} {
		c := cfg
		c.Group, c.Consumer = tc.group, tc.consumer
		got, err := c.withDefaults()
		if err != nil || got.Consumer != tc.want {
			t.Errorf("group %q consumer %q: got %q, %v; want %q", tc.group, tc.consumer, got.Consumer, err, tc.want)
		}
	}
}
