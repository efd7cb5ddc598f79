package slsd

import (
	"bytes"
	"compress/zlib"
	"io"
	"slices"
	"strconv"
	"testing"
	"time"
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
