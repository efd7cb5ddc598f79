package consumer

// Names slstail gives to consumers and to its ephemeral groups, and how it
// recognises its own groups again.
//
// A consumer name is what SLS knows a consumer by: a consumer that
// heartbeats again under the same name within the group's timeout is the
// same consumer and gets its shards back at once, while a new name waits
// until the old consumer's heartbeat times out. So a named group is joined
// as "<user>@<host>", stable across restarts on one machine; an ephemeral
// group is this process's alone, and its consumer keeps the PID.
//
// An ephemeral group's name carries its creation time, because SLS does not
// record one (ListConsumerGroup answers only name, timeout and order): with
// it, a group left behind by a crash can be told from one being created
// right now (see prune.go).

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func userName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		// Windows says DOMAIN\user; the domain adds nothing to a name
		// that already carries the host.
		name := u.Username
		if i := strings.LastIndexByte(name, '\\'); i >= 0 {
			name = name[i+1:]
		}
		if name != "" {
			return name
		}
	}
	return "user"
}

func hostName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "host"
	}
	h, _, _ = strings.Cut(h, ".")
	if h == "" {
		return "host"
	}
	return h
}

// maxConsumerLen bounds consumer names. SLS documents no limit for the
// consumer parameter of ConsumerGroupHeartBeat; 128 is the group names'
// bound, ample for user@host.
const maxConsumerLen = 128

var consumerUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.@-]+`)

// sanitizeConsumer keeps a consumer name to letters, digits and "_.@-":
// the characters slstail's names have always had, safe in a URL query and
// on a terminal.
func sanitizeConsumer(s string) string {
	s = strings.Trim(consumerUnsafe.ReplaceAllString(s, "-"), "-")
	if len(s) > maxConsumerLen {
		s = strings.TrimRight(s[:maxConsumerLen], "-")
	}
	return s
}

// DefaultConsumer is the consumer name slstail uses in a named group unless
// told otherwise: "<user>@<host>", the same for every run on this machine,
// so that a restart takes its shards back at once instead of waiting for the
// previous run's heartbeat to time out.
func DefaultConsumer() string {
	return sanitizeConsumer(userName() + "@" + hostName())
}

// ephemeralConsumer is the consumer name in an ephemeral group: the group
// belongs to this process alone, and the PID tells its runs apart in logs.
func ephemeralConsumer() string {
	return sanitizeConsumer(fmt.Sprintf("%s@%s-%d", userName(), hostName(), os.Getpid()))
}

// CheckConsumerName reports whether name can be used as a consumer name
// (--consumer): 1 to 128 letters, digits, '_', '.', '@' and '-'.
func CheckConsumerName(name string) error {
	switch {
	case name == "":
		return errors.New("consumer name is empty")
	case len(name) > maxConsumerLen:
		return fmt.Errorf("consumer name %q is too long: use at most %d characters", name, maxConsumerLen)
	case consumerUnsafe.MatchString(name):
		return fmt.Errorf("consumer name %q: use only letters, digits, '_', '.', '@' and '-'", name)
	}
	return nil
}

// groupNameRe is permissive on purpose: SLS documents no exact rule for
// consumer group names (CreateConsumerGroup says only "name"), so this only
// catches what cannot be a name.
var groupNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,126}[A-Za-z0-9]$`)

// CheckGroupName reports whether name can be a consumer group's name.
func CheckGroupName(name string) error {
	if !groupNameRe.MatchString(name) {
		return fmt.Errorf("consumer group %q: use 2-128 letters, digits, '-' and '_', starting and ending with a letter or digit", name)
	}
	return nil
}

// CheckNamedGroup reports whether name can be joined as a named group
// (--group): a name SLS can hold, and not one of the shapes slstail gives
// its ephemeral groups, which slstail deletes once they are dead. A named
// group must never look like one of those. Reading a group (lag) needs only
// CheckGroupName.
func CheckNamedGroup(name string) error {
	if err := CheckGroupName(name); err != nil {
		return err
	}
	if _, ok := parseEphemeralName(name); ok {
		return fmt.Errorf("consumer group %q: names of this shape (slstail-…-<time>-<random>) are slstail's ephemeral groups, which slstail deletes once they go unused; join a group of another name", name)
	}
	return nil
}

const (
	ephemeralPrefix = "slstail-"
	// tsLen is the width of the base-36 creation time: 7 digits cover
	// every unix second up to the year 4453.
	tsLen   = 7
	randLen = 4
	// maxEphemeralLen keeps generated names short, as they always were.
	maxEphemeralLen = 64
)

// ephemeralEpoch is older than any name of the current format: a name whose
// time says earlier was not made by slstail.
var ephemeralEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

var (
	groupPartUnsafe = regexp.MustCompile(`[^a-z0-9_]+`)
	// ephemeralRe matches "slstail-<user>-<host>-<time>-<random>": the
	// fixed widths of the last two parts tell it from the legacy format,
	// whose last part is always 8 hex digits.
	ephemeralRe = regexp.MustCompile(`^slstail-[a-z0-9_-]+-([0-9a-z]{7})-[0-9a-z]{4}$`)
	// legacyEphemeralRe is the format before creation times were encoded:
	// "slstail-<user>-<host>-<8 hex digits>".
	legacyEphemeralRe = regexp.MustCompile(`^slstail-[a-z0-9_-]+-[0-9a-f]{8}$`)
)

// groupPart lower-cases s and keeps it to what a group name may hold.
func groupPart(s string, max int, fallback string) string {
	s = strings.Trim(groupPartUnsafe.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > max {
		s = strings.TrimRight(s[:max], "-")
	}
	if s == "" {
		return fallback
	}
	return s
}

// ephemeralGroupName names a new ephemeral group:
// "slstail-<user>-<host>-<unix seconds, base 36>-<random>", at most 64
// characters.
func ephemeralGroupName(now time.Time, rnd io.Reader) string {
	var b [randLen]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		// crypto/rand does not fail on supported systems; the time still
		// makes the name unique per second.
		_, _ = io.ReadFull(rand.Reader, b[:])
	}
	suffix := make([]byte, 0, 1+tsLen+1+randLen)
	suffix = append(suffix, '-')
	ts := strconv.FormatInt(now.Unix(), 36)
	suffix = append(suffix, strings.Repeat("0", max(0, tsLen-len(ts)))...)
	suffix = append(suffix, ts...)
	suffix = append(suffix, '-')
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	for _, c := range b {
		suffix = append(suffix, digits[int(c)%len(digits)])
	}
	room := maxEphemeralLen - len(ephemeralPrefix) - len(suffix) - 1 // 1 for the dash between user and host
	u := groupPart(userName(), room/2, "user")
	h := groupPart(hostName(), room-len(u), "host")
	return ephemeralPrefix + u + "-" + h + string(suffix)
}

// parseEphemeralName recognises a name of the current ephemeral format and
// returns the creation time it encodes.
func parseEphemeralName(name string) (time.Time, bool) {
	m := ephemeralRe.FindStringSubmatch(name)
	if m == nil {
		return time.Time{}, false
	}
	sec, err := strconv.ParseInt(m[1], 36, 64)
	if err != nil {
		return time.Time{}, false
	}
	created := time.Unix(sec, 0)
	if created.Before(ephemeralEpoch) {
		return time.Time{}, false
	}
	return created, true
}

// isLegacyEphemeralName recognises the ephemeral names of slstail versions
// before creation times were encoded.
func isLegacyEphemeralName(name string) bool {
	if _, ok := parseEphemeralName(name); ok {
		return false
	}
	return legacyEphemeralRe.MatchString(name)
}
