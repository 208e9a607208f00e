package etcd_test

import (
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// TestCrossIdentification: on each of this service's lab servers (open,
// auth-required, odd port) every other known probe's Identify returns nil,
// and probe.Identify picks this probe.
func TestCrossIdentification(t *testing.T) {
	probetest.CrossIdentification(t, "etcd", knownProbes(), testEnv, "ETCD_OPEN", "ETCD_AUTH", "ETCD_ODD")
}
