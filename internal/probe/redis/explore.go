package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Bounds of the key-name walk: enough to spot a ransom note on the servers
// that get wiped (small ones), polite on big ones.
const (
	scanCount     = 1000  // SCAN COUNT hint
	maxScanNames  = 10000 // key names read per database
	maxScanCalls  = 50    // SCAN round trips per database, whatever the cursor says
	maxSampledDBs = 16    // databases whose keys are walked and sampled
)

// Explore proves access with INFO, lists the databases of INFO keyspace with
// their key counts, walks key names with SCAN and samples values per type.
func (p Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c, err := dial(ctx, env, t)
	if err != nil {
		return err
	}
	defer c.Close()
	raw, err := c.bulk("INFO")
	if err != nil {
		var se *ServerError
		if errors.Is(err, probe.ErrAuthRequired) && errors.As(err, &se) {
			ev.Status = event.StatusAuthRequired
			ev.Service = &event.Service{Name: p.Name(), Product: "Redis", Info: map[string]string{"auth": firstWord(se.Msg)}}
			ev.Access = event.Access{Level: event.AccessNone, Proof: "INFO refused: " + clipString(se.Msg, 80)}
		}
		return err
	}
	info := ParseInfo(raw)
	ev.Service = &event.Service{Name: p.Name()}
	fillService(ev.Service, info)
	ev.Status = event.StatusOpen
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata, Proof: "INFO answered without credentials"}
	// Tell the operator who is connected (connection metadata only; see package doc).
	_, _ = c.do("CLIENT", "SETNAME", ClientName)

	ds := &event.Dataset{}
	ev.Dataset = ds
	dbs := info.Keyspace
	if len(dbs) == 0 { // INFO keyspace omits empty databases, and some forks omit the section
		if v, err := c.do("DBSIZE"); err == nil && v.Kind == KindInteger {
			dbs = []DBKeys{{DB: 0, Keys: v.Int}}
		}
	}
	if len(dbs) > env.Limits.MaxContainers {
		dbs, ds.Truncated = dbs[:env.Limits.MaxContainers], true
	}
	for _, d := range dbs {
		ds.Containers = append(ds.Containers, event.Container{Kind: "database", Name: "db" + strconv.Itoa(d.DB), Documents: event.Int64(d.Keys)})
	}
	ev.Indicators = append(ev.Indicators, configIndicators(c)...)

	var names, values int
	var walkErr error
	for i := range ds.Containers {
		if i >= maxSampledDBs || ctx.Err() != nil {
			ds.Truncated = true
			break
		}
		w, err := walkDB(c, env, dbs[i].DB, &ds.Containers[i])
		names += w.names
		values += w.values
		ev.Indicators = append(ev.Indicators, w.indicators...)
		if w.truncated {
			ds.Truncated = true
		}
		if isServerError(err) { // e.g. NOPERM for SELECT or SCAN: this database stays uncounted in samples
			ds.Truncated = true
			ev.Errors = append(ev.Errors, fmt.Sprintf("db%d: %v", dbs[i].DB, err))
			continue
		}
		if err != nil {
			walkErr = err
			break
		}
	}
	if values > 0 {
		ev.Access.Level = event.AccessData
	}
	ev.Access.Proof = proof(ev.Service.Version, dbs, names, values)
	return walkErr
}

func proof(version string, dbs []DBKeys, names, values int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INFO (Redis %s) keyspace:", version)
	if len(dbs) == 0 {
		b.WriteString(" empty")
	}
	for i, d := range dbs {
		if i == 4 {
			fmt.Fprintf(&b, " +%d more", len(dbs)-i)
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " db%d keys=%d", d.DB, d.Keys)
	}
	fmt.Fprintf(&b, "; SCAN returned %d keys; read %d values", names, values)
	return b.String()
}

func clipString(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
