//go:build race

package slsd

// raceEnabled: the SDK's consumerLibrary races on its own client
// (sls.(*Client).initHttpClient, client.go:125, called from every shard
// worker's first GetCursor), which -race reports intermittently. That code
// is not ours to fix; the tests that run consumerLibrary workers skip under
// -race, and slsd's consumer-group code is exercised under -race by
// TestHeartbeatAssignment.
const raceEnabled = true
