package cassandra

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// systemKeyspaces hold Cassandra's own schema and state, not user data.
var systemKeyspaces = map[string]bool{
	"system": true, "system_schema": true, "system_auth": true, "system_distributed": true,
	"system_traces": true, "system_views": true, "system_virtual_schema": true,
}

type inventory struct {
	c         *conn
	l         probe.Limits
	ds        *event.Dataset
	keyspaces int
	tables    int
	sampled   int
	errs      []string
}

type tableRef struct{ ks, name string }

func (inv *inventory) run(ctx context.Context) error {
	inv.ds = &event.Dataset{}
	max := max(inv.l.MaxContainers, 1)
	ks, err := inv.c.query("SELECT keyspace_name FROM system_schema.keyspaces", max)
	if err != nil {
		return err
	}
	tb, err := inv.c.query("SELECT keyspace_name, table_name FROM system_schema.tables", max)
	if err != nil {
		return err
	}
	inv.ds.Truncated = ks.More || tb.More
	var tables []tableRef
	perKeyspace := map[string]int{}
	for _, row := range tb.Rows {
		k, _ := row[0].(string)
		n, _ := row[1].(string)
		if k == "" || n == "" || systemKeyspaces[k] {
			continue
		}
		tables = append(tables, tableRef{k, n})
		perKeyspace[k]++
	}
	estimates := inv.estimates()
	for _, row := range ks.Rows {
		k, _ := row[0].(string)
		if k == "" || systemKeyspaces[k] || len(inv.ds.Containers) >= max {
			continue
		}
		inv.keyspaces++
		inv.ds.Containers = append(inv.ds.Containers, event.Container{Kind: "keyspace", Name: clip(k, 256)})
	}
	for _, t := range tables {
		if len(inv.ds.Containers) >= max {
			inv.ds.Truncated = true
			break
		}
		inv.tables++
		cont := event.Container{Kind: "table", Name: clip(t.name, 256), Parent: clip(t.ks, 256)}
		if n, ok := estimates[t]; ok && n > 0 {
			cont.Documents = event.Int64(n)
		}
		if inv.l.Sample > 0 && ctx.Err() == nil {
			if err := inv.sample(t, &cont); err != nil {
				inv.errs = append(inv.errs, err.Error())
				if !isServerError(err) {
					inv.ds.Containers = append(inv.ds.Containers, cont)
					inv.ds.Truncated = true
					return nil // transport trouble: keep what we have
				}
			}
		}
		inv.ds.Containers = append(inv.ds.Containers, cont)
	}
	return nil
}

// estimates sums system.size_estimates' partition counts per table. The
// table is refreshed every few minutes and may be empty or absent: then
// counts stay unknown.
func (inv *inventory) estimates() map[tableRef]int64 {
	out := map[tableRef]int64{}
	r, err := inv.c.query("SELECT keyspace_name, table_name, partitions_count FROM system.size_estimates", 10000)
	if err != nil {
		return out
	}
	for _, row := range r.Rows {
		k, _ := row[0].(string)
		n, _ := row[1].(string)
		if c, ok := row[2].(int64); ok && c > 0 {
			out[tableRef{k, n}] += c
		}
	}
	return out
}

// sample reads at most Limits.Sample rows of t as JSON objects.
func (inv *inventory) sample(t tableRef, cont *event.Container) error {
	r, err := inv.c.query("SELECT * FROM "+quote(t.ks)+"."+quote(t.name)+" LIMIT "+itoa(inv.l.Sample), inv.l.Sample)
	if err != nil {
		return err
	}
	for i, col := range r.Columns {
		if i < inv.l.MaxFields {
			cont.Fields = append(cont.Fields, clip(col, 256))
		}
	}
	for i, row := range r.Rows {
		doc := make(map[string]any, len(row))
		for j, v := range row {
			doc[r.Columns[j]] = v
		}
		b, err := json.Marshal(doc)
		if err != nil {
			continue
		}
		s := event.Sample{Key: "row " + itoa(i), Format: "json", Data: b}
		if len(b) > inv.l.MaxSampleBytes {
			s.Data, s.Format = b[:inv.l.MaxSampleBytes], "text"
		}
		cont.Samples = append(cont.Samples, s)
		cont.Sampled++
		inv.sampled++
	}
	return nil
}

// quote makes a CQL identifier from a name the server gave: double quotes,
// inner quotes doubled, so no name can break out of the statement.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func isServerError(err error) bool {
	var se *serverError
	return errors.As(err, &se)
}

func itoa(n int) string { return strconv.Itoa(n) }
