package consumer

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends r as one JSON object, the shape of `--output jsonl` and
// of the TUI's saved buffers: __time__ and __shard__ as numbers, __topic__,
// __source__, __tag__:KEY for each tag, then the fields in the log's own
// order (encoding/json would sort map keys). Every value is a string.
func (r *Record) AppendJSON(b []byte) []byte {
	b = append(b, `{"__time__":`...)
	b = strconv.AppendInt(b, r.Time.Unix(), 10)
	b = append(b, `,"__shard__":`...)
	b = strconv.AppendInt(b, int64(r.Shard), 10)
	b = append(b, `,"__topic__":`...)
	b = AppendJSONString(b, r.Topic())
	b = append(b, `,"__source__":`...)
	b = AppendJSONString(b, r.Source())
	for _, t := range r.Tags() {
		b = append(b, ',')
		b = AppendJSONString(b, "__tag__:"+t.Key)
		b = append(b, ':')
		b = AppendJSONString(b, t.Value)
	}
	for k, v := range r.Fields() {
		b = append(b, ',')
		b = AppendJSONString(b, k)
		b = append(b, ':')
		b = AppendJSONString(b, v)
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD
// and every control character (C0, DEL and C1) is escaped, so the output is
// valid JSON and carries no raw terminal control character.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r < 0xa0: // C1 controls: U+009B is CSI to some terminals
			b = append(b, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
