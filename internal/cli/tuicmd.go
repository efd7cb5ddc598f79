package cli

import (
	"context"
	"path/filepath"

	"github.com/slstail/slstail/internal/config"
	"github.com/slstail/slstail/themes"
	"github.com/slstail/slstail/tui"
)

// runTUI opens the full-screen UI on src with the resolved settings; tui.Run
// starts the source itself so that the screen shows "connecting" at once.
func runTUI(ctx context.Context, src tui.Source, set config.Settings, getenv func(string) string) error {
	theme, err := themes.ByName(orDefault(set.Theme, config.DefaultTheme))
	if err != nil {
		return usageError(set.Invalid("theme", err))
	}
	km, err := keyMap(set)
	if err != nil {
		return err
	}
	opts := tui.Options{
		Endpoint:  set.Endpoint,
		Project:   set.Project,
		Logstore:  set.Logstore,
		Group:     set.Group,
		Query:     set.Query,
		Theme:     theme,
		Keys:      &km,
		BufferCap: set.BufferLines,
		MergeHold: set.MergeHold,
		Profile:   set.Profile,
	}
	if set.MergeHold == 0 {
		opts.MergeHold = -1 // merge_hold = "0": show lines as they come, not the default hold
	}
	for _, r := range set.Highlight {
		opts.Highlight = append(opts.Highlight, r.Rule())
	}
	if dir, err := ensureStateDir(getenv); err == nil {
		opts.HistoryFile = filepath.Join(dir, "history")
	}
	return tui.Run(ctx, src, opts)
}
