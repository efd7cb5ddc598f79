package consumer

import (
	"encoding/binary"
	"iter"
	"time"
)

// NewRecord builds a record from its parts, for receivers' tests and for
// sources other than a Session (which builds records in bulk). g may be nil.
func NewRecord(shard int, t time.Time, g *Group, fields ...Field) Record {
	size := 0
	for _, f := range fields {
		size += len(f.Key) + len(f.Value) + 2*binary.MaxVarintLen32
	}
	b := make([]byte, 0, size)
	for _, f := range fields {
		b = appendField(b, f.Key)
		b = appendField(b, f.Value)
	}
	return Record{Shard: shard, Time: t, group: g, data: string(b)}
}

// A compacted field is a uvarint tag, then for text its bytes: the tag is
// the length shifted left by one, or for a value interned in the group's
// valueDict its index shifted left by one with the low bit set.

// appendField appends s as text.
func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s))<<1)
	return append(b, s...)
}

// appendRef appends a reference to entry idx of the dictionary.
func appendRef(b []byte, idx uint32) []byte {
	return binary.AppendUvarint(b, uint64(idx)<<1|1)
}

// nextField splits the first field off d; dict resolves references (keys
// are never interned, and records compacted without a dictionary hold
// none). It decodes the uvarint itself because binary.Uvarint takes a
// []byte, and converting the string would copy it on every field read. The
// encoding is the Session's own, so a malformed d is a bug: it panics (index
// out of range) rather than hiding it.
func nextField(d string, dict *valueDict) (field, rest string) {
	tag, w := readTag(d)
	if tag&1 != 0 {
		return dict.value(uint32(tag >> 1)), d[w:]
	}
	n := int(tag >> 1)
	return d[w : w+n], d[w+n:]
}

// skipField is nextField for a field that is not read.
func skipField(d string) (rest string) {
	tag, w := readTag(d)
	if tag&1 != 0 {
		return d[w:]
	}
	return d[w+int(tag>>1):]
}

// readTag decodes the uvarint tag that begins d, and its width.
func readTag(d string) (tag uint64, w int) {
	tag, w = uint64(d[0]), 1
	if tag < 0x80 {
		return tag, w
	}
	var x uint64
	var s uint
	for w = 0; ; w++ {
		c := d[w]
		if c < 0x80 {
			return x | uint64(c)<<s, w + 1
		}
		x |= uint64(c&0x7f) << s
		s += 7
	}
}

// Group is the log group the record came in; nil for records built
// without one.
func (r Record) Group() *Group { return r.group }

// Topic is the log group's topic.
func (r Record) Topic() string {
	if r.group == nil {
		return ""
	}
	return r.group.Topic
}

// Source is the log group's source (usually the producer's IP).
func (r Record) Source() string {
	if r.group == nil {
		return ""
	}
	return r.group.Source
}

// Tags are the log group's tags, without the __tag__: prefix. Receivers
// must not modify them: they are shared by the logs of the group.
func (r Record) Tags() []Field {
	if r.group == nil {
		return nil
	}
	return r.group.Tags
}

// Receive is when SLS received the log's group; zero when the logstore does
// not record it.
func (r Record) Receive() time.Time {
	if r.group == nil {
		return time.Time{}
	}
	return r.group.Receive
}

// NumFields is how many fields the log has.
func (r Record) NumFields() int {
	switch {
	case r.log != nil:
		return len(r.log.Contents)
	case r.shared:
		return len(r.group.keys)
	}
	return countFields(r.data)
}

// countFields counts the key-value pairs of compacted data whose keys are
// its own.
func countFields(d string) int {
	n := 0
	for len(d) > 0 {
		d = skipField(skipField(d))
		n++
	}
	return n
}

// Fields yields the log's fields in their order. The strings share the
// record's storage: keeping one keeps that storage, not a copy.
func (r Record) Fields() iter.Seq2[string, string] {
	return func(yield func(key, value string) bool) {
		if r.log != nil {
			for _, c := range r.log.Contents {
				if !yield(c.GetKey(), c.GetValue()) {
					return
				}
			}
			return
		}
		d := r.data
		var dict *valueDict
		if r.group != nil {
			dict = r.group.dict
		}
		var k, v string
		for i := 0; len(d) > 0; i++ {
			if r.shared {
				k = r.group.keys[i]
			} else {
				k, d = nextField(d, nil)
			}
			v, d = nextField(d, dict)
			if !yield(k, v) {
				return
			}
		}
	}
}

// Get returns the value of the first field named key.
func (r Record) Get(key string) (string, bool) {
	for k, v := range r.Fields() {
		if k == key {
			return v, true
		}
	}
	return "", false
}

// AppendFields appends the log's fields to dst, for code that wants them
// as a slice (a detail view, tests); the hot paths iterate Fields.
func (r Record) AppendFields(dst []Field) []Field {
	for k, v := range r.Fields() {
		dst = append(dst, Field{Key: k, Value: v})
	}
	return dst
}
