package consumer

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/DeRuina/timberjack"
	"github.com/go-kit/kit/log"
	"github.com/go-kit/kit/log/level"
)

// sdkLogger returns the logger handed to the consumer library. The library
// logs to stdout unless given one, which would tear a TUI apart; here its
// lines go to a size-rotated file, or nowhere. The closer stops the rotating
// writer's goroutine.
func sdkLogger(path string) (log.Logger, io.Closer, error) {
	if path == "" {
		return log.NewNopLogger(), io.NopCloser(nil), nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("SDK log directory: %w", err)
	}
	w := &timberjack.Logger{Filename: path, MaxSize: 10, MaxBackups: 3, Compress: true}
	l := log.NewLogfmtLogger(log.NewSyncWriter(w))
	l = level.NewFilter(l, level.AllowInfo())
	l = log.With(l, "time", log.DefaultTimestampUTC)
	return l, w, nil
}

// sdkLog writes one of the session's own housekeeping problems (nothing the
// user needs to act on) to the SDK's log, if there is one.
func (s *Session) sdkLog(msg string, err error) {
	if s.logger != nil {
		level.Warn(s.logger).Log("msg", "slstail: "+msg, "err", err)
	}
}
