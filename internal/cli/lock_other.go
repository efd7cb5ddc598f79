//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package cli

// fileLock is not implemented here (Windows has no flock): every lock is
// granted, and two slstails on one machine that share a consumer name in a
// named group are not told apart (the README says so).
type fileLock struct{}

func tryLock(string) (*fileLock, error) { return &fileLock{}, nil }

func (*fileLock) release() {}
