//go:build !unix

package consumer

import "time"

// cpuTime is not measured here; the benchmark then reports no CPU figures.
func cpuTime() time.Duration { return 0 }
