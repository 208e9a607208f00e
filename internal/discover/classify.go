package discover

import (
	"errors"
	"syscall"
)

// outcome is how one connection attempt ended.
type outcome int

const (
	outOpen    outcome = iota // handshake completed
	outClosed                 // RST: nothing listens
	outTimeout                // no answer in time
	outLocal                  // our side ran out of something: back off, try again
	outError                  // unreachable, forbidden...: final, but not "closed"
)

// classify maps a connect error (nil: connected) to an outcome.
func classify(err error) outcome {
	switch {
	case err == nil:
		return outOpen
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		// The kernel reports a RST as ECONNREFUSED only in SYN-SENT; these
		// mean the handshake completed and the server dropped us at once
		// (seen from MariaDB under load): the port is open.
		return outOpen
	case errors.Is(err, syscall.ECONNREFUSED):
		return outClosed
	case errors.Is(err, syscall.ETIMEDOUT):
		return outTimeout
	case isLocal(err):
		return outLocal
	}
	var to interface{ Timeout() bool }
	if errors.As(err, &to) && to.Timeout() {
		return outTimeout
	}
	return outError
}

// isLocal reports errors that say nothing about the target: ephemeral ports
// (EADDRNOTAVAIL; EAGAIN from a nonblocking connect), descriptors
// (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM) ran out here.
func isLocal(err error) bool {
	for _, e := range []syscall.Errno{syscall.EAGAIN, syscall.EADDRNOTAVAIL, syscall.EADDRINUSE,
		syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
