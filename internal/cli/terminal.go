package cli

import (
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// isTerminal reports whether w is a terminal (a console on Windows).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// outputChoice is what decides between the TUI and plain output, for every
// command that can show either.
type outputChoice struct {
	format   string // -o
	template string // --template
	max      int64  // --max
	until    string // --until
}

// plain reports whether to write plain output to out instead of opening the
// TUI. --max and --until end a run, which only plain output does: on a
// terminal they mean "print these logs and exit", as kcat -c does.
func (c outputChoice) plain(out io.Writer) bool {
	return c.format != "" || c.template != "" || c.max > 0 || c.until != "" || !isTerminal(out)
}
