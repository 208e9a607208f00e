package clickhouse

import (
	"context"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// skippedDatabases hold the server's own tables, not user data.
const skippedDatabases = "('system', 'INFORMATION_SCHEMA', 'information_schema')"

type explorer struct {
	env       *probe.Env
	s         *session
	ds        *event.Dataset
	engines   map[string]string // container name -> engine
	sampled   int
	proofName string
	proofN    int
}

// inventory lists user tables with rows and bytes: system.tables has
// total_rows / total_bytes since 20.x; older servers get them from
// system.parts (MergeTree) and count() (Log and Memory engines).
func (x *explorer) inventory(ctx context.Context) error {
	limit := max(x.env.Limits.MaxContainers, 1)
	base := "SELECT database, name, engine, toString(metadata_modification_time) AS modified%s FROM system.tables WHERE database NOT IN " +
		skippedDatabases + fmt.Sprintf(" ORDER BY database, name LIMIT %d FORMAT JSONEachRow", limit+1)
	body, err := x.s.query(ctx, fmt.Sprintf(base, ", total_rows, total_bytes"))
	modern := err == nil
	if err != nil {
		if body, err = x.s.query(ctx, fmt.Sprintf(base, "")); err != nil {
			return err
		}
	}
	rows, err := parseRows(body, limit+1, x.env.Limits.MaxSampleBytes)
	if err != nil {
		return err
	}
	if len(rows) > limit {
		rows, x.ds.Truncated = rows[:limit], true
	}
	x.engines = map[string]string{}
	for _, r := range rows {
		t := tableRow(r.doc)
		ct := event.Container{Kind: "table", Name: t.db + "." + t.name, Parent: t.db,
			Documents: t.rows, Bytes: t.bytes, Created: t.modified}
		x.engines[ct.Name] = t.engine
		x.ds.Containers = append(x.ds.Containers, ct)
	}
	if !modern {
		x.oldCounts(ctx)
	}
	return nil
}

// oldCounts fills rows/bytes on servers without system.tables.total_rows.
func (x *explorer) oldCounts(ctx context.Context) {
	body, err := x.s.query(ctx, "SELECT database, table, toString(sum(rows)) AS rows, toString(sum(bytes)) AS bytes FROM system.parts "+
		"WHERE active AND database NOT IN "+skippedDatabases+" GROUP BY database, table FORMAT JSONEachRow")
	parts := map[string]partRow{}
	if err == nil {
		if rows, err := parseRows(body, maxRows, 0); err == nil {
			for _, r := range rows {
				p := parseParts(r.doc)
				parts[p.db+"."+p.table] = p
			}
		}
	}
	for i := range x.ds.Containers {
		ct := &x.ds.Containers[i]
		if p, ok := parts[ct.Name]; ok {
			ct.Documents, ct.Bytes = p.rows, p.bytes
			continue
		}
		eng := x.engines[ct.Name]
		if ctx.Err() != nil || !(strings.HasSuffix(eng, "Log") || eng == "Memory" || strings.HasSuffix(eng, "MergeTree")) {
			continue // count() on a View runs its query; on remote engines it reaches other hosts
		}
		if b, err := x.s.query(ctx, "SELECT count() FROM "+quoteIdent(ct.Parent)+"."+quoteIdent(strings.TrimPrefix(ct.Name, ct.Parent+"."))); err == nil {
			ct.Documents = parseCount(b)
		}
	}
}

// sample reads LIMIT N rows of every locally stored table.
func (x *explorer) sample(ctx context.Context, ev *event.Event) {
	n := x.env.Limits.Sample
	if n <= 0 {
		return
	}
	for i := range x.ds.Containers {
		ct := &x.ds.Containers[i]
		if ctx.Err() != nil {
			x.ds.Truncated = true
			return
		}
		if !localEngine(x.engines[ct.Name]) {
			continue
		}
		table := strings.TrimPrefix(ct.Name, ct.Parent+".")
		body, err := x.s.query(ctx, fmt.Sprintf("SELECT * FROM %s.%s LIMIT %d FORMAT JSONEachRow", quoteIdent(ct.Parent), quoteIdent(table), n))
		if err != nil {
			ev.Errors = append(ev.Errors, err.Error())
			continue
		}
		rows, err := parseRows(body, n, x.env.Limits.MaxSampleBytes)
		if err != nil {
			ev.Errors = append(ev.Errors, fmt.Sprintf("%s: %v", ct.Name, err))
			continue
		}
		for j, r := range rows {
			ct.Samples = append(ct.Samples, event.Sample{Key: fmt.Sprintf("%s#%d", ct.Name, j), Format: r.format, Data: r.raw})
			if j == 0 {
				ct.Fields = fieldNames(r.doc, x.env.Limits.MaxFields)
			}
		}
		ct.Sampled = len(ct.Samples)
		if ct.Sampled > 0 && x.proofName == "" {
			x.proofName, x.proofN = ct.Name, ct.Sampled
		}
		x.sampled += ct.Sampled
	}
}

// localEngine: tables whose data is on this server; reading Views,
// Distributed, MySQL, URL, Kafka... would run queries or reach other hosts.
func localEngine(e string) bool {
	return strings.HasSuffix(e, "MergeTree") || strings.HasSuffix(e, "Log") || e == "Memory"
}
