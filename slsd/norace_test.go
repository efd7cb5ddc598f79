//go:build !race

package slsd

const raceEnabled = false
