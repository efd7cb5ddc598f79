package slsd

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// TestPutBodies covers what the Go SDK cannot send (deflate, which the Java
// and Python SDKs use) and malformed bodies, signed by the SDK's own signer.
func TestPutBodies(t *testing.T) {
	s := startServer(t, Config{})
	raw, err := numberedGroup(0, 3).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	enc, _ := zstd.NewWriter(nil)
	zs := enc.EncodeAll(raw, nil)
	enc.Close()
	var cd codecs
	defer cd.close()
	l4, err := cd.compressLZ4(nil, raw)
	if err != nil {
		t.Fatal(err)
	}
	post := func(body []byte, compress string, rawSize int) (int, string) {
		t.Helper()
		h := map[string]string{"Content-Type": "application/x-protobuf", "x-log-bodyrawsize": strconv.Itoa(rawSize)}
		if compress != "" {
			h["x-log-compresstype"] = compress
		}
		code, ec, _ := rawCall(t, s, signedBodyRequest(t, s, testKey, "POST", "/logstores/"+testLogstore+"/shards/lb", time.Now(), h, body))
		return code, ec
	}
	for _, tc := range []struct {
		name     string
		body     []byte
		compress string
		rawSize  int
		status   int
		code     string
	}{
		{"deflate", z.Bytes(), "deflate", len(raw), 200, ""},
		{"uncompressed", raw, "", len(raw), 200, ""},
		{"not a LogGroup", []byte("hello, world"), "", 12, 400, "PostBodyInvalid"},
		{"log without time", []byte{0x0a, 0x04, 0x12, 0x02, 0x0a, 0x00}, "", 6, 400, "PostBodyInvalid"},
		{"corrupt lz4", []byte{0xff, 0xff, 0xff}, "lz4", 100, 400, "PostBodyUncompressError"},
		{"wrong raw size", z.Bytes(), "deflate", len(raw) + 1, 400, "InvalidBodyRawSize"},
		{"unknown compression", raw, "snappy", len(raw), 400, "InvalidCompressType"},
		{"raw size over 10 MiB", raw, "lz4", 11 << 20, 413, "PostBodyTooLarge"},
		{"lz4 raw size too big", l4, "lz4", len(raw) + 1, 400, "InvalidBodyRawSize"},
		{"lz4 raw size too small", l4, "lz4", len(raw) - 1, 400, "InvalidBodyRawSize"},
		{"zstd raw size too big", zs, "zstd", len(raw) + 1, 400, "InvalidBodyRawSize"},
		{"zstd raw size too small", zs, "zstd", len(raw) - 1, 400, "InvalidBodyRawSize"},
		{"zstd truncated", zs[:len(zs)-3], "zstd", len(raw), 400, "PostBodyUncompressError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, code := post(tc.body, tc.compress, tc.rawSize); status != tc.status || code != tc.code {
				t.Fatalf("got %d %q, want %d %q", status, code, tc.status, tc.code)
			}
		})
	}
	// Only the two good bodies were stored.
	c := newClient(t, s, testKey)
	var got []int
	for shard := range 4 {
		cur, _ := c.GetCursor(testProject, testLogstore, shard, "begin")
		gl, _, err := c.PullLogs(testProject, testLogstore, shard, cur, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, seqs(t, gl)...)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{0, 0, 1, 1, 2, 2}) {
		t.Fatalf("stored %v", got)
	}

	// A body swapped after signing is caught by its Content-MD5.
	req := signedBodyRequest(t, s, testKey, "POST", "/logstores/"+testLogstore, time.Now(),
		map[string]string{"Content-Type": "application/x-protobuf", "x-log-bodyrawsize": strconv.Itoa(len(raw))}, raw)
	tampered := bytes.Clone(raw)
	tampered[len(tampered)-1] ^= 1
	req.Body = io.NopCloser(bytes.NewReader(tampered))
	if code, ec, _ := rawCall(t, s, req); code != 400 || ec != "InvalidContentMD5" {
		t.Fatalf("tampered body: %d %s", code, ec)
	}
}

// TestClaimedSizesCostNothing sends bodies whose headers claim far more
// than they hold: 2 bytes of "lz4" that say 10 MiB, a zstd frame header
// that says 10 MiB over one small block, a Content-Length of 10 MiB with 2
// bytes behind it. slsd must refuse them without allocating what they
// claim; 16 at once used to cost 160 MiB.
func TestClaimedSizesCostNothing(t *testing.T) {
	s := startServer(t, Config{})
	const claim = 10 << 20
	zbomb := zstdFrameClaiming(claim)
	post := func(body []byte, compress string) (int, string) {
		h := map[string]string{"Content-Type": "application/x-protobuf", "x-log-bodyrawsize": strconv.Itoa(claim),
			"x-log-compresstype": compress}
		code, ec, _ := rawCall(t, s, signedBodyRequest(t, s, testKey, "POST", "/logstores/"+testLogstore+"/shards/lb", time.Now(), h, body))
		return code, ec
	}
	// Content-Length says 10 MiB; 2 bytes come, then the client stops
	// sending. The request is signed for the whole body.
	full := signedBodyRequest(t, s, testKey, "POST", "/logstores/"+testLogstore+"/shards/lb", time.Now(),
		map[string]string{"Content-Type": "application/x-protobuf", "x-log-bodyrawsize": strconv.Itoa(claim)}, make([]byte, claim))
	var head strings.Builder
	fmt.Fprintf(&head, "POST /logstores/%s/shards/lb HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", testLogstore, full.Host, claim)
	for k := range full.Header {
		fmt.Fprintf(&head, "%s: %s\r\n", k, full.Header.Get(k))
	}
	head.WriteString("\r\nab")
	short := func() (int, string) {
		conn, err := net.Dial("tcp", s.Endpoint())
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer conn.Close()
		io.WriteString(conn, head.String())
		conn.(*net.TCPConn).CloseWrite()
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer resp.Body.Close()
		var e struct{ ErrorCode string }
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e.ErrorCode
	}
	for _, tc := range []struct {
		name string
		send func() (int, string)
		code string
	}{
		{"lz4", func() (int, string) { return post([]byte{0x10, 'x'}, "lz4") }, "InvalidBodyRawSize"},
		{"zstd", func() (int, string) { return post(zbomb, "zstd") }, "InvalidBodyRawSize"},
		{"Content-Length", short, "PostBodyInvalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 16
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var wg sync.WaitGroup
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if status, code := tc.send(); status != 400 || code != tc.code {
						t.Errorf("got %d %s, want 400 %s", status, code, tc.code)
					}
				}()
			}
			wg.Wait()
			runtime.ReadMemStats(&after)
			per := (after.TotalAlloc - before.TotalAlloc) / n
			t.Logf("%d requests claiming 10 MiB: %d KiB allocated per request, client side included", n, per>>10)
			if per > 1<<20 {
				t.Fatalf("%d KiB allocated per request: the claimed size was allocated", per>>10)
			}
		})
	}
	// The server lingers 500 ms on a connection whose body it did not read
	// in full (net/http's closeWriteAndWait) before that goroutine ends.
	waitFor(t, "net/http's lingering closes", 10*time.Second, func() bool {
		buf := make([]byte, 1<<20)
		return !strings.Contains(string(buf[:runtime.Stack(buf, true)]), "closeWriteAndWait")
	})
}

// zstdFrameClaiming is a well-formed zstd frame whose header declares size
// bytes of content and whose one raw block holds a single byte.
func zstdFrameClaiming(size int) []byte {
	f := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xa0} // magic; single segment, 4-byte content size
	f = binary.LittleEndian.AppendUint32(f, uint32(size))
	return append(f, 0x09, 0x00, 0x00, 'x') // last raw block of 1 byte
}
