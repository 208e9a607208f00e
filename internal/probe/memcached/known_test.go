package memcached_test

import (
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/etcd"
	"github.com/leakwatch/leakwatch/internal/probe/memcached"
	"github.com/leakwatch/leakwatch/internal/probe/redis"
	"github.com/leakwatch/leakwatch/internal/probe/zookeeper"
)

// knownProbes are the probes identification must tell apart (this task's four).
func knownProbes() []probe.Probe {
	return []probe.Probe{redis.New(), memcached.New(), etcd.New(), zookeeper.New()}
}
