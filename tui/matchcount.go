package tui

import (
	"context"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
)

// matchCount is the search's match counter for the status line ("3/25":
// the cursor is at or after the 3rd of 25 matches, oldest first). It keeps
// the seqs of the matching lines in view, so that a frame costs a binary
// search, never a scan: the buffer is counted once per new pattern or view
// (in a command, off the Update loop), then kept up to date line by line as
// lines arrive and are evicted.
//
// The root calls reset when the search, the local filter or the active view
// changes, add for every line it appends, trim after evictions, and routes
// matchCountMsg back to onResult.
type matchCount struct {
	search *matcher
	view   lineFilter
	seqs   seqList
	upto   uint64 // seqs covers every line below upto
	ready  bool
	jobs   jobRunner
}

// matchCountMsg is a finished count of a snapshot.
type matchCountMsg struct {
	id   uint64
	seqs []uint64
	upto uint64
}

// reset starts counting search's matches among the lines of view in snap,
// which it releases when done. A nil search stops counting.
func (c *matchCount) reset(search *matcher, view lineFilter, snap *bufSnap) tea.Cmd {
	c.search, c.view = search, view
	c.seqs.reset()
	c.ready = false
	if search == nil {
		c.jobs.stop()
		snap.release()
		return nil
	}
	return c.jobs.start(func(ctx context.Context, id uint64) tea.Msg {
		defer snap.release()
		seqs, ok := countMatches(ctx, snap, search, view)
		if !ok {
			return nil
		}
		return matchCountMsg{id: id, seqs: seqs, upto: snap.next}
	})
}

func countMatches(ctx context.Context, snap *bufSnap, search *matcher, view lineFilter) ([]uint64, bool) {
	var seqs []uint64
	ok := true
	snap.runs(func(first uint64, es []entry) bool {
		if ctx.Err() != nil {
			ok = false
			return false
		}
		for i := range es {
			if e := &es[i]; view.keep(e) && search.matchEntry(e) {
				seqs = append(seqs, first+uint64(i))
			}
		}
		return true
	})
	return seqs, ok
}

// onResult takes a finished count, then counts the lines that arrived
// while it ran (at most what a few frames bring). buf is the live buffer.
func (c *matchCount) onResult(msg matchCountMsg, buf *chunkRing) {
	if !c.jobs.take(msg.id) {
		return
	}
	c.seqs = seqListOf(msg.seqs)
	c.upto = msg.upto
	c.ready = true
	c.trim(buf.first)
	for seq := max(c.upto, buf.first); seq < buf.next; seq++ {
		c.add(seq, buf.at(seq))
	}
}

// add counts one appended line.
func (c *matchCount) add(seq uint64, e *entry) {
	if !c.ready || seq < c.upto {
		return
	}
	c.upto = seq + 1
	if c.view.keep(e) && c.search.matchEntry(e) {
		c.seqs.push(seq)
	}
}

// catchUp counts the lines appended to buf since the last call and forgets
// the evicted ones: a batch's lines, in the Update that appended them.
func (c *matchCount) catchUp(buf *chunkRing) {
	c.trim(buf.first)
	if !c.ready {
		return // the count in flight catches up when it lands
	}
	for seq := max(c.upto, buf.first); seq < buf.next; seq++ {
		c.add(seq, buf.at(seq))
	}
}

// trim forgets the matches that were evicted.
func (c *matchCount) trim(first uint64) { c.seqs.trim(first) }

// position is the number of matches at or before cursor, and the total.
func (c *matchCount) position(cursor uint64) (n, total int) {
	return c.seqs.Pos(cursor + 1), c.seqs.Len()
}

// label is the counter as the status line shows it: "3/25", "0/25" above
// the first match, "…" while counting, "" without a search.
func (c *matchCount) label(cursor uint64) string {
	switch {
	case c.search == nil:
		return ""
	case !c.ready:
		return "…"
	}
	n, total := c.position(cursor)
	return strconv.Itoa(n) + "/" + formatCount(total)
}
