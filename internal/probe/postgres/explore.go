package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Every statement the probe sends is one of these read-only shapes; the lab
// test checks the server's statement log against this promise.
const (
	sqlReadOnly  = "SET default_transaction_read_only = on"
	sqlTimeout   = "SET statement_timeout = '10s'"
	sqlBegin     = "BEGIN READ ONLY"
	sqlRollback  = "ROLLBACK"
	sqlVersion   = "SELECT version()"
	sqlDatabases = "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate AND has_database_privilege(oid, 'CONNECT') ORDER BY datname LIMIT %d"
	// sqlTables lists ordinary and partitioned tables (never foreign tables,
	// whose reads would make the target contact another server, nor views) with the planner's row estimate (reltuples,
	// -1 when never analysed; then the statistics collector's n_live_tup),
	// total size and column names as a JSON array.
	sqlTables = `SELECT n.nspname, c.relname, c.reltuples::bigint, COALESCE(s.n_live_tup, -1), pg_total_relation_size(c.oid), ` +
		`(SELECT json_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) ` +
		`FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid ` +
		`WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%%' ` +
		`ORDER BY pg_total_relation_size(c.oid) DESC, 1, 2 LIMIT %d`
	// sqlSample truncates each row's JSON on the server, so one huge row
	// cannot exceed the sample budget on the wire.
	sqlSample = "SELECT left(row_to_json(t)::text, %d) FROM %s.%s t LIMIT %d"
)

// explorer holds one Explore run's state.
type explorer struct {
	ctx     context.Context
	env     *probe.Env
	t       probe.Target
	ev      *event.Event
	ds      *event.Dataset
	tables  int
	sampled int
}

// session puts a fresh connection into read-only mode; every transaction
// after it is also opened with BEGIN READ ONLY.
func session(c *conn) error {
	for _, s := range []string{sqlReadOnly, sqlTimeout} {
		if err := c.exec(s); err != nil {
			return err
		}
	}
	return nil
}

func (x *explorer) run(c *conn, firstDB string) error {
	defer x.finish()
	lim := x.env.Limits
	if err := session(c); err != nil {
		return err
	}
	if err := c.exec(sqlBegin); err != nil {
		return err
	}
	r, err := c.query(sqlVersion, 1)
	if err == nil && len(r.rows) == 1 && len(r.rows[0]) == 1 && r.rows[0][0] != nil {
		x.ev.Service.Info["version"] = truncate(*r.rows[0][0], 200)
	} else if _, ok := err.(*serverError); err != nil && !ok {
		return err // the connection is unusable
	}
	r, err = c.query(fmt.Sprintf(sqlDatabases, lim.MaxContainers+1), lim.MaxContainers+1)
	if err != nil {
		return err
	}
	// Proof comes first: the database list itself is data only a logged-in
	// client can read.
	var dbs []string
	for _, row := range r.rows {
		if len(row) == 1 && row[0] != nil {
			dbs = append(dbs, *row[0])
		}
	}
	if len(dbs) > lim.MaxContainers {
		dbs, x.ds.Truncated = dbs[:lim.MaxContainers], true
	}
	x.ev.Status = event.StatusOpen
	x.ev.Dataset = x.ds
	x.ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("logged in with the default credentials %s; pg_database lists %d databases: %s",
			defaultCredentials, len(dbs), strings.Join(head(dbs, 5), ", "))}
	for _, db := range dbs {
		x.ds.Containers = append(x.ds.Containers, event.Container{Kind: "database", Name: db})
		x.indicate(db, "")
	}
	_ = c.exec(sqlRollback)
	for _, db := range dbs {
		if x.ctx.Err() != nil || x.tables >= lim.MaxContainers {
			x.ds.Truncated = true
			break
		}
		if err := x.database(c, firstDB, db); err != nil {
			x.ev.Errors = append(x.ev.Errors, fmt.Sprintf("database %s: %v", db, err))
			if probe.StatusOf(err) == event.StatusTooLarge || probe.StatusOf(err) == event.StatusTimeout {
				return err
			}
		}
	}
	return nil
}

// finish upgrades the proof once content was read, also when an error cut
// the inventory short.
func (x *explorer) finish() {
	if x.sampled > 0 && x.ev.Status == event.StatusOpen {
		x.ev.Access.Level = event.AccessData
		x.ev.Access.Proof += fmt.Sprintf("; read %d rows from %d tables", x.sampled, x.tables)
	}
}

// database inventories one database over its own connection (PostgreSQL
// binds a session to one database); the login connection serves firstDB.
func (x *explorer) database(c0 *conn, firstDB, db string) error {
	c := c0
	if db != firstDB {
		var err error
		if c, err = connect(x.ctx, x.env, x.t, defaultUser, db); err != nil {
			return err
		}
		defer c.close()
		if err := session(c); err != nil {
			return err
		}
	}
	if err := c.exec(sqlBegin); err != nil {
		return err
	}
	defer c.exec(sqlRollback)
	lim := x.env.Limits
	left := lim.MaxContainers - x.tables
	r, err := c.query(fmt.Sprintf(sqlTables, left+1), left+1)
	if err != nil {
		return err
	}
	if len(r.rows) > left {
		r.rows, x.ds.Truncated = r.rows[:left], true
	}
	for _, row := range r.rows {
		if len(row) != 6 || row[0] == nil || row[1] == nil {
			return probe.Protocolf("postgres: table row has %d columns", len(row))
		}
		tc := event.Container{Kind: "table", Name: *row[0] + "." + *row[1], Parent: db}
		if n, ok := num(row[2]); ok && n >= 0 {
			tc.Documents = event.Int64(n)
		} else if n, ok := num(row[3]); ok && n >= 0 {
			tc.Documents = event.Int64(n)
		}
		if n, ok := num(row[4]); ok && n >= 0 {
			tc.Bytes = event.Int64(n)
		}
		if row[5] != nil {
			var cols []string
			if json.Unmarshal([]byte(*row[5]), &cols) == nil {
				tc.Fields = head(cols, lim.MaxFields)
			}
		}
		x.indicate(db, tc.Name)
		if lim.Sample > 0 && x.ctx.Err() == nil {
			if err := x.sample(c, &tc, *row[0], *row[1]); err != nil {
				x.ev.Errors = append(x.ev.Errors, fmt.Sprintf("sample %s.%s: %v", db, tc.Name, err))
				if _, fatal := err.(*serverError); !fatal {
					return err
				}
				// A permission error aborted the transaction: start a new one.
				_ = c.exec(sqlRollback)
				_ = c.exec(sqlBegin)
			}
		}
		x.ds.Containers = append(x.ds.Containers, tc)
		x.tables++
	}
	return nil
}

// sample reads at most Limits.Sample rows of one table as JSON objects.
func (x *explorer) sample(c *conn, tc *event.Container, schema, table string) error {
	lim := x.env.Limits
	q := fmt.Sprintf(sqlSample, max(lim.MaxSampleBytes, 1), quoteIdent(schema), quoteIdent(table), lim.Sample)
	r, err := c.query(q, lim.Sample)
	if err != nil {
		return err
	}
	for i, row := range r.rows {
		if len(row) != 1 || row[0] == nil {
			continue
		}
		tc.Samples = append(tc.Samples, sampleOf(strconv.Itoa(i+1), []byte(*row[0]), lim.MaxSampleBytes))
	}
	tc.Sampled = len(tc.Samples)
	x.sampled += tc.Sampled
	return nil
}

// sampleOf keeps at most maxBytes of a JSON row; a cut row is no longer
// JSON and is marked "text" (left() counts characters, not bytes).
func sampleOf(key string, data []byte, maxBytes int) event.Sample {
	if len(data) > maxBytes {
		data = data[:maxBytes]
	}
	format := "json"
	if !json.Valid(data) {
		format = "text"
	}
	return event.Sample{Key: key, Format: format, Data: data}
}

func num(s *string) (int64, bool) {
	if s == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(*s, 10, 64)
	return n, err == nil
}

func head(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
