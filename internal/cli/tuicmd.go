package cli

import (
	"context"
	"path/filepath"

	"github.com/slstail/slstail/consumer"
	"github.com/slstail/slstail/internal/config"
	"github.com/slstail/slstail/internal/gctune"
	"github.com/slstail/slstail/themes"
	"github.com/slstail/slstail/tui"
)

// tuiSession sets what a session for the TUI needs: compacted records (the
// TUI keeps what it shows; plain output writes and drops) and the TUI's
// pulls in flight (tui.PullBudget).
func tuiSession(cfg *consumer.Config) {
	cfg.Compact = true
	cfg.PullBudget = tui.PullBudget
}

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
	if getenv("GOGC") == "" {
		defer gctune.Set(tuiGCPercent, tuiGCHeadroom)()
	}
	return tui.Run(ctx, src, opts)
}

// tuiGCPercent is the garbage collector's target for the TUI. The buffer
// is a large heap that lives long; with Go's default of 100 the heap may
// grow to twice it before a collection, so a million buffered lines cost
// their size again in memory that holds nothing (343 B of RSS a line
// instead of 259-287, ingesting 30,000 logs/s). The price is more frequent
// collections while logs arrive: at that rate 32-37 % of a core instead of
// 24 % (docs/BENCHMARKS-tui.md); none when they do not. GOGC in the
// environment wins.
//
// The percent applies to a large heap only: the heap may always grow by
// tuiGCHeadroom before a collection (gctune). At 25 % of a small heap a
// backfill's garbage made the collector run much of the time: over 256
// shards the slowest key press took 117-119 ms instead of 86-100 (issue
// 12's target 4). A million buffered lines are about 170 MB of live heap,
// where the headroom still counts; 48 MB of it would save about 15 B a
// line there, but the 256-shard backfill's p99 key latency, whose live
// heap is as large, then rose from 66-83 ms to 69-103 ms.
const (
	tuiGCPercent  = 25
	tuiGCHeadroom = 64 << 20
)
