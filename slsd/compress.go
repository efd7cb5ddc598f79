package slsd

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// codecs holds the compressors, created on first use and closed with the
// server (zstd coders own goroutines).
type codecs struct {
	lz4 sync.Pool // *lz4.Compressor; its hash table is worth reusing

	zstdOnce sync.Once
	zenc     *zstd.Encoder
	zdec     *zstd.Decoder
	zerr     error
}

func (cd *codecs) zstd() (*zstd.Encoder, *zstd.Decoder, error) {
	cd.zstdOnce.Do(func() {
		cd.zenc, cd.zerr = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
		if cd.zerr != nil {
			return
		}
		// Decoding is bounded by the capacity of the buffer given to
		// DecodeAll, which grows with the data (see decompressBody).
		cd.zdec, cd.zerr = zstd.NewReader(nil, zstd.WithDecodeAllCapLimit(true), zstd.WithDecoderMaxMemory(maxBody))
	})
	return cd.zenc, cd.zdec, cd.zerr
}

func (cd *codecs) close() {
	cd.zstdOnce.Do(func() {}) // no zstd use may start after this
	if cd.zenc != nil {
		cd.zenc.Close()
	}
	if cd.zdec != nil {
		cd.zdec.Close()
	}
}

// compressLZ4 appends src as one raw LZ4 block (no frame, no size prefix:
// the SDK's format) to dst.
func (cd *codecs) compressLZ4(dst, src []byte) ([]byte, error) {
	bound := lz4.CompressBlockBound(len(src))
	start := len(dst)
	dst = grow(dst, bound)
	c, _ := cd.lz4.Get().(*lz4.Compressor)
	if c == nil {
		c = new(lz4.Compressor)
	}
	n, err := c.CompressBlock(src, dst[start:start+bound])
	cd.lz4.Put(c)
	if err != nil {
		return nil, fmt.Errorf("lz4: %w", err)
	}
	if n == 0 && len(src) > 0 {
		// Incompressible: lz4 reports 0; send a literal-only block.
		n = literalBlock(dst[start:start+bound], src)
	}
	return dst[:start+n], nil
}

// literalBlock writes src as a single literal run, the encoding the SDK
// itself uses for incompressible data.
func literalBlock(dst, src []byte) int {
	i := 0
	l := len(src)
	if l < 15 {
		dst[i] = byte(l << 4)
		i++
	} else {
		dst[i] = 0xF0
		i++
		for l -= 15; l >= 255; l -= 255 {
			dst[i] = 255
			i++
		}
		dst[i] = byte(l)
		i++
	}
	return i + copy(dst[i:], src)
}

func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), len(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

// decompressBody undoes x-log-compresstype on a PutLogs body.
func (cd *codecs) decompressBody(r *http.Request, body []byte) ([]byte, error) {
	ct := strings.ToLower(strings.TrimSpace(r.Header.Get("x-log-compresstype")))
	if ct == "" {
		return body, nil
	}
	rawHdr := r.Header.Get("x-log-bodyrawsize")
	if rawHdr == "" {
		return nil, newErr(http.StatusBadRequest, "MissingBodyRawSize", "Missing http extend header key : x-log-bodyrawsize.")
	}
	raw, err := strconv.Atoi(rawHdr)
	if err != nil || raw < 0 {
		return nil, newErr(http.StatusBadRequest, "InvalidBodyRawSize", "Http extend x-log-bodyrawsize : %s pair is invalid.", rawHdr)
	}
	if raw > maxBody {
		return nil, newErr(http.StatusRequestEntityTooLarge, "PostBodyTooLarge", "Body size %d must little than %d.", raw, maxBody)
	}
	uncompressErr := func(err error) error {
		return newErr(http.StatusBadRequest, "PostBodyUncompressError", "uncompress %s body: %v", ct, err)
	}
	// The claimed size is only a claim: a 2-byte body may say 10 MiB.
	// Buffers are sized by what the body really decodes to.
	var out []byte
	switch ct {
	case "lz4":
		// An LZ4 block's sequence headers tell its decoded size; walk them
		// before allocating anything.
		n, ok := lz4BlockSize(body, maxBody)
		if !ok {
			return nil, uncompressErr(errors.New("malformed lz4 block"))
		}
		if n != raw {
			return nil, newErr(http.StatusBadRequest, "InvalidBodyRawSize", "x-log-bodyrawsize %d does not match the uncompressed body size %d", raw, n)
		}
		out = make([]byte, raw)
		if _, err := lz4.UncompressBlock(body, out); err != nil {
			return nil, uncompressErr(err)
		}
	case "zstd":
		_, dec, err := cd.zstd()
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		// The frames' block headers bound what the body can decode to;
		// a claim beyond that is refused before allocating it, and
		// DecodeAll never writes past the buffer's capacity.
		bound, ok := zstdBound(body, maxBody)
		if !ok {
			return nil, uncompressErr(errors.New("malformed zstd frame"))
		}
		if bound < raw {
			return nil, newErr(http.StatusBadRequest, "InvalidBodyRawSize", "x-log-bodyrawsize %d is more than the body can uncompress to (at most %d)", raw, bound)
		}
		if out, err = dec.DecodeAll(body, make([]byte, 0, raw)); err != nil {
			if errors.Is(err, zstd.ErrDecoderSizeExceeded) {
				return nil, newErr(http.StatusBadRequest, "InvalidBodyRawSize", "x-log-bodyrawsize %d is less than the uncompressed body size", raw)
			}
			return nil, uncompressErr(err)
		}
	case "deflate":
		zr, err := zlib.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, uncompressErr(err)
		}
		out, err = io.ReadAll(io.LimitReader(zr, maxBody+1))
		if err != nil {
			return nil, uncompressErr(err)
		}
	default:
		return nil, newErr(http.StatusBadRequest, "InvalidCompressType", "x-log-compresstype %s is unsupported.", ct)
	}
	if len(out) != raw {
		return nil, newErr(http.StatusBadRequest, "InvalidBodyRawSize", "x-log-bodyrawsize %d does not match the uncompressed body size %d", raw, len(out))
	}
	return out, nil
}

// lz4BlockSize walks the sequences of an LZ4 block (token, literal run,
// offset, match length) and returns the size it decodes to, without
// decoding it; false if the block is malformed or decodes to more than
// limit bytes.
func lz4BlockSize(src []byte, limit int) (int, bool) {
	n, i := 0, 0
	// length reads the 255-continued extension of a 4-bit length.
	length := func(l int) (int, bool) {
		for {
			if i >= len(src) {
				return 0, false
			}
			b := src[i]
			i++
			if l += int(b); l > limit {
				return 0, false
			}
			if b != 255 {
				return l, true
			}
		}
	}
	for i < len(src) {
		tok := src[i]
		i++
		lit := int(tok >> 4)
		ok := true
		if lit == 15 {
			if lit, ok = length(lit); !ok {
				return 0, false
			}
		}
		if len(src)-i < lit {
			return 0, false
		}
		i += lit
		n += lit
		if i == len(src) {
			break // the last sequence has literals only
		}
		if len(src)-i < 2 {
			return 0, false
		}
		off := int(src[i]) | int(src[i+1])<<8
		i += 2
		if off == 0 || off > n {
			return 0, false
		}
		match := int(tok & 15)
		if match == 15 {
			if match, ok = length(match); !ok {
				return 0, false
			}
		}
		if n += match + 4; n > limit {
			return 0, false
		}
	}
	return n, true
}

// zstdBound walks the frames and block headers of a zstd body and returns
// an upper bound of its decoded size: exact for raw and RLE blocks, the
// 128 KiB block maximum for compressed ones. False if the body is not a
// sequence of well-formed frames; the bound saturates past limit.
func zstdBound(src []byte, limit int) (int, bool) {
	const maxBlock = 128 << 10
	total := 0
	if len(src) == 0 {
		return 0, false
	}
	for len(src) > 0 {
		var h zstd.Header
		if err := h.Decode(src); err != nil {
			return 0, false
		}
		if h.Skippable {
			n := h.HeaderSize + int(h.SkippableSize)
			if n > len(src) {
				return 0, false
			}
			src = src[n:]
			continue
		}
		src = src[h.HeaderSize:]
		for last := false; !last; {
			if len(src) < 3 {
				return 0, false
			}
			bh := int(src[0]) | int(src[1])<<8 | int(src[2])<<16
			src = src[3:]
			last = bh&1 == 1
			size := bh >> 3
			payload := size
			switch (bh >> 1) & 3 {
			case 0: // raw
				total += size
			case 1: // RLE: one byte, repeated size times
				total, payload = total+size, 1
			case 2: // compressed
				total += maxBlock
			default:
				return 0, false
			}
			if payload > len(src) {
				return 0, false
			}
			src = src[payload:]
			total = min(total, limit+1)
		}
		if h.HasCheckSum {
			if len(src) < 4 {
				return 0, false
			}
			src = src[4:]
		}
	}
	return total, true
}

// compression picks the response compression from Accept-Encoding: what the
// SDKs ask for (lz4 by default, zstd on request; deflate for old clients),
// else none.
func compression(r *http.Request) string {
	ae := strings.ToLower(r.Header.Get("Accept-Encoding"))
	for _, c := range []string{"lz4", "zstd", "deflate"} {
		if strings.Contains(ae, c) {
			return c
		}
	}
	return ""
}

// compressBody compresses raw per kind, appending to dst.
func (cd *codecs) compressBody(kind string, dst, raw []byte) ([]byte, error) {
	switch kind {
	case "lz4":
		return cd.compressLZ4(dst, raw)
	case "zstd":
		enc, _, err := cd.zstd()
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return enc.EncodeAll(raw, dst), nil
	case "deflate":
		buf := bytes.NewBuffer(dst)
		zw := zlib.NewWriter(buf)
		zw.Write(raw)
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("zlib: %w", err)
		}
		return buf.Bytes(), nil
	}
	return append(dst, raw...), nil
}
