//go:build !race

package consumer

const (
	raceEnabled = false
	testShards  = 4
)
