package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
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
	opts.Theme = keepAttributes(opts.Theme, termenv.NewOutput(os.Stdout))
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

// keepAttributes makes NO_COLOR remove colour only. Lip Gloss honours it by
// dropping every attribute, bold and reverse video included, which leaves
// search matches, the cursor line and the status bar invisible. The theme
// itself already answers NO_COLOR ("auto" is "mono" then, and an explicit
// theme wins, as no-color.org asks): under NO_COLOR it renders through a
// renderer with the terminal's own profile instead.
func keepAttributes(th themes.Theme, out *termenv.Output) themes.Theme {
	if !out.EnvNoColor() {
		return th
	}
	r := lipgloss.NewRenderer(out)
	r.SetColorProfile(out.ColorProfile()) // ColorProfile, unlike EnvColorProfile, ignores NO_COLOR
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
