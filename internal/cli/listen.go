package cli

import (
	"errors"
	"fmt"
	"net"
	"syscall"
)

// listenError words a failure of serve to listen: which address, why, and
// what to do about it. slsd's own error ("slsd: listen: listen tcp ...:
// bind: address already in use") says none of the last.
func listenError(addr string, err error) error {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "listen" {
		return err
	}
	const hint = "choose another with --addr (--addr 127.0.0.1:0 takes any free port)"
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("cannot listen on %s: the address is in use (another slsd, or another program); %s", addr, hint)
	}
	err = fmt.Errorf("cannot listen on %s: %v; %s", addr, op.Err, hint)
	if ae := (*net.AddrError)(nil); errors.As(op.Err, &ae) {
		return usageError(err) // not an address at all: a bad flag
	}
	return err
}
