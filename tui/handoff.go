package tui

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Hand-off: a command line that reproduces the view for a teammate, copied
// through OSC 52 as y copies a log: the same source, the same query, from
// the time of the cursor line.

// handoff is what the command reproduces.
type handoff struct {
	Profile                     string // the config profile; when set, the connection flags are left to it
	Endpoint, Project, Logstore string
	Query                       string
	From                        time.Time // the cursor line's log time; zero: from now
}

// command is the shell command line, every argument quoted for a POSIX
// shell. The time is the cursor line's, in UTC, to the second below it:
// SLS finds a start cursor by receive time, which is at or after a log's
// own time, so the cursor line is always included.
func (h handoff) command() string {
	args := []string{"slstail"}
	if h.Profile != "" {
		args = append(args, "--profile", shellQuote(h.Profile))
	} else {
		for _, f := range [][2]string{{"--endpoint", h.Endpoint}, {"--project", h.Project}, {"--logstore", h.Logstore}} {
			if f[1] != "" {
				args = append(args, f[0], shellQuote(f[1]))
			}
		}
	}
	if q := strings.TrimSpace(h.Query); q != "" {
		args = append(args, "-q", shellQuote(q))
	}
	if !h.From.IsZero() {
		args = append(args, "--from", h.From.UTC().Truncate(time.Second).Format(time.RFC3339))
	}
	return strings.Join(args, " ")
}

// shellQuote quotes s as one shell word. Words of safe characters stay
// bare; others go in single quotes, inside which nothing is special ($, `,
// \, !, " and newlines included); a quote in s closes them, is escaped and
// opens them again. A word with control characters is written $'...'
// instead (bash, zsh, ksh and busybox sh read it; dash does not), so that
// no raw escape byte reaches the clipboard and the terminal it is pasted
// into.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if isShellSafe(s) {
		return s
	}
	if strings.IndexFunc(s, unicode.IsControl) < 0 && utf8.ValidString(s) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + hexByte(s[i]))
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case unicode.IsControl(r):
			var buf [4]byte
			for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
				b.WriteString(`\x` + hexByte(c))
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('\'')
	return b.String()
}

func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// isShellSafe: letters, digits and a few punctuation marks that no shell
// treats specially in a word.
func isShellSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-_.,:/@%+=", c) >= 0:
		default:
			return false
		}
	}
	return true
}
