package memcached_test

import "testing"

// TestCrossIdentification: on each of this service's lab servers (open,
// auth-required, odd port) every other known probe's Identify returns nil,
// and probe.Identify picks this probe.
func TestCrossIdentification(t *testing.T) {
	for _, key := range []string{"MEMCACHED_OPEN", "MEMCACHED_AUTH", "MEMCACHED_ODD"} {
		tg := labTarget(t, key)
		for _, p := range knownProbes() {
			svc, err := p.Identify(ctx(t), testEnv(), tg)
			if p.Name() == "memcached" {
				if svc == nil {
					t.Errorf("%s: %s did not identify its own server (%v)", key, p.Name(), err)
				}
				continue
			}
			if svc != nil {
				t.Errorf("%s (%s): probe %s claims it: %+v", key, tg.Addr(), p.Name(), svc)
			}
		}
	}
}
