package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"
	"github.com/slstail/slstail/themes"
)

// Run shows the UI full screen until the user quits or ctx is cancelled,
// then stops the source (flushing checkpoints and deleting an ephemeral
// group) and returns: the program's error, the source's start error, and
// the stop error, joined. Extra program options (input, output) are for
// tests and embedding.
func Run(ctx context.Context, src Source, opts Options, progOpts ...tea.ProgramOption) error {
	opts = opts.withDefaults()
	termName := "" // a pipe or a file gets no attributes at all
	if term.IsTerminal(os.Stdout.Fd()) {
		termName = os.Getenv("TERM")
	}
	opts.Theme = keepAttributes(opts.Theme, termenv.NewOutput(os.Stdout), termName)
	m := New(src, opts)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	m.ctx = runCtx
	all := append([]tea.ProgramOption{tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithContext(runCtx)}, progOpts...)
	_, err := tea.NewProgram(m, all...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil // a signal or the caller ended the session: not a failure
	} else if err != nil {
		err = fmt.Errorf("terminal UI: %w", err)
	}
	cancel() // aborts a Start or Restart still in flight
	m.closeDone()
	// The quit key already stopped the source; this waits for that, or
	// stops it when the program ended another way. After a second ctrl+c
	// it waits only a moment for the source to say what it left undone.
	if stopErr := waitStop(ctx, m.life, src, m.opts.StopTimeout); stopErr != nil {
		err = errors.Join(err, fmt.Errorf("stop session: %w", stopErr))
	}
	if m.fatal != nil && !errors.Is(err, m.fatal) {
		err = errors.Join(m.fatal, err)
	}
	return err
}

// keepAttributes keeps bold, underline and reverse video wherever the
// terminal can show them, because the status bar, the cursor line and search
// matches are drawn with nothing else under the mono theme. Lip Gloss drops
// every attribute in two cases where that is wrong:
//   - NO_COLOR, which is meant to remove colour only. The theme already
//     answers it ("auto" is "mono" then, and an explicit theme wins, as
//     no-color.org asks), so the terminal's own profile is used instead.
//   - a TERM that termenv rates as colourless: "screen" (tmux and GNU
//     screen without a config), "vt100", "vt220". Every one of them has
//     shown SGR attributes for decades; only "dumb" (and no TERM) cannot.
//
// term is the terminal's TERM, empty when the output is not a terminal.
func keepAttributes(th themes.Theme, out *termenv.Output, term string) themes.Theme {
	profile := out.EnvColorProfile()
	if out.EnvNoColor() {
		profile = out.ColorProfile() // ColorProfile, unlike EnvColorProfile, ignores NO_COLOR
	}
	upgrade := profile == termenv.Ascii && term != "" && term != "dumb"
	if !out.EnvNoColor() && !upgrade {
		return th
	}
	if upgrade {
		profile = termenv.ANSI
	}
	r := lipgloss.NewRenderer(out)
	r.SetColorProfile(profile)
	return th.WithRenderer(r)
}

// abandonGrace is how long Run still waits, after a second ctrl+c, for the
// stop to return its report: well within the half second the user waits.
const abandonGrace = 200 * time.Millisecond

func waitStop(ctx context.Context, lc *lifecycle, src Source, timeout time.Duration) error {
	if !lc.isAbandoned() {
		return lc.stop(ctx, src, timeout)
	}
	done := make(chan error, 1)
	go func() { done <- lc.stop(ctx, src, timeout) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("abandoned: %w", err)
		}
		return nil
	case <-time.After(abandonGrace):
		return fmt.Errorf("abandoned while stopping: the checkpoints of what was shown may not be committed, and consumer group %q may be left behind", src.Status().Group)
	}
}
