package slsd

import (
	"bytes"
	"compress/zlib"
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
		cd.zdec, cd.zerr = zstd.NewReader(nil)
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
	var out []byte
	switch ct {
	case "lz4":
		out = make([]byte, raw)
		n, err := lz4.UncompressBlock(body, out)
		if err != nil {
			return nil, uncompressErr(err)
		}
		out = out[:n]
	case "zstd":
		_, dec, err := cd.zstd()
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		if out, err = dec.DecodeAll(body, make([]byte, 0, raw)); err != nil {
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
