// Command barecon is the bare SDK consumer of BenchmarkTailVsBare: the
// SDK's consumerLibrary alone, every shard worker encoding its pulls as the
// same JSON lines slstail writes and writing them to stdout, until -max
// logs are written. It lives in testdata so that only the benchmark builds
// it.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	sls "github.com/aliyun/aliyun-log-go-sdk"
	consumerLibrary "github.com/aliyun/aliyun-log-go-sdk/consumer"
	"github.com/go-kit/kit/log"

	"github.com/slstail/slstail/internal/textsafe"
	"github.com/slstail/slstail/slsd"
)

func appendLogJSON(b []byte, shard int, g *sls.LogGroup, l *sls.Log) []byte {
	b = append(b, `{"__time__":`...)
	b = strconv.AppendInt(b, int64(l.GetTime()), 10)
	b = append(b, `,"__shard__":`...)
	b = strconv.AppendInt(b, int64(shard), 10)
	b = append(b, `,"__topic__":`...)
	b = textsafe.AppendJSONString(b, g.GetTopic())
	b = append(b, `,"__source__":`...)
	b = textsafe.AppendJSONString(b, g.GetSource())
	for _, c := range l.Contents {
		b = append(b, ',')
		b = textsafe.AppendJSONString(b, c.GetKey())
		b = append(b, ':')
		b = textsafe.AppendJSONString(b, c.GetValue())
	}
	return append(b, '}', '\n')
}

func main() {
	endpoint := flag.String("endpoint", "", "slsd endpoint")
	group := flag.String("group", "bare", "consumer group")
	total := flag.Int64("max", 0, "logs to write")
	flag.Parse()
	var n atomic.Int64
	var mu sync.Mutex
	done := make(chan struct{})
	var once sync.Once
	w := consumerLibrary.InitConsumerWorkerWithCheckpointTracker(consumerLibrary.LogHubConfig{
		Endpoint: *endpoint, AccessKeyID: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), AccessKeySecret: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
		Project: "demo", Logstore: "access", ConsumerGroupName: *group, ConsumerName: "bare",
		CursorPosition: consumerLibrary.BEGIN_CURSOR, HeartbeatIntervalInSecond: 5, DataFetchIntervalInMs: 1,
		Logger: log.NewNopLogger(), HTTPClient: slsd.NewHTTPClient(*endpoint),
	}, func(shard int, gl *sls.LogGroupList, ct consumerLibrary.CheckPointTracker) (string, error) {
		var buf []byte
		k := 0
		for _, g := range gl.LogGroups {
			for _, l := range g.Logs {
				buf = appendLogJSON(buf, shard, g, l)
				k++
			}
		}
		if k > 0 {
			mu.Lock()
			os.Stdout.Write(buf)
			mu.Unlock()
			if n.Add(int64(k)) >= *total {
				once.Do(func() { close(done) })
			}
		}
		_ = ct.SaveCheckPoint(false)
		return "", nil
	})
	w.Start()
	<-done
	fmt.Fprintln(os.Stderr, "done")
	os.Exit(0)
}
