package mysql

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// The statements the probe sends: reads, session settings and a read-only
// transaction. The lab test checks the general query log against this.
const (
	sqlReadOnly = "START TRANSACTION READ ONLY"
	sqlRollback = "ROLLBACK"
	// sqlServer also yields the server's offset from UTC, because
	// information_schema's CREATE_TIME is in the server's time zone.
	sqlServer     = "SELECT @@version, @@version_comment, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW())"
	systemSchemas = "'mysql', 'information_schema', 'performance_schema', 'sys'"
	sqlSchemas    = "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (" + systemSchemas + ") ORDER BY SCHEMA_NAME LIMIT %d"
	sqlTables     = "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATA_LENGTH, CREATE_TIME, ENGINE FROM information_schema.TABLES " +
		"WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND TABLE_SCHEMA NOT IN (" + systemSchemas + ") " +
		"ORDER BY TABLE_SCHEMA, TABLE_NAME LIMIT %d"
	sqlColumns = "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION LIMIT %d"
)

// Session time limits, one per dialect; the other one fails harmlessly.
var sqlTimeouts = map[string]string{
	"MariaDB": "SET SESSION max_statement_time = 10",
	"MySQL":   "SET SESSION max_execution_time = 10000",
}

// longTypes are column types whose values can be large: sampled through
// LEFT() so the server truncates them, not our buffers.
var longTypes = map[string]bool{"char": true, "varchar": true, "tinytext": true, "text": true, "mediumtext": true,
	"longtext": true, "tinyblob": true, "blob": true, "mediumblob": true, "longblob": true, "binary": true,
	"varbinary": true, "json": true}

// remoteEngines store their rows on another server: never sampled.
var remoteEngines = map[string]bool{"FEDERATED": true, "FEDERATEDX": true, "CONNECT": true, "SPIDER": true}

type explorer struct {
	ctx     context.Context
	env     *probe.Env
	c       *conn
	ev      *event.Event
	ds      *event.Dataset
	tzShift time.Duration
	sampled int
	tables  int
}

func (x *explorer) run() error {
	defer x.finish()
	lim := x.env.Limits
	if s, ok := sqlTimeouts[x.ev.Service.Product]; ok {
		if _, err := x.c.query(s, 0); serverSide(err) != nil {
			return err
		}
	}
	if r, err := x.c.query(sqlServer, 1); err == nil && len(r.rows) == 1 && len(r.rows[0]) == 3 {
		if v := r.rows[0][1]; v != nil {
			x.ev.Service.Info["version_comment"] = truncate(string(v), 100)
		}
		if n, err := strconv.Atoi(string(r.rows[0][2])); err == nil {
			x.tzShift = time.Duration(n) * time.Second
		}
	} else if serverSide(err) != nil {
		return err
	}
	// Older servers lack READ ONLY transactions; the probe reads only anyway.
	if _, err := x.c.query(sqlReadOnly, 0); serverSide(err) != nil {
		return err
	}
	defer x.c.query(sqlRollback, 0)
	r, err := x.c.query(fmt.Sprintf(sqlSchemas, lim.MaxContainers+1), lim.MaxContainers+1)
	if err != nil {
		return err
	}
	x.ds = &event.Dataset{}
	var schemas []string
	for _, row := range r.rows {
		if len(row) == 1 && row[0] != nil {
			schemas = append(schemas, string(row[0]))
		}
	}
	if len(schemas) > lim.MaxContainers {
		schemas, x.ds.Truncated = schemas[:lim.MaxContainers], true
	}
	x.ev.Status = event.StatusOpen
	x.ev.Dataset = x.ds
	x.ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("logged in with the default credentials: %s; %d schemas: %s",
			defaultCredentials, len(schemas), strings.Join(head(schemas, 5), ", "))}
	for _, s := range schemas {
		x.ds.Containers = append(x.ds.Containers, event.Container{Kind: "database", Name: s})
		x.indicate(s, "")
	}
	if err := x.inventory(); err != nil {
		return err
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

func (x *explorer) inventory() error {
	lim := x.env.Limits
	left := max(lim.MaxContainers-len(x.ds.Containers), 0)
	r, err := x.c.query(fmt.Sprintf(sqlTables, left+1), left+1)
	if err != nil {
		return err
	}
	if len(r.rows) > left {
		r.rows, x.ds.Truncated = r.rows[:left], true
	}
	for _, row := range r.rows {
		if x.ctx.Err() != nil {
			x.ds.Truncated = true
			return nil
		}
		if len(row) != 6 || row[0] == nil || row[1] == nil {
			return probe.Protocolf("mysql: table row has %d columns", len(row))
		}
		schema, table := string(row[0]), string(row[1])
		tc := event.Container{Kind: "table", Name: table, Parent: schema}
		if n, err := strconv.ParseInt(string(row[2]), 10, 64); err == nil && n >= 0 {
			tc.Documents = event.Int64(n)
		}
		if n, err := strconv.ParseInt(string(row[3]), 10, 64); err == nil && n >= 0 {
			tc.Bytes = event.Int64(n)
		}
		if ct, err := time.Parse(time.DateTime, string(row[4])); err == nil {
			ct = ct.Add(-x.tzShift).UTC()
			tc.Created = &ct
		}
		x.indicate(schema, table)
		if remoteEngines[strings.ToUpper(string(row[5]))] {
			// Reading it would make the target connect to another server.
			x.ev.Indicators = append(x.ev.Indicators, event.Indicator{Kind: "remote-table", Container: schema + "." + table,
				Detail: fmt.Sprintf("engine %s keeps its rows on another server; not sampled", row[5])})
		} else if err := x.table(&tc); err != nil {
			x.ev.Errors = append(x.ev.Errors, fmt.Sprintf("table %s.%s: %v", schema, table, err))
			if serverSide(err) != nil {
				return err
			}
		}
		x.ds.Containers = append(x.ds.Containers, tc)
		x.tables++
	}
	return nil
}

// table reads the column names and samples rows, long values truncated by
// the server.
func (x *explorer) table(tc *event.Container) error {
	lim := x.env.Limits
	r, err := x.c.query(fmt.Sprintf(sqlColumns, quoteString(tc.Parent), quoteString(tc.Name), lim.MaxFields), lim.MaxFields)
	if err != nil {
		return err
	}
	var exprs []string
	for _, row := range r.rows {
		if len(row) != 2 || row[0] == nil {
			continue
		}
		name := string(row[0])
		tc.Fields = append(tc.Fields, name)
		if longTypes[strings.ToLower(string(row[1]))] {
			exprs = append(exprs, fmt.Sprintf("LEFT(%s, %d) AS %s", quoteIdent(name), max(lim.MaxSampleBytes, 1), quoteIdent(name)))
		} else {
			exprs = append(exprs, quoteIdent(name))
		}
	}
	if lim.Sample <= 0 || len(exprs) == 0 {
		return nil
	}
	q := fmt.Sprintf("SELECT %s FROM %s.%s LIMIT %d", strings.Join(exprs, ", "), quoteIdent(tc.Parent), quoteIdent(tc.Name), lim.Sample)
	s, err := x.c.query(q, lim.Sample)
	if err != nil {
		return err
	}
	for i, row := range s.rows {
		js, format := rowJSON(s.cols, row), "json"
		if len(js) > lim.MaxSampleBytes {
			js, format = js[:lim.MaxSampleBytes], "text" // a cut row is no longer JSON
		}
		tc.Samples = append(tc.Samples, event.Sample{Key: strconv.Itoa(i + 1), Format: format, Data: js})
	}
	tc.Sampled = len(tc.Samples)
	x.sampled += tc.Sampled
	return nil
}

// serverSide returns nil for a server's ERR reply (the session goes on) and
// err for anything that leaves the connection unusable.
func serverSide(err error) error {
	if _, ok := err.(*serverError); ok {
		return nil
	}
	return err
}

// quoteString quotes an SQL string literal (backslashes too: MySQL's
// default sql_mode treats them as escapes).
func quoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`, "\x00", `\0`).Replace(s) + "'"
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
