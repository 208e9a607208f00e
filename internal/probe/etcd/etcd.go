// Package etcd finds etcd servers whose key space is readable without
// credentials, through the v3 JSON gateway (the gRPC API's HTTP mapping that
// every etcd ≥ 3.3 serves on its client port): it counts keys, groups them
// by prefix and samples values.
//
// Read-only: GET /version, POST /v3/kv/range (a read; etcd's gateway only
// takes POST), POST /v3/maintenance/status. Never put, delete, txn, lease,
// auth or member calls.
package etcd

import (
	"context"
	"encoding/json"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the etcd probe.
type Probe struct{}

// New returns the etcd probe.
func New() probe.Probe { return Probe{} }

func (Probe) Name() string        { return "etcd" }
func (Probe) DefaultPorts() []int { return []int{2379} }

type versionInfo struct {
	Server  string `json:"etcdserver"`
	Cluster string `json:"etcdcluster"`
}

// Identify reads GET /version: {"etcdserver":"3.4.23","etcdcluster":"3.4.0"}.
// /version is public even with auth enabled.
func (p Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	v, err := version(ctx, httpx.New(env, t))
	if err != nil || v == nil {
		return nil, err
	}
	return service(v), nil
}

func version(ctx context.Context, c *httpx.Client) (*versionInfo, error) {
	r, err := c.Get(ctx, "/version")
	if err != nil {
		return nil, err
	}
	var v versionInfo
	if r.Status != 200 || json.Unmarshal(r.Body, &v) != nil || v.Server == "" || len(v.Server) > 64 {
		return nil, nil
	}
	return &v, nil
}

func service(v *versionInfo) *event.Service {
	svc := &event.Service{Name: "etcd", Product: "etcd", Version: v.Server, Info: map[string]string{}}
	if v.Cluster != "" && len(v.Cluster) <= 64 {
		svc.Info["cluster_version"] = v.Cluster
	}
	return svc
}
