// Package all is the registry of probes: adding a datastore adds one line here.
package all

import (
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/cassandra"
	"github.com/leakwatch/leakwatch/internal/probe/clickhouse"
	"github.com/leakwatch/leakwatch/internal/probe/couchdb"
	"github.com/leakwatch/leakwatch/internal/probe/elastic"
	"github.com/leakwatch/leakwatch/internal/probe/etcd"
	"github.com/leakwatch/leakwatch/internal/probe/influxdb"
	"github.com/leakwatch/leakwatch/internal/probe/kafka"
	"github.com/leakwatch/leakwatch/internal/probe/kibana"
	"github.com/leakwatch/leakwatch/internal/probe/memcached"
	"github.com/leakwatch/leakwatch/internal/probe/mongo"
	"github.com/leakwatch/leakwatch/internal/probe/mysql"
	"github.com/leakwatch/leakwatch/internal/probe/postgres"
	"github.com/leakwatch/leakwatch/internal/probe/prometheus"
	"github.com/leakwatch/leakwatch/internal/probe/rabbitmq"
	"github.com/leakwatch/leakwatch/internal/probe/redis"
	"github.com/leakwatch/leakwatch/internal/probe/registry"
	"github.com/leakwatch/leakwatch/internal/probe/s3"
	"github.com/leakwatch/leakwatch/internal/probe/solr"
	"github.com/leakwatch/leakwatch/internal/probe/zookeeper"
)

// Probes returns every probe, in identification order for ports that no
// probe claims (cheap, passive-friendly protocols first).
func Probes() []probe.Probe {
	return []probe.Probe{
		// registry: one line per datastore
		redis.New(),
		memcached.New(),
		etcd.New(),
		zookeeper.New(),
		couchdb.New(),
		elastic.New(),
		mongo.New(),
		mysql.New(),
		postgres.New(),
		prometheus.New(),
		registry.New(),
		s3.New(),
		influxdb.New(),
		clickhouse.New(),
		clickhouse.NewNative(),
		rabbitmq.New(),
		solr.New(),
		cassandra.New(),
		kafka.New(),
		kibana.New(),
	}
}

// ByName returns the probe with the given name, or nil.
func ByName(name string) probe.Probe {
	for _, p := range Probes() {
		if p.Name() == name {
			return p
		}
	}
	return nil
}

// DefaultPorts is the union of the probes' default ports, sorted.
func DefaultPorts() []int {
	seen := map[int]bool{}
	var ports []int
	for _, p := range Probes() {
		for _, port := range p.DefaultPorts() {
			if !seen[port] {
				seen[port] = true
				ports = append(ports, port)
			}
		}
	}
	slicesSort(ports)
	return ports
}
