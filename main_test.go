package main

import (
	"os"
	"testing"
	"time"

	"github.com/slstail/slstail/internal/leaktest"
)

// TestMain fails the package if a command left goroutines behind once its
// tests passed.
func TestMain(m *testing.M) {
	code := m.Run()
	os.Exit(leaktest.Check(code, 10*time.Second))
}
