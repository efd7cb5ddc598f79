package tui

import (
	"testing"
	"time"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"github.com/slstail/slstail/consumer"
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

// newTestSession is a Session on srv's demo logstore from its beginning,
// with the short heartbeat, commit and lag intervals the tests wait on and
// the SDK's fetch interval at fetch.
func newTestSession(t *testing.T, srv *slsd.Server, key slsd.Key, fetch time.Duration) *consumer.Session {
	t.Helper()
	sess, err := consumer.NewSession(consumer.Config{
		Endpoint: srv.Endpoint(), Project: "demo", Logstore: "access",
		Credentials:       consumer.Credentials{AccessKeyID: key.ID, AccessKeySecret: key.Secret},
		From:              consumer.StartFrom{Kind: consumer.PosBegin},
		HeartbeatInterval: time.Second,
		CommitInterval:    200 * time.Millisecond,
		LagInterval:       200 * time.Millisecond,
		FetchInterval:     fetch,
	})
	if err != nil {
		t.Fatal(err)
	}
	return sess
}
