// Package tui is slstail's terminal UI: a Bubble Tea program over a consumer
// session, with a merged tail in log-time order, per-shard panes, an SPL
// editor with a preview over the buffer, a checkpoint and lag view, a
// detail view of single logs, facets (a field's top values) and a timeline
// (lines per second).
//
// Data flows one way: the Source's batch channel → one receiving tea.Cmd that
// coalesces whatever is queued (at most one message a frame) → the root,
// which acknowledges each batch and hands it to the time-order merge
// (tui/merge) → the buffer (a chunk ring) and its per-shard and filter
// indexes, as the merge releases records → View, which formats only the
// lines that fit on screen and caches them per width. What reads the whole
// buffer (facets, timeline, preview, the search's counter) runs in a
// command over a snapshot of the ring, cancelled by the next request.
//
// # Structure
//
// The root Model owns the source and the buffer and only routes and lays
// out. Every child keeps one small contract (component: Update → Cmd, View,
// SetSize, and its key bindings as a help.KeyMap): the header, the log area
// (logs: the merged tail or the panes, the detail of a line, the prompts),
// the SPL editor and the preview under it, the lag, help, facet and
// timeline overlays, and the status line. A key goes
// to a focused text field, else to an open overlay if it binds it, else to
// the global bindings, else to the log area. Children ask the root for
// things with the messages of commands (a notice, a query to apply); what
// changes where the next key goes happens inside the Update that asked: the
// facet view's and the timeline's choices (filter to a value, open the
// editor, jump to a second) are taken by the root right after the key's
// Update, never sent back as messages.
//
// # Entry points
//
// Run(ctx, src, opts) shows the UI full screen and stops the source when it
// ends; New(src, opts) builds the model for embedding and tests.
// *consumer.Session is a Source.
//
// # The screen
//
// The layout is fixed, so that a terminal test (tmux capture-pane) can read
// it line by line:
//
//	row 1        header:  " slstail  │ <endpoint> │ <project>/<logstore> │ group <group> │ ● <state>"
//	             where <state> is connecting, connected, reconnecting (attempt N), stalled (SLS not
//	             answering: requests wait, no answer for 5 s), failed or stopped;
//	             when it is too narrow, the title goes first, then the group, then the endpoint:
//	             the state and the logstore stay
//	rows 2..     the log area, one of:
//	             merged tail: "<HH:MM:SS.mmm> s<shard> key=value key=value ..." in log-time order,
//	               "s<shard> late" for a line shown out of it; the cursor line starts with "▌", a
//	               marked line (m) with "◆", the others with a space; a query change inserts
//	               "── query: <query> (<continuing|from now|from N min ago|from the beginning>) ──"
//	             panes (tab): one title per shard "s<N> · <state> · <rate>/s · lag <lag>", the focused
//	               one prefixed "▌" and showing "(i/n)"; enter zooms one, esc returns; a split or
//	               merged parent's state reads "read-only" until it is read to its end ("done"), and
//	               then its pane leaves the grid (not while zoomed into); an empty pane says why:
//	               "waiting for logs…", "N delivered, none in buffer", "held by <consumer>", or
//	               why a named group's session holds no shard (as the merged tail does)
//	             lag view (L): header "SHARD HELD BY STATE CHECKPOINT END LAG IN/S OUT/S DELIVERED
//	               IN/S TREND", one row per shard; lag prefixed "!" past the warning and "!!" past
//	               the alarm threshold (also coloured amber and red); STATE "stalled" (amber),
//	               "read-only", "done" (dimmed); HELD BY comes second when other consumers hold shards
//	             detail (enter): "shard N · <time>" then "meta" and "fields (N)" sections; long
//	               values wrap under their key (w cuts them with "…")
//	             help (?): every key with its description, a titled column per context, as many
//	               side by side as fit
//	             facets (F): "Facets · <field>", "N lines in view · M with the field · K values",
//	               "VALUE COUNT SHARE" and a row per value with a bar (the cursor's prefixed "▌"),
//	               or for a numeric field "min … p50 … p90 … p99 … max …" and a histogram
//	             timeline (T): "Timeline · lines per second in view vs matching <filter|search>",
//	               bars, an axis with "▲" under the cursor and HH:MM:SS labels, then
//	               "▲ <time> · R/s in view · R/s matching"
//	next 1-2     the SPL bar: "SPL › <query>"; while editing, a second row shows
//	               "^ L:C: message" under the error position, or "✓ valid ...", or
//	               "start from: [continue]  now  15 min ago  beginning" after enter, or
//	               "✗ rejected: <server message> (the previous query keeps running)", or "✗ failed:
//	               <error>" when the new run could not start after the old one stopped; under it, while
//	               a query is typed, the preview: "would keep N of M buffered lines · newest:" and
//	               those lines, "✗ keeps nothing of M buffered lines", or "preview cannot judge: …"
//	last row     status: " FOLLOW " or " PAUSED +N new ", "in R/s → out R/s", "lines N/CAP (M evicted)",
//	               the filter, search (with its counter "3/25") and line format when set, then a notice or the short help of
//	               the view shown; when it is too narrow, the notice stays whole and the rest goes
//	               by priority (lines, filter, search, rates, format; the help takes what is left);
//	               while a prompt (/, f, s, C) or the question of c is open it takes this row
//
// In a terminal test, send Escape on its own and pause briefly before the
// next key: an escape byte followed at once by another key reads as alt+key.
//
// Below 40×8 the screen is a single line: "too small: W×H (need 40×8)".
// Quitting shows "Stopping: flushing checkpoints and leaving the consumer
// group…" until the session has stopped. With theme "mono" or NO_COLOR set
// there is no colour, and every state above stays readable as text.
package tui
