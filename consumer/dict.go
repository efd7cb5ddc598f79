package consumer

import (
	"sync"
	"sync/atomic"
)

// valueDict interns the values that repeat from log to log — methods,
// statuses, hosts, regions, user agents — so that a compacted record stores
// a reference of a byte or three instead of their text. In a typical access
// log these are two thirds of the bytes.
//
// Whether a field's values are worth interning is learned per field name:
// a field whose values rarely repeat (request ids, timestamps) stops being
// looked up after a short trial, so unique values neither bloat the
// dictionary nor cost a lookup. A dictionary holds at most dictMaxEntries
// values; a full one is replaced by a fresh one for later compactions,
// while records compacted against it keep it alive through their Group, so
// memory stays bounded however long a session runs.
//
// Compaction (writing) holds mu; reading a record's values takes no lock:
// entries are written once, before the record that refers to them is
// handed to anyone, in pages published atomically.
type valueDict struct {
	mu    sync.Mutex
	index map[string]uint32
	n     uint32
	size  int // bytes of interned text
	pages [dictMaxEntries / dictPageSize]atomic.Pointer[dictPage]
	keys  map[string]*keyStats
	// maxEntries and maxBytes bound the dictionary (dictMaxEntries and
	// dictMaxBytes; tests lower them).
	maxEntries uint32
	maxBytes   int
}

const (
	dictPageSize   = 1024
	dictMaxEntries = 256 * dictPageSize
	dictMaxBytes   = 32 << 20
	// dictMaxValue is the longest value interned: long values are rarely
	// repeated byte for byte, and a reference saves little on a short one.
	dictMinValue = 3
	dictMaxValue = 1024
	// A field's trial: after keyWindow lookups, a field that found fewer
	// than a quarter of its values already interned is no longer interned.
	keyWindow = 1024
)

type dictPage [dictPageSize]string

// keyStats is one field name's record in the current trial window.
type keyStats struct {
	attempts, hits uint32
	off            bool // the field's values do not repeat: store them inline
}

func newValueDict() *valueDict {
	return &valueDict{index: make(map[string]uint32), keys: make(map[string]*keyStats),
		maxEntries: dictMaxEntries, maxBytes: dictMaxBytes}
}

// full reports whether the dictionary takes no more values.
func (d *valueDict) full() bool {
	return d.n >= d.maxEntries || d.size >= d.maxBytes
}

// stats returns the trial record of a field name; mu must be held.
func (d *valueDict) stats(key string) *keyStats {
	s := d.keys[key]
	if s == nil {
		if d.keys == nil || len(d.keys) >= 4096 {
			// Retired (see retire), or logs whose keys are ids: not a
			// shape worth learning.
			return &keyStats{off: true}
		}
		s = &keyStats{}
		d.keys[key] = s
	}
	return s
}

// ref returns the reference of v, interning it if the field's values tend
// to repeat; ok is false when v is to be stored inline. mu must be held.
func (d *valueDict) ref(s *keyStats, v string) (idx uint32, ok bool) {
	if s.off || len(v) < dictMinValue || len(v) > dictMaxValue {
		return 0, false
	}
	s.attempts++
	idx, ok = d.index[v]
	if ok {
		s.hits++
	} else if !d.full() {
		idx, ok = d.add(v), true
	}
	if s.attempts == keyWindow {
		s.off = s.hits < keyWindow/4
		s.attempts, s.hits = 0, 0
	}
	return idx, ok
}

func (d *valueDict) add(v string) uint32 {
	idx := d.n
	p := d.pages[idx/dictPageSize].Load()
	if p == nil {
		p = new(dictPage)
		d.pages[idx/dictPageSize].Store(p)
	}
	// A copy: v may point into the SDK's decode buffers, which this entry
	// must not keep alive.
	v = string([]byte(v))
	p[idx%dictPageSize] = v
	d.index[v] = idx
	d.n++
	d.size += len(v)
	return idx
}

// retire drops what only interning needs, once d takes no more values:
// records compacted against it keep it alive for as long as they are
// buffered, and its index map was a third of its memory (a million demo
// logs in the TUI kept 19.5 MB of index in the dictionaries of older
// records). Reading needs only the pages. mu must be held.
func (d *valueDict) retire() {
	d.index, d.keys = nil, nil
}

// value returns entry idx; safe without mu for any idx a record refers to.
func (d *valueDict) value(idx uint32) string {
	return d.pages[idx/dictPageSize].Load()[idx%dictPageSize]
}

// dictHolder hands out the dictionary compactions write to, replacing a
// full one. It is shared by every run of a Session.
type dictHolder struct {
	mu sync.Mutex
	d  *valueDict
}

func (h *dictHolder) get() *valueDict {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.d != nil {
		h.d.mu.Lock()
		full := h.d.full()
		if full {
			h.d.retire()
		}
		h.d.mu.Unlock()
		if !full {
			return h.d
		}
	}
	h.d = newValueDict()
	return h.d
}
