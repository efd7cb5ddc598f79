package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/slstail/slstail/spl"
)

func newSplCmd(s Env) *cobra.Command {
	return &cobra.Command{
		Use:   "spl QUERY [FILE]",
		Short: "Run an SPL query over JSON lines offline",
		Long: `spl evaluates an SPL query the way SLS does during consumption, over logs read as
JSON lines (one object a log, string values) from FILE or stdin, and writes the
resulting logs as JSON lines in field order, shaped as tail --output jsonl
writes them (__time__ and __shard__ as numbers). Use it to try a query on a
sample before tailing with it.

A query error exits 2 with its line and column; a bad input line is reported
with its line number on stderr and skipped.`,
		Example: `  slstail spl '* | where cast(status as bigint) >= 500' access.jsonl
  slstail tail --output jsonl --max 1000 > sample.jsonl
  slstail spl '* | extend ms = cast(request_time as double) * 1000 | project uri, ms' sample.jsonl`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			prog, err := spl.Compile(args[0])
			if err != nil {
				return usageError(queryError(args[0], err))
			}
			in := s.In
			if len(args) == 2 && args[1] != "-" {
				f, err := os.Open(args[1])
				if err != nil {
					return usageError(err)
				}
				defer f.Close()
				in = f
			}
			_, err = spl.FilterJSONLines(cmd.Context(), prog, in, s.Out, s.Err)
			return flushOrEPIPE(err)
		},
	}
}

// queryError renders a query error with the query line and a caret under the
// offending text, as SLS's console does.
func queryError(query string, err error) error {
	var e *spl.Error
	if errors.As(err, &e) {
		return fmt.Errorf("query %s", e.Caret(query))
	}
	return fmt.Errorf("query: %w", err)
}
