package tui

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
)

// savedMsg reports a finished save.
type savedMsg struct {
	path  string
	n     int
	scope string // which lines: "", "matching …", "of shard N"
	err   error
}

// saveCmd writes recs as JSON lines to path, refusing to overwrite a file.
// The records are a snapshot taken in Update: the ring keeps changing while
// the file is written.
func saveCmd(path string, recs []consumer.Record, scope string) tea.Cmd {
	return func() tea.Msg {
		n, err := writeJSONLines(path, recs)
		return savedMsg{path: path, n: n, scope: scope, err: err}
	}
}

func writeJSONLines(path string, recs []consumer.Record) (int, error) {
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	// Logs carry what should not be world-readable (tokens in URIs, user
	// ids): only the user may read the file.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("save buffer: %w", err)
	}
	w := bufio.NewWriterSize(f, 64<<10)
	var buf []byte
	for i := range recs {
		buf = recs[i].AppendJSON(buf[:0])
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			f.Close()
			return i, fmt.Errorf("save buffer to %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return len(recs), fmt.Errorf("save buffer to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return len(recs), fmt.Errorf("save buffer to %s: %w", path, err)
	}
	return len(recs), nil
}
