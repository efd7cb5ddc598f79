//go:build race

package consumer

// Under -race the tests run on a one-shard logstore. The SDK's
// consumerLibrary races on its own client: every shard worker's first
// request lazily fills in Client's default timeouts (client.go,
// initHttpClient) without a lock, and nothing reachable through LogHubConfig
// fills them first. With one shard there is one shard worker, so the race
// detector still checks the Session's own goroutines (delivery, restart,
// lag poller, HTTP observer) against the real SDK without tripping on that.
const (
	raceEnabled = true
	testShards  = 1
)
