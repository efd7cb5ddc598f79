package consumer

import (
	"strconv"

	"github.com/slstail/slstail/internal/textsafe"
)

// AppendJSON appends r as one JSON object, the shape of `--output jsonl` and
// of the TUI's saved buffers: __time__ and __shard__ as numbers, __topic__,
// __source__, __tag__:KEY for each tag, then the fields in the log's own
// order (encoding/json would sort map keys). Every value is a string,
// escaped by textsafe's policy: the line is valid JSON and safe to print.
func (r *Record) AppendJSON(b []byte) []byte {
	b = append(b, `{"__time__":`...)
	b = strconv.AppendInt(b, r.Time.Unix(), 10)
	b = append(b, `,"__shard__":`...)
	b = strconv.AppendInt(b, int64(r.Shard), 10)
	b = append(b, `,"__topic__":`...)
	b = textsafe.AppendJSONString(b, r.Topic())
	b = append(b, `,"__source__":`...)
	b = textsafe.AppendJSONString(b, r.Source())
	for _, t := range r.Tags() {
		b = append(b, ',')
		b = textsafe.AppendJSONString(b, "__tag__:"+t.Key)
		b = append(b, ':')
		b = textsafe.AppendJSONString(b, t.Value)
	}
	for k, v := range r.Fields() {
		b = append(b, ',')
		b = textsafe.AppendJSONString(b, k)
		b = append(b, ':')
		b = textsafe.AppendJSONString(b, v)
	}
	return append(b, '}')
}
