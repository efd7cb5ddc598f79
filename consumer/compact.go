package consumer

import "unsafe"

// chunkSize is the size of the blocks that hold compacted fields: big
// enough that a pull of thousands of logs is a handful of objects, small
// enough that a log group's logs are written while still in cache.
const chunkSize = 64 << 10

// Compact moves the fields of the batch's records out of the SDK's decoded
// logs into a few pointer-free blocks shared by the batch, after which the
// SDK's objects (two allocations a field) are garbage. Receivers that keep
// records call it before keeping them; it changes no record's content. It
// modifies the batch's Records in place: call it before sharing them.
// Records delivered by a Session share its value dictionary (see
// valueDict); others are compacted without one.
func (b *Batch) Compact() { compact(b.Records, b.dict) }

// compact compacts recs in place, interning repeating values in d (nil:
// none).
func compact(recs []Record, d *valueDict) {
	bld := chunkBuilder{dict: d}
	if d != nil {
		d.mu.Lock()
		defer d.mu.Unlock()
	}
	var from, to *Group
	for i := range recs {
		r := &recs[i]
		if r.log == nil {
			continue // compacted already, or built by NewRecord
		}
		if r.group != from {
			// A new Group, not a change to the old one: another receiver
			// may hold records of it.
			from = r.group
			to = compactGroup(from, r, d)
			bld.newGroup(to)
		}
		bld.add(r, to)
	}
	bld.seal()
}

// compactGroup copies g and records the keys of r, its group's first log.
func compactGroup(g *Group, r *Record, d *valueDict) *Group {
	c := &Group{}
	if g != nil {
		*c = *g
	}
	c.dict = d
	c.keys = make([]string, len(r.log.Contents))
	for i, f := range r.log.Contents {
		c.keys[i] = f.GetKey()
	}
	return c
}

// chunkBuilder writes records' fields into the current chunk. A record's
// data is set when its chunk is sealed: until then the chunk may still be
// reallocated by a large log.
type chunkBuilder struct {
	chunk  []byte
	recs   []*Record // the records whose fields are in chunk
	starts []int     // where each of those records' fields begin in chunk
	dict   *valueDict
	stats  []*keyStats // the dictionary's trial records of the group's keys
}

// newGroup looks up, once per log group, the trial records of its keys.
func (b *chunkBuilder) newGroup(g *Group) {
	if b.dict == nil {
		return
	}
	b.stats = b.stats[:0]
	for _, k := range g.keys {
		b.stats = append(b.stats, b.dict.stats(k))
	}
}

func (b *chunkBuilder) add(r *Record, g *Group) {
	if b.chunk == nil {
		b.chunk = make([]byte, 0, chunkSize)
	}
	cs := r.log.Contents
	shared := len(cs) == len(g.keys)
	for i := 0; shared && i < len(cs); i++ {
		shared = cs[i].GetKey() == g.keys[i]
	}
	b.recs = append(b.recs, r)
	b.starts = append(b.starts, len(b.chunk))
	for i, c := range cs {
		if !shared {
			b.chunk = appendField(b.chunk, c.GetKey())
		}
		if b.dict != nil {
			var s *keyStats
			if shared {
				s = b.stats[i]
			} else {
				s = b.dict.stats(c.GetKey())
			}
			if idx, ok := b.dict.ref(s, c.GetValue()); ok {
				b.chunk = appendRef(b.chunk, idx)
				continue
			}
		}
		b.chunk = appendField(b.chunk, c.GetValue())
	}
	r.group, r.log, r.shared = g, nil, shared
	if cap(b.chunk)-len(b.chunk) < chunkSize/32 {
		b.seal()
	}
}

// seal hands the current chunk to its records. A mostly empty chunk (the
// last of a small batch) is copied to its size, so that a live tail's
// small batches do not each keep 64 KiB.
func (b *chunkBuilder) seal() {
	if len(b.recs) == 0 {
		return
	}
	var s string
	if len(b.chunk) < cap(b.chunk)/2 {
		s = string(b.chunk)
	} else {
		// The chunk is never written again: the string is its sole owner.
		s = unsafe.String(unsafe.SliceData(b.chunk), len(b.chunk))
	}
	for i, r := range b.recs {
		end := len(s)
		if i+1 < len(b.recs) {
			end = b.starts[i+1]
		}
		r.data = s[b.starts[i]:end]
	}
	clear(b.recs)
	b.recs, b.starts, b.chunk = b.recs[:0], b.starts[:0], nil
}
