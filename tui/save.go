package tui

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/slstail/slstail/consumer"
)

// savedMsg reports a finished save.
type savedMsg struct {
	path string
	n    int
	err  error
}

// saveCmd writes recs as JSON lines to path, refusing to overwrite a file.
// The records are a snapshot taken in Update: the ring keeps changing while
// the file is written.
func saveCmd(path string, recs []consumer.Record) tea.Cmd {
	return func() tea.Msg {
		n, err := writeJSONLines(path, recs)
		return savedMsg{path: path, n: n, err: err}
	}
}

func writeJSONLines(path string, recs []consumer.Record) (int, error) {
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, fmt.Errorf("save buffer: %w", err)
	}
	w := bufio.NewWriterSize(f, 64<<10)
	var buf []byte
	for i := range recs {
		buf = appendRecordJSON(buf[:0], &recs[i])
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

// appendRecordJSON appends one log as a JSON object in the same shape as
// slstail's --output jsonl: meta fields first, then contents in the log's
// own order (encoding/json would sort map keys).
func appendRecordJSON(b []byte, r *consumer.Record) []byte {
	b = append(b, `{"__time__":`...)
	b = strconv.AppendInt(b, r.Time.Unix(), 10)
	b = append(b, `,"__shard__":`...)
	b = strconv.AppendInt(b, int64(r.Shard), 10)
	b = append(b, `,"__topic__":`...)
	b = appendJSONString(b, r.Topic)
	b = append(b, `,"__source__":`...)
	b = appendJSONString(b, r.Source)
	for _, t := range r.Tags {
		b = append(b, ',')
		b = appendJSONString(b, "__tag__:"+t.Key)
		b = append(b, ':')
		b = appendJSONString(b, t.Value)
	}
	for _, f := range r.Fields {
		b = append(b, ',')
		b = appendJSONString(b, f.Key)
		b = append(b, ':')
		b = appendJSONString(b, f.Value)
	}
	return append(b, '}')
}
