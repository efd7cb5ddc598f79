package tui

import (
	"testing"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"github.com/slstail/slstail/slsd"
)

// startSlsd starts slsd holding the demo project's access logstore over
// the given shards (retention up to maxBytes; 0 is slsd's default), and an
// SDK client that writes to it. Both end with tb.
func startSlsd(tb testing.TB, key slsd.Key, shards int, maxBytes int64) (*slsd.Server, sls.ClientInterface) {
	tb.Helper()
	srv, err := slsd.New(slsd.Config{Keys: []slsd.Key{key}, Project: "demo", Logstore: "access", Shards: shards,
		Retention: slsd.Retention{MaxBytes: maxBytes}})
	if err != nil {
		tb.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		tb.Fatal(err)
	}
	hc := slsd.NewHTTPClient(srv.Endpoint())
	tb.Cleanup(func() {
		hc.CloseIdleConnections()
		srv.Close()
	})
	writer := sls.CreateNormalInterface(srv.Endpoint(), key.ID, key.Secret, "")
	writer.SetHTTPClient(hc)
	return srv, writer
}
