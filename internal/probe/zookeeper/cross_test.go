package zookeeper_test

import (
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// TestCrossIdentification: on each of this service's lab servers (open,
// auth-required, odd port) every other known probe's Identify returns nil,
// and probe.Identify picks this probe.
func TestCrossIdentification(t *testing.T) {
	probetest.CrossIdentification(t, "zookeeper", knownProbes(), testEnv, "ZOOKEEPER_OPEN", "ZOOKEEPER_AUTH", "ZOOKEEPER_ODD")
}
