package consumer

import (
	"time"
	"unsafe"
)

// Packed is a compacted Record in 32 bytes instead of 72, for receivers
// that keep millions of them (the TUI's buffer): the time as nanoseconds
// instead of a time.Time, the shard in 32 bits, and the fields as a
// pointer and a 32-bit length instead of a string. It holds no more than
// the Record it was packed from, and gives it back unchanged.
type Packed struct {
	group *Group
	data  *byte // the first byte of Record.data
	nanos int64
	// size is len(Record.data), with sharedBit set when the fields' keys
	// are the group's (Record.shared).
	size  uint32
	shard int32
}

const sharedBit = 1 << 31

// Pack packs a compacted record (Batch.Compact, Config.Compact, NewRecord).
// ok is false for a record still reading the SDK's decoded log (compact it
// first), and for one whose fields take 2 GiB or more (SLS caps a log far
// below that).
func Pack(r Record) (p Packed, ok bool) {
	if r.log != nil || uint64(len(r.data)) >= sharedBit {
		return Packed{}, false
	}
	p = Packed{group: r.group, data: unsafe.StringData(r.data), nanos: r.Time.UnixNano(), size: uint32(len(r.data)), shard: int32(r.Shard)}
	if r.shared {
		p.size |= sharedBit
	}
	return p, true
}

// Record unpacks p. Its Time is in the local zone, as a Session's are.
func (p Packed) Record() Record {
	return Record{Shard: int(p.shard), Time: time.Unix(0, p.nanos), group: p.group,
		data: unsafe.String(p.data, p.size&^sharedBit), shared: p.size&sharedBit != 0}
}

// Shard is the packed record's shard, without unpacking it.
func (p Packed) Shard() int { return int(p.shard) }

// IsZero reports whether p is the zero Packed (no record).
func (p Packed) IsZero() bool { return p == Packed{} }
