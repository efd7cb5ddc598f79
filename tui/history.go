package tui

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// maxHistory bounds the persisted query history.
const maxHistory = 500

// history is the list of applied queries, oldest first.
type history struct {
	path    string
	entries []string
}

type historyLoadedMsg struct {
	entries []string
	err     error
}

type historySavedMsg struct{ err error }

// loadHistory reads the history file; a missing file is an empty history.
func loadHistory(path string) tea.Cmd {
	if path == "" {
		return nil
	}
	return func() tea.Msg {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			return historyLoadedMsg{}
		}
		if err != nil {
			return historyLoadedMsg{err: fmt.Errorf("read query history: %w", err)}
		}
		defer f.Close()
		var entries []string
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				entries = append(entries, line)
			}
		}
		if err := sc.Err(); err != nil {
			return historyLoadedMsg{err: fmt.Errorf("read query history %s: %w", path, err)}
		}
		return historyLoadedMsg{entries: entries}
	}
}

// add records q as the newest entry (moving it if it was there) and returns
// a command that persists the history.
func (h *history) add(q string) tea.Cmd {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	for i, e := range h.entries {
		if e == q {
			h.entries = append(h.entries[:i], h.entries[i+1:]...)
			break
		}
	}
	h.entries = append(h.entries, q)
	if len(h.entries) > maxHistory {
		h.entries = h.entries[len(h.entries)-maxHistory:]
	}
	if h.path == "" {
		return nil
	}
	path, entries := h.path, append([]string(nil), h.entries...)
	return func() tea.Msg { return historySavedMsg{err: writeHistory(path, entries)} }
}

// writeHistory replaces the file atomically, so that two slstail processes
// quitting together leave one of the histories, never a mix.
func writeHistory(path string, entries []string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save query history: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".history-*")
	if err != nil {
		return fmt.Errorf("save query history: %w", err)
	}
	w := bufio.NewWriter(tmp)
	for _, e := range entries {
		w.WriteString(e)
		w.WriteByte('\n')
	}
	err = w.Flush()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save query history %s: %w", path, err)
	}
	return nil
}
