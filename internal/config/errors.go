package config

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Error is a bad setting, located where the user wrote it: in the config
// file (Path and, when known, Line) or in a flag or environment variable
// (Source, e.g. "flag --theme" or "env SLSTAIL_THEME").
type Error struct {
	Path   string // config file; empty when the value came from a flag or the environment
	Line   int    // 1-based line in Path; 0 when unknown
	Source string // "flag --NAME" or "env NAME" when Path is empty
	Msg    string // what is wrong, naming the key
	Err    error  // underlying cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString("config ")
		b.WriteString(e.Path)
		if e.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Line))
		}
	} else {
		b.WriteString(e.Source)
	}
	for _, part := range []string{e.Msg, errString(e.Err)} {
		if part != "" {
			b.WriteString(": ")
			b.WriteString(part)
		}
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// joinErrors orders file errors by line, so that a file with several mistakes
// reads top to bottom, and joins them into one error (nil when there are
// none).
func joinErrors(errs []*Error) error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	all := make([]error, len(errs))
	for i, e := range errs {
		all[i] = e
	}
	if len(all) == 1 {
		return all[0]
	}
	return errors.Join(all...)
}

// JoinErrors joins the mistakes found by Load, Resolve and the caller's own
// checks of the settings (through Settings.Invalid) into one error: file
// mistakes first, top to bottom, then those of flags and the environment in
// the order given. Nested joins are flattened and nils dropped; it returns
// nil when there is nothing, and the error itself when there is one.
func JoinErrors(errs ...error) error {
	var flat []error
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		flat = append(flat, err)
	}
	for _, err := range errs {
		walk(err)
	}
	where := func(err error) (file bool, line int) {
		var e *Error
		if errors.As(err, &e) && e.Path != "" {
			return true, e.Line
		}
		return false, 0
	}
	slices.SortStableFunc(flat, func(a, b error) int {
		fa, la := where(a)
		fb, lb := where(b)
		switch {
		case fa && fb:
			return cmp.Compare(la, lb)
		case fa:
			return -1
		case fb:
			return 1
		}
		return 0
	})
	switch len(flat) {
	case 0:
		return nil
	case 1:
		return flat[0]
	}
	return errors.Join(flat...)
}

// suggest returns the candidate closest to s when it is close enough to be a
// likely typo, or "".
func suggest(s string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	// Allow about one slip per three letters, as cobra's and git's
	// suggestions do; farther than that the guess is noise.
	if bestDist < 0 || bestDist > max(1, len(s)/3) {
		return ""
	}
	return best
}

// didYouMean renders a suggestion as a message suffix.
func didYouMean(s string, candidates []string) string {
	if g := suggest(s, candidates); g != "" {
		return " (did you mean " + strconv.Quote(g) + "?)"
	}
	return ""
}

// editDistance is the optimal-string-alignment distance between a and b, in
// bytes (config keys are ASCII): Levenshtein plus adjacent transpositions,
// the commonest typo ("drak" for "dark").
func editDistance(a, b string) int {
	// d[i][j] is the distance between a[:i] and b[:j].
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
