package slsd

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// The wire format of log.proto (proto2), read and written directly: a put
// is validated without building the SDK's structs, and a pull without a
// query copies stored bytes.
//
//	message LogContent { required string Key = 1; required string Value = 2; }
//	message Log        { required uint32 Time = 1; repeated LogContent Contents = 2; optional fixed32 TimeNs = 4; }
//	message LogTag     { required string Key = 1; required string Value = 2; }
//	message LogGroup   { repeated Log Logs = 1; optional string Category = 2; optional string Topic = 3;
//	                     optional string Source = 4; optional string MachineUUID = 5; repeated LogTag LogTags = 6; }
//	message LogGroupList { repeated LogGroup LogGroups = 1; }

// wireTypes maps the field numbers of a message (1..7) to their wire types.
type wireTypes [8]struct {
	typ   protowire.Type
	known bool
}

func (w *wireTypes) of(n protowire.Number) (protowire.Type, bool) {
	if n < 1 || int(n) >= len(w) {
		return 0, false
	}
	return w[n].typ, w[n].known
}

func fieldsOf(types map[protowire.Number]protowire.Type) (w wireTypes) {
	for n, t := range types {
		w[n].typ, w[n].known = t, true
	}
	return w
}

var (
	logGroupFields = fieldsOf(map[protowire.Number]protowire.Type{1: protowire.BytesType, 2: protowire.BytesType,
		3: protowire.BytesType, 4: protowire.BytesType, 5: protowire.BytesType, 6: protowire.BytesType})
	logFields  = fieldsOf(map[protowire.Number]protowire.Type{1: protowire.VarintType, 2: protowire.BytesType, 4: protowire.Fixed32Type})
	pairFields = fieldsOf(map[protowire.Number]protowire.Type{1: protowire.BytesType, 2: protowire.BytesType})
)

// scanLogGroup checks that b is a LogGroup whose required fields are all
// set (the SDK's decoder rejects anything less) and counts its logs.
func scanLogGroup(b []byte) (logs int, err error) {
	err = scanMessage(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch num {
		case 1:
			logs++
			return scanLog(v)
		case 6:
			return scanPair(v, "LogTag")
		}
		return nil
	}, &logGroupFields)
	return logs, err
}

func scanLog(b []byte) error {
	hasTime := false
	err := scanMessage(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch num {
		case 1:
			hasTime = true
		case 2:
			return scanPair(v, "LogContent")
		}
		return nil
	}, &logFields)
	if err != nil {
		return fmt.Errorf("Log: %w", err)
	}
	if !hasTime {
		return errors.New("Log: required field Time not set")
	}
	return nil
}

func scanPair(b []byte, name string) error {
	var hasKey, hasValue bool
	err := scanMessage(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch num {
		case 1:
			hasKey = true
		case 2:
			hasValue = true
		}
		return nil
	}, &pairFields)
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", name, err)
	case !hasKey:
		return fmt.Errorf("%s: required field Key not set", name)
	case !hasValue:
		return fmt.Errorf("%s: required field Value not set", name)
	}
	return nil
}

// scanMessage walks the fields of one message, checking known fields'
// wire types; f sees each known field (v is the payload of length-delimited
// fields). Unknown fields are skipped, as proto2 decoders do.
func scanMessage(b []byte, f func(protowire.Number, protowire.Type, []byte) error, known *wireTypes) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		want, ok := known.of(num)
		if ok && want != typ {
			return fmt.Errorf("field %d has wire type %d, want %d", num, typ, want)
		}
		var v []byte
		if typ == protowire.BytesType {
			v, n = protowire.ConsumeBytes(b)
		} else {
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if ok {
			if err := f(num, typ, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// logGroup is a decoded LogGroup, for evaluating a query.
type logGroup struct {
	header []byte // Category, Topic, Source, MachineUUID and LogTags, still encoded
	topic  string
	source string
	tags   []field
	logs   []logRecord
}

type logRecord struct {
	time     uint32
	timeNs   uint32
	hasNs    bool
	contents []field
}

// decodeLogGroup decodes a LogGroup that scanLogGroup accepted.
func decodeLogGroup(b []byte, g *logGroup) error {
	g.header = g.header[:0]
	g.topic, g.source = "", ""
	g.tags = g.tags[:0]
	g.logs = g.logs[:0]
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return protowire.ParseError(m)
		}
		whole, payload := b[:n+m], b[n:n+m]
		b = b[n+m:]
		if typ != protowire.BytesType {
			continue
		}
		v, _ := protowire.ConsumeBytes(payload)
		switch num {
		case 1:
			var rec logRecord
			if err := decodeLog(v, &rec); err != nil {
				return err
			}
			g.logs = append(g.logs, rec)
			continue
		case 3:
			g.topic = string(v)
		case 4:
			g.source = string(v)
		case 6:
			k, val, err := decodePair(v)
			if err != nil {
				return err
			}
			g.tags = append(g.tags, field{Key: "__tag__:" + k, Value: val})
		}
		g.header = append(g.header, whole...)
	}
	return nil
}

func decodeLog(b []byte, rec *logRecord) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			rec.time = uint32(v)
			b = b[n:]
		case num == 2 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			k, val, err := decodePair(v)
			if err != nil {
				return err
			}
			rec.contents = append(rec.contents, field{Key: k, Value: val})
			b = b[n:]
		case num == 4 && typ == protowire.Fixed32Type:
			v, n := protowire.ConsumeFixed32(b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			rec.timeNs, rec.hasNs = v, true
			b = b[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			b = b[n:]
		}
	}
	return nil
}

func decodePair(b []byte) (k, v string, err error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return "", "", protowire.ParseError(n)
		}
		b = b[n:]
		if typ == protowire.BytesType && (num == 1 || num == 2) {
			s, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return "", "", protowire.ParseError(n)
			}
			if num == 1 {
				k = string(s)
			} else {
				v = string(s)
			}
			b = b[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return "", "", protowire.ParseError(n)
		}
		b = b[n:]
	}
	return k, v, nil
}

// appendLog appends one Log message (as field 1 of a LogGroup) to dst.
func appendLog(dst []byte, t, ns uint32, hasNs bool, contents []field) []byte {
	size := protowire.SizeTag(1) + protowire.SizeVarint(uint64(t))
	for _, f := range contents {
		size += protowire.SizeTag(2) + protowire.SizeBytes(pairSize(f))
	}
	if hasNs {
		size += protowire.SizeTag(4) + protowire.SizeFixed32()
	}
	dst = protowire.AppendTag(dst, 1, protowire.BytesType)
	dst = protowire.AppendVarint(dst, uint64(size))
	dst = protowire.AppendTag(dst, 1, protowire.VarintType)
	dst = protowire.AppendVarint(dst, uint64(t))
	for _, f := range contents {
		dst = protowire.AppendTag(dst, 2, protowire.BytesType)
		dst = protowire.AppendVarint(dst, uint64(pairSize(f)))
		dst = protowire.AppendTag(dst, 1, protowire.BytesType)
		dst = protowire.AppendString(dst, f.Key)
		dst = protowire.AppendTag(dst, 2, protowire.BytesType)
		dst = protowire.AppendString(dst, f.Value)
	}
	if hasNs {
		dst = protowire.AppendTag(dst, 4, protowire.Fixed32Type)
		dst = protowire.AppendFixed32(dst, ns)
	}
	return dst
}

func pairSize(f field) int {
	return protowire.SizeTag(1) + protowire.SizeBytes(len(f.Key)) + protowire.SizeTag(2) + protowire.SizeBytes(len(f.Value))
}

// appendListEntry appends a LogGroup (already encoded) as one entry of a
// LogGroupList.
func appendListEntry(dst, group []byte) []byte {
	dst = protowire.AppendTag(dst, 1, protowire.BytesType)
	return protowire.AppendBytes(dst, group)
}
