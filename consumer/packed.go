package consumer

import "time"

// Packed is a compacted Record in 40 bytes instead of 72, for receivers
// that keep millions of them (the TUI's buffer): the time as nanoseconds
// instead of a time.Time, the shard and field count in 32 bits. It holds no
// more than the Record it was packed from, and gives it back unchanged.
type Packed struct {
	group *Group
	data  string
	nanos int64
	shard int32
	// n is the field count, negative when the fields' keys are the
	// group's (Record.shared).
	n int32
}

// Pack packs a compacted record (Batch.Compact, Config.Compact, NewRecord).
// ok is false for a record still reading the SDK's decoded log: compact it
// first.
func Pack(r Record) (p Packed, ok bool) {
	if r.log != nil {
		return Packed{}, false
	}
	p = Packed{group: r.group, data: r.data, nanos: r.Time.UnixNano(), shard: int32(r.Shard), n: r.n}
	if r.shared {
		p.n = -p.n
	}
	return p, true
}

// Record unpacks p. Its Time is in the local zone, as a Session's are.
func (p Packed) Record() Record {
	r := Record{Shard: int(p.shard), Time: time.Unix(0, p.nanos), group: p.group, data: p.data, n: p.n}
	if p.n < 0 {
		r.n, r.shared = -p.n, true
	}
	return r
}

// Shard is the packed record's shard, without unpacking it.
func (p Packed) Shard() int { return int(p.shard) }

// IsZero reports whether p is the zero Packed (no record).
func (p Packed) IsZero() bool { return p.group == nil && p.data == "" && p.nanos == 0 && p.n == 0 }
