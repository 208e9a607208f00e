// Package postgres is leakwatch's PostgreSQL probe. It checks only whether
// the server lets user "postgres" in without a password (trust
// authentication: the default credential, what psql does when no password
// is set); a password request of any kind (SCRAM, MD5, cleartext)
// is answered by closing the connection, so no password is ever sent. On a
// trust server it inventories databases and tables (row estimates, sizes,
// columns) and samples a few rows per table inside READ ONLY transactions.
//
// With default credentials off (--no-default-credentials) it names no user
// at all: the startup message without one is refused before authentication
// (28000 "no PostgreSQL user name specified"), which identifies the server
// without logging in, and Explore reports not-tested.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// defaultUser is the only role tried: the superuser every installation has.
// Other guesses would be password guessing in disguise.
const defaultUser = "postgres"

// defaultCredentials is what Info["default_credentials"] says after a login.
const defaultCredentials = defaultUser + " (trust, no password)"

// Probe is the PostgreSQL probe.
type Probe struct{}

// New returns the probe.
func New() *Probe { return &Probe{} }

func (*Probe) Name() string        { return "postgresql" }
func (*Probe) DefaultPorts() []int { return []int{5432} }

// Identify sends one startup message and accepts the service only if the
// first answer is a well-formed authentication request or ErrorResponse.
func (*Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	user := defaultUser
	if !env.DefaultCredentials() {
		user = "" // refused before authentication: identifies without a login
	}
	nc, ar, err := startup(ctx, env, t, user, defaultUser)
	if err != nil {
		if errors.Is(err, probe.ErrProtocol) {
			return nil, nil
		}
		return nil, err
	}
	svc := &event.Service{Name: "postgresql", Product: "PostgreSQL", Info: map[string]string{}}
	if nc == nil { // an ErrorResponse: still PostgreSQL
		svc.Info["startup_error"] = ar.err.Code
		if user == "" {
			svc.Info["auth"] = "not tried (no default credentials)"
		}
		return svc, nil
	}
	defer nc.Close()
	if ar.code == authOK {
		_, _ = nc.Write(frontendMessage('X', nil)) // polite goodbye; never a password
	}
	svc.Info["auth"] = authName(ar.code)
	return svc, nil
}

// Explore logs in with trust, proves access with data and inventories.
func (p *Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	if ev.Service == nil {
		ev.Service = &event.Service{Name: p.Name(), Product: "PostgreSQL"}
	}
	if !env.DefaultCredentials() {
		return fmt.Errorf("postgres: logging in as %q without a password is a default-credential login: %w", defaultUser, probe.ErrNotTested)
	}
	c, db, err := login(ctx, env, t)
	if err != nil {
		return err
	}
	defer c.close()
	ver := c.params["server_version"]
	ev.Service.Version, _, _ = strings.Cut(ver, " ")
	if ev.Service.Info == nil {
		ev.Service.Info = map[string]string{}
	}
	ev.Service.Info["auth"] = "trust"
	ev.Service.Info["user"] = defaultUser
	ev.Service.Info["default_credentials"] = defaultCredentials
	if ver != "" {
		ev.Service.Info["server_version"] = ver
	}
	x := &explorer{ctx: ctx, env: env, t: t, ev: ev, ds: &event.Dataset{}}
	return x.run(c, db)
}

// login tries database "postgres" then "template1" (the first may be dropped).
func login(ctx context.Context, env *probe.Env, t probe.Target) (*conn, string, error) {
	var err error
	for _, db := range []string{"postgres", "template1"} {
		var c *conn
		c, err = connect(ctx, env, t, defaultUser, db)
		if err == nil {
			return c, db, nil
		}
		if !isServerError(err, "3D000") && !isMissingDB(err) { // 3D000: no such database
			return nil, "", err
		}
	}
	return nil, "", err
}

func isMissingDB(err error) bool {
	var le *loginError
	return errors.As(err, &le) && le.auth.err != nil && le.auth.err.Code == "3D000"
}
