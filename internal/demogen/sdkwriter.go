package demogen

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	sls "github.com/aliyun/aliyun-log-go-sdk"
)

// SDKWriter is a Writer that puts log groups into an SLS logstore (or
// slsd) through the SDK. It routes shard i to the i-th writable shard of
// the logstore (modulo their number) by posting with that shard's begin
// key as hash key, which is how a producer pins a stream to a shard. Safe
// for concurrent use.
type SDKWriter struct {
	client            sls.ClientInterface
	project, logstore string

	mu   sync.Mutex
	keys []string // begin keys of the writable shards, by begin key
}

// NewSDKWriter returns a writer to project/logstore through client. The
// logstore's shards are listed on first write.
func NewSDKWriter(client sls.ClientInterface, project, logstore string) *SDKWriter {
	return &SDKWriter{client: client, project: project, logstore: logstore}
}

// WriteLogGroup puts lg into the logstore's shard-th shard. The SDK takes
// no context: ctx is checked before the call, which then runs to its own
// timeout.
func (w *SDKWriter) WriteLogGroup(ctx context.Context, shard int, lg *sls.LogGroup) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	keys, err := w.hashKeys()
	if err != nil {
		return err
	}
	key := keys[shard%len(keys)]
	if err := w.client.PostLogStoreLogs(w.project, w.logstore, lg, &key); err != nil {
		return fmt.Errorf("put %d logs to %s/%s: %w", len(lg.Logs), w.project, w.logstore, err)
	}
	return nil
}

func (w *SDKWriter) hashKeys() ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.keys != nil {
		return w.keys, nil
	}
	shards, err := w.client.ListShards(w.project, w.logstore)
	if err != nil {
		return nil, fmt.Errorf("list shards of %s/%s: %w", w.project, w.logstore, err)
	}
	var keys []string
	for _, s := range shards {
		if strings.EqualFold(s.Status, "readwrite") {
			keys = append(keys, s.InclusiveBeginKey)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s/%s has no writable shard among %d", w.project, w.logstore, len(shards))
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) })
	w.keys = keys
	return keys, nil
}
