// Package probe defines the one small interface every datastore probe
// implements, and the environment (limits, dialer, scope) a probe runs in.
//
// A probe lives in its own package under internal/probe/<name> and is listed
// once in internal/probe/all. The scan pipeline calls Identify on every open
// port (probes whose default ports match first), and Explore on the probe that
// recognised the service. Explore proves access first (with data, never a
// bare "ok"), then inventories, then samples at most Limits.Sample documents
// per container. Probes never write, configure or guess passwords.
package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/netio"
)

// Probe is one datastore's identify / prove access / explore logic.
type Probe interface {
	// Name is the probe id used in events and --probes ("redis", "elasticsearch").
	Name() string
	// DefaultPorts are the ports scanned when the user gives none.
	DefaultPorts() []int
	// Identify says whether this datastore answers at t. It returns nil, nil
	// when the service is something else. It must be cheap: one short exchange.
	Identify(ctx context.Context, env *Env, t Target) (*event.Service, error)
	// Explore fills ev.Status, ev.Access, ev.Dataset (with in-memory samples)
	// and ev.Indicators for a service this probe identified.
	Explore(ctx context.Context, env *Env, t Target, ev *event.Event) error
}

// Target is one address to probe. IP is always set; Host is the name the user
// gave, if any (used for HTTP Host and TLS SNI, never resolved again).
type Target struct {
	Host string
	IP   netip.Addr
	Port int
	TLS  bool
}

// Addr returns ip:port.
func (t Target) Addr() string { return netip.AddrPortFrom(t.IP, uint16(t.Port)).String() }

// HostHeader returns the name to present to the server: the user's hostname or the IP.
func (t Target) HostHeader() string {
	h := t.IP.String()
	if t.Host != "" {
		h = t.Host
	}
	if t.Port == 0 {
		return h
	}
	return net.JoinHostPort(h, strconv.Itoa(t.Port))
}

// Limits bound what a probe may do against one service.
type Limits struct {
	ConnectTimeout  time.Duration // per connection attempt
	ReadTimeout     time.Duration // per read
	IdentifyTimeout time.Duration // whole Identify call
	ExploreTimeout  time.Duration // whole Explore call
	MaxBytes        int64         // total bytes read per service
	MaxResponse     int64         // bytes of one response
	MaxContainers   int           // containers inventoried per service
	MaxFields       int           // field names kept per container
	Sample          int           // documents sampled per container (0 = read no content)
	MaxSampleBytes  int           // bytes kept per sampled document
	MaxDepth        int           // nesting depth accepted when parsing
	// NoDefaultCredentials forbids even the one login a probe may make with
	// its protocol's documented default (user postgres without a password,
	// MySQL root with an empty password, RabbitMQ guest/guest); see
	// Env.DefaultCredentials. The zero value allows it, like the CLI default.
	// It lives in Limits because Limits is what the scan pipeline hands to
	// every probe's Env.
	NoDefaultCredentials bool
}

// DefaultLimits are polite and bounded; the CLI overrides them with flags.
func DefaultLimits() Limits {
	return Limits{
		ConnectTimeout:  3 * time.Second,
		ReadTimeout:     5 * time.Second,
		IdentifyTimeout: 5 * time.Second,
		ExploreTimeout:  60 * time.Second,
		MaxBytes:        64 << 20,
		MaxResponse:     8 << 20,
		MaxContainers:   1000,
		MaxFields:       200,
		Sample:          10,
		MaxSampleBytes:  64 << 10,
		MaxDepth:        64,
	}
}

// UserAgent identifies leakwatch wherever a protocol has a place for it.
var UserAgent = "leakwatch/dev (+https://github.com/leakwatch/leakwatch; read-only exposure scanner)"

// Env is what a probe may use: limits, the dialer and the scope check.
type Env struct {
	Limits Limits
	// InScope says whether an address learned from the target (a redirect,
	// a replica-set member, a node address) may be contacted. Nil = only the target.
	InScope func(netip.Addr, int) bool
	// Dialer dials TCP; tests may replace it. Nil = net.Dialer.
	Dialer func(ctx context.Context, network, addr string) (net.Conn, error)
	// Budget is the byte budget for the current service; set by Run.
	Budget *netio.Budget
}

// NewEnv returns an Env with the given limits.
func NewEnv(l Limits) *Env { return &Env{Limits: l} }

// DefaultCredentials reports whether a probe may log in once with its
// protocol's default user and an empty (or documented default) password,
// which is what a client does when no password is set. It never allows any
// other password. Off with --no-default-credentials.
func (e *Env) DefaultCredentials() bool { return !e.Limits.NoDefaultCredentials }

// Allowed reports whether a learned address may be contacted.
func (e *Env) Allowed(ip netip.Addr, port int) bool {
	if e.InScope == nil {
		return false
	}
	return e.InScope(ip.Unmap(), port)
}

// Dial opens a bounded TCP connection to t (TLS is the caller's business).
// The connection is closed when ctx ends, so no read can outlive the probe.
func (e *Env) Dial(ctx context.Context, t Target) (*netio.Conn, error) {
	c, err := e.DialBounded(ctx, t)
	if err != nil {
		return nil, err
	}
	stop := netio.UnblockOnDone(ctx, c.Conn)
	c.Conn = closeStopper{Conn: c.Conn, stop: stop}
	return c, nil
}

// DialBounded is Dial without the close-on-cancel hook, for pooled transports
// (net/http) whose dial context ends before the connection does. Every read
// is still bounded by ReadTimeout, the context's deadline and the budget.
func (e *Env) DialBounded(ctx context.Context, t Target) (*netio.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, e.Limits.ConnectTimeout)
	defer cancel()
	dial := e.Dialer
	if dial == nil {
		d := &net.Dialer{}
		dial = d.DialContext
	}
	c, err := dial(dctx, "tcp", t.Addr())
	if err != nil {
		return nil, err
	}
	deadline, _ := ctx.Deadline()
	return netio.Wrap(c, e.Limits.ReadTimeout, deadline, e.Budget), nil
}

type closeStopper struct {
	net.Conn
	stop func() bool
}

func (c closeStopper) Close() error { c.stop(); return c.Conn.Close() }

// StatusOf maps an error from a probe to an event status.
func StatusOf(err error) event.Status {
	switch {
	case err == nil:
		return event.StatusOpen
	case errors.Is(err, ErrAuthRequired):
		return event.StatusAuthRequired
	case errors.Is(err, ErrNotTested):
		return event.StatusNotTested
	case errors.Is(err, ErrOutOfScope):
		return event.StatusOutOfScope
	case errors.Is(err, netio.ErrBudget), errors.Is(err, netio.ErrTooLarge):
		return event.StatusTooLarge
	case netio.IsTimeout(err):
		return event.StatusTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return event.StatusRefused
	case errors.Is(err, ErrProtocol):
		return event.StatusProtocolError
	}
	return event.StatusError
}

var (
	// ErrAuthRequired means the server demands credentials.
	ErrAuthRequired = errors.New("authentication required")
	// ErrNotTested means the only way to test access is a default-credential
	// login, and Env.DefaultCredentials forbids it.
	ErrNotTested = errors.New("access not tested: default credentials not tried (--no-default-credentials)")
	// ErrOutOfScope means the probe refused to follow the peer out of scope.
	ErrOutOfScope = errors.New("out of scope")
	// ErrProtocol means the peer's answer was malformed.
	ErrProtocol = errors.New("protocol error")
)

// Protocolf returns an error wrapping ErrProtocol.
func Protocolf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrProtocol, fmt.Sprintf(format, a...))
}

// DefaultPorts is the sorted union of the probes' default ports: what is
// scanned when the user names no ports.
func DefaultPorts(probes []Probe) []int {
	var ports []int
	for _, p := range probes {
		for _, port := range p.DefaultPorts() {
			if !slices.Contains(ports, port) {
				ports = append(ports, port)
			}
		}
	}
	slices.Sort(ports)
	return ports
}
