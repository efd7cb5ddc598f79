package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/slstail/slstail/consumer"
)

// A consumer name means one consumer to SLS: two processes heartbeating
// under one name in one group are handed the same shards, both read them,
// and SLS's hand-over of a shard (which waits for its holder to stop
// reporting it) no longer holds. Named groups use a stable name
// (consumer.DefaultConsumer), so two slstails on one machine in one group
// would share it. A lock file per endpoint, project, logstore, group and
// name, in the state directory, tells a second one: with the default name
// it joins under user@host-PID instead (and SLS shares the shards between
// the two), with a name the user gave it stops.

// errConsumerLocked is what tryLock returns when another process holds the
// lock.
var errConsumerLocked = errors.New("locked by another process")

// claimConsumer settles cfg.Consumer for a named group and holds it for
// this process until release is called. notice, when not empty, is a line
// to show the user: the name had to change. Without a state directory (no
// home) or without file locks (Windows), nothing is checked.
func claimConsumer(cfg *consumer.Config, getenv func(string) string) (release func(), notice string, err error) {
	release = func() {}
	if cfg.Group == "" {
		return release, "", nil // an ephemeral group is this process's alone
	}
	dir, err := stateDir(getenv)
	if err != nil {
		return release, "", nil
	}
	dir = filepath.Join(dir, "consumers")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return release, "", nil
	}
	explicit := cfg.Consumer != ""
	name := cfg.Consumer
	if !explicit {
		name = consumer.DefaultConsumer()
	}
	l, err := tryLock(lockPath(dir, cfg, name))
	switch {
	case err == nil:
		cfg.Consumer = name
		return l.release, "", nil
	case !errors.Is(err, errConsumerLocked):
		return release, "", nil // a lock we cannot take guards nothing; go on
	case explicit:
		return release, "", usageError(fmt.Errorf("consumer %q is already in group %q from another slstail on this machine: SLS would hand both the same shards; give this one another --consumer", name, cfg.Group))
	}
	unique := fmt.Sprintf("%s-%d", name, os.Getpid())
	l, err = tryLock(lockPath(dir, cfg, unique))
	if err == nil {
		release = l.release
	}
	cfg.Consumer = unique
	return release, fmt.Sprintf("another slstail on this machine is in group %q as %s; this one joins as %s, and SLS shares the shards between them (a restart under this name waits for its shards until its heartbeat times out)",
		cfg.Group, name, unique), nil
}

// lockPath names the lock of one consumer in one group of one logstore.
func lockPath(dir string, cfg *consumer.Config, name string) string {
	h := sha256.New()
	for _, part := range []string{cfg.Endpoint, cfg.Project, cfg.Logstore, cfg.Group, name} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return filepath.Join(dir, hex.EncodeToString(h.Sum(nil)[:12])+".lock")
}

// joinAs is claimConsumer for a tail: it tells the user on errw when the
// name had to change, and returns what releases the name once the session
// has stopped.
func joinAs(cfg *consumer.Config, errw io.Writer, getenv func(string) string) (release func(), err error) {
	release, notice, err := claimConsumer(cfg, getenv)
	if err != nil {
		return release, err
	}
	if notice != "" {
		fmt.Fprintf(errw, "slstail: %s\n", notice)
	}
	return release, nil
}
