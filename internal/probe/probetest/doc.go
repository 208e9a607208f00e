// Package probetest holds the helpers the probe packages' tests share:
// finding lab servers, a test Env, running a probe as the scanner would,
// checking events against the published schema, fake servers for hostile
// behaviour, and cross-identification checks. Only _test.go files import it.
//
// It must not import internal/probe/all (or any probe package): the probes'
// in-package tests import probetest, which would make an import cycle.
package probetest
