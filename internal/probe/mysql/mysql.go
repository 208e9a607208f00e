// Package mysql is leakwatch's MySQL/MariaDB probe. The server speaks first,
// so Identify only reads the greeting. Explore makes one login attempt as
// root with an empty password (the unsecured-install default; no other
// credentials are ever tried), names itself in the connection attributes
// (program_name=leakwatch), and on success inventories schemas and tables
// from information_schema and samples a few rows per table inside a READ
// ONLY transaction. With default credentials off (--no-default-credentials)
// it reads the greeting only and reports not-tested.
package mysql

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// defaultCredentials is what Info["default_credentials"] says after a login.
const defaultCredentials = loginUser + " with empty password"

// Probe is the MySQL/MariaDB probe.
type Probe struct{}

// New returns the probe.
func New() *Probe { return &Probe{} }

func (*Probe) Name() string        { return "mysql" }
func (*Probe) DefaultPorts() []int { return []int{3306} }

// Identify reads the greeting (or the ERR a server sends to a host it
// refuses) and sends nothing.
func (p *Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	c, err := handshake(ctx, env, t, greetingWait)
	var se *serverError
	switch {
	case errors.As(err, &se):
		return &event.Service{Name: p.Name(), Product: "MySQL",
			Info: map[string]string{"greeting_error": se.Message}}, nil
	case errors.Is(err, probe.ErrProtocol):
		return nil, nil
	case err != nil:
		return nil, err
	}
	c.nc.Close()
	return service(p.Name(), c.g), nil
}

// service describes the server from its greeting. MariaDB 10 prefixes its
// version with "5.5.5-" for old replication clients.
func service(name string, g *greeting) *event.Service {
	svc := &event.Service{Name: name, Product: "MySQL", Info: map[string]string{"version_string": g.version}}
	v := strings.TrimPrefix(g.version, "5.5.5-")
	if strings.Contains(strings.ToLower(v), "mariadb") {
		svc.Product = "MariaDB"
	}
	svc.Version, _, _ = strings.Cut(v, "-")
	if g.plugin != "" {
		svc.Info["auth_plugin"] = g.plugin
	}
	return svc
}

// Explore logs in as root with an empty password and inventories.
func (p *Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c, err := handshake(ctx, env, t, 0)
	if err != nil {
		return err
	}
	svc := service(p.Name(), c.g)
	if ev.Service == nil {
		ev.Service = svc
	} else {
		if ev.Service.Info == nil {
			ev.Service.Info = map[string]string{}
		}
		ev.Service.Product, ev.Service.Version = svc.Product, svc.Version
		for k, v := range svc.Info {
			ev.Service.Info[k] = v
		}
	}
	if !env.DefaultCredentials() {
		c.nc.Close() // no COM_QUIT: there is no session to quit
		return fmt.Errorf("mysql: logging in as %s with an empty password is a default-credential login: %w", loginUser, probe.ErrNotTested)
	}
	defer c.close()
	if err := c.login(); err != nil {
		return err
	}
	ev.Service.Info["user"] = loginUser
	ev.Service.Info["default_credentials"] = defaultCredentials
	x := &explorer{ctx: ctx, env: env, c: c, ev: ev}
	return x.run()
}
