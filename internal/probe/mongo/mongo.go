// Package mongo is leakwatch's MongoDB probe (also FerretDB and other
// servers of the MongoDB wire protocol). It speaks the protocol itself with
// bounded framing, names itself in the handshake's client metadata
// (application "leakwatch"), proves access with listDatabases (a non-empty
// list; "ok: 1" with an empty list is what an auth-enabled server answers),
// then inventories collections and samples a few documents each with
// single-batch finds. Replica-set members named in the handshake are
// recorded, never contacted.
package mongo

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// Probe is the MongoDB probe.
type Probe struct{}

// New returns the probe.
func New() *Probe { return &Probe{} }

func (*Probe) Name() string        { return "mongodb" }
func (*Probe) DefaultPorts() []int { return []int{27017} }

// Identify runs the isMaster handshake and buildInfo (both answer without
// authentication on MongoDB and FerretDB).
func (p *Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	c, err := dial(ctx, env, t)
	if err != nil {
		return nil, err
	}
	defer c.close()
	h, err := c.hello()
	var ce *commandError
	switch {
	case errors.As(err, &ce):
		// A well-formed reply with ok: 0 still comes from a MongoDB-wire server.
		return &event.Service{Name: p.Name(), Product: "MongoDB", Info: map[string]string{"handshake_error": ce.Message}}, nil
	case errors.Is(err, probe.ErrProtocol):
		return nil, nil
	case err != nil:
		return nil, err
	}
	svc := &event.Service{Name: p.Name(), Product: "MongoDB", Info: map[string]string{}}
	describe(svc, h)
	if bi, err := c.command("admin", cmdInt("buildInfo")); err == nil {
		describeBuild(svc, bi)
	}
	return svc, nil
}

// describe records handshake facts: wire version, replica set and how many
// members it names (never contacted: they are addresses learned from the target).
func describe(svc *event.Service, h bsoncore.Document) {
	if w, ok := number(h, "maxWireVersion"); ok {
		svc.Info["max_wire_version"] = strconv.FormatInt(w, 10)
	}
	if s := str(h, "setName"); s != "" {
		svc.Info["replica_set"] = truncate(s, 100)
		if arr, ok := h.Lookup("hosts").ArrayOK(); ok {
			if vals, err := arr.Values(); err == nil {
				svc.Info["replica_members"] = strconv.Itoa(len(vals))
			}
		}
	}
	if str(h, "msg") == "isdbgrid" {
		svc.Info["mode"] = "mongos"
	}
}

// describeBuild sets the version; FerretDB adds ferretdbVersion to buildInfo.
func describeBuild(svc *event.Service, bi bsoncore.Document) {
	v := truncate(str(bi, "version"), 64)
	if fv := str(bi, "ferretdbVersion"); fv != "" {
		svc.Product = "FerretDB"
		svc.Version = truncate(fv, 64)
		svc.Info["mongodb_compat_version"] = v
		return
	}
	svc.Version = v
}

// Explore proves access and inventories.
func (p *Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c, err := dial(ctx, env, t)
	if err != nil {
		return err
	}
	defer c.close()
	h, err := c.hello()
	if err != nil {
		return err
	}
	if ev.Service == nil {
		ev.Service = &event.Service{Name: p.Name(), Product: "MongoDB"}
	}
	if ev.Service.Info == nil {
		ev.Service.Info = map[string]string{}
	}
	describe(ev.Service, h)
	if bi, err := c.command("admin", cmdInt("buildInfo")); err == nil {
		describeBuild(ev.Service, bi)
	} else if !isAuthError(err) {
		ev.Errors = append(ev.Errors, "buildInfo: "+err.Error())
	}
	x := &explorer{ctx: ctx, env: env, c: c, ev: ev}
	return x.run()
}

// cmdInt builds {name: 1}.
func cmdInt(name string) bsoncore.Document {
	return bsoncore.NewDocumentBuilder().AppendInt32(name, 1).Build()
}

func isSystem(db, coll string) bool {
	return strings.HasPrefix(coll, "system.") || db == "local" || db == "config"
}
