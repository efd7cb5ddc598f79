package slsd_test

import (
	"fmt"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	"github.com/slstail/slstail/slsd"
	"google.golang.org/protobuf/proto"
)

// Point the unmodified SDK at slsd: the endpoint is the server's, and the
// HTTP client maps <project>.<endpoint> to it.
func ExampleNewHTTPClient() {
	srv, err := slsd.New(slsd.Config{
		Keys:    []slsd.Key{{ID: "demo-id", Secret: "demo-secret"}},
		Project: "demo", Logstore: "access", Shards: 2,
	})
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Close()

	hc := slsd.NewHTTPClient(srv.Endpoint())
	defer hc.CloseIdleConnections()
	client := sls.CreateNormalInterface(srv.Endpoint(), "demo-id", "demo-secret", "")
	client.SetHTTPClient(hc)

	err = client.PutLogs("demo", "access", &sls.LogGroup{Logs: []*sls.Log{{
		Time:     proto.Uint32(1700000000),
		Contents: []*sls.LogContent{{Key: proto.String("status"), Value: proto.String("502")}},
	}}})
	if err != nil {
		panic(err)
	}
	for shard := range 2 {
		cursor, _ := client.GetCursor("demo", "access", shard, "begin")
		logs, _, _ := client.PullLogs("demo", "access", shard, cursor, "", 100)
		for _, g := range logs.LogGroups {
			for _, l := range g.Logs {
				fmt.Println(l.Contents[0].GetKey(), "=", l.Contents[0].GetValue())
			}
		}
	}
	// Output: status = 502
}
