package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Exposure states a listing can select (WebFilter.Status).
const (
	StateAny    = ""
	StateNew    = "new"    // open, and seen by one scan only so far
	StateOpen   = "open"   // open (new ones included)
	StateClosed = "closed" // closed again
)

// WebFilter selects exposures for the dashboard and the JSON API: the
// filters of ExposureFilter plus a state, one exact severity, a data type
// found in the last sighting, and a text search. Zero values select all.
type WebFilter struct {
	Status      string         // StateAny, StateNew, StateOpen, StateClosed
	Service     string         // probe name
	IP          string         // exact address
	Severity    event.Severity // exact grade; "" = any
	MinSeverity event.Severity // at least this grade; "" = any
	DataType    string         // a finding type of the last sighting ("email", "phone", ...)
	Query       string         // substring of the fingerprint, host, product, version or a container name
	Since       time.Time      // last seen at or after
}

// maxQuery bounds the text search (a LIKE pattern, escaped).
const maxQuery = 200

func (f WebFilter) where() (string, []any, error) {
	var where []string
	var args []any
	switch f.Status {
	case StateAny:
	case StateOpen:
		where = append(where, "open = 1")
	case StateClosed:
		where = append(where, "open = 0")
	case StateNew:
		where = append(where, "open = 1 AND first_scan_id = last_scan_id")
	default:
		return "", nil, fmt.Errorf("store: unknown exposure state %q (want new, open or closed)", f.Status)
	}
	if f.Service != "" {
		where, args = append(where, "service = ?"), append(args, f.Service)
	}
	if f.IP != "" {
		where, args = append(where, "ip = ?"), append(args, f.IP)
	}
	if f.Severity != "" {
		if _, ok := severityRank[f.Severity]; !ok {
			return "", nil, fmt.Errorf("store: unknown severity %q", f.Severity)
		}
		where, args = append(where, "severity = ?"), append(args, string(f.Severity))
	}
	if f.MinSeverity != "" {
		rank, ok := severityRank[f.MinSeverity]
		if !ok {
			return "", nil, fmt.Errorf("store: unknown severity %q", f.MinSeverity)
		}
		where, args = append(where, severityOrder+" >= ?"), append(args, rank)
	}
	if f.DataType != "" {
		where = append(where, "last_service_id IN (SELECT service_id FROM findings WHERE type = ?)")
		args = append(args, f.DataType)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if len(q) > maxQuery {
			return "", nil, fmt.Errorf("store: search text longer than %d bytes", maxQuery)
		}
		pat := "%" + likeEscaper.Replace(q) + "%"
		// One pass over the containers (their covering index) instead of
		// one lookup per exposure: the search stays linear in the store.
		where = append(where, `(fingerprint LIKE ?S ESCAPE '\' OR host LIKE ?S ESCAPE '\' OR product LIKE ?S ESCAPE '\'
			OR version LIKE ?S ESCAPE '\' OR last_service_id IN (SELECT service_id FROM containers
			WHERE name LIKE ?S ESCAPE '\' OR parent LIKE ?S ESCAPE '\'))`)
		args = append(args, pat)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "last_seen >= ?"), append(args, fmtTime(f.Since))
	}
	if len(where) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(where, " AND "), args, nil
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// WebExposures returns one page of the exposures matching f, open first,
// worst first, newest first (the order of the exposures_web_order index),
// and how many match in total.
func (s *Store) WebExposures(ctx context.Context, f WebFilter, p Page) ([]Exposure, int, error) {
	cond, args, err := f.where()
	if err != nil {
		return nil, 0, err
	}
	// Numbered parameters: the text search uses its pattern several times.
	cond, args = numberParams(cond, args)
	if p.Limit <= 0 {
		p.Limit = 100
	}
	n := len(args)
	order := fmt.Sprintf(` ORDER BY open DESC, %s DESC, last_seen DESC, fingerprint DESC LIMIT ?%d OFFSET ?%d`,
		severityOrder, n+1, n+2)
	if strings.TrimSpace(f.Query) != "" {
		// A text search reads every row whatever the page: count in the
		// same pass (a window) instead of a second full scan.
		return s.webExposuresCounted(ctx, cond, order, append(args, p.Limit, max(p.Offset, 0)))
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM exposures`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+exposureCols+` FROM exposures`+cond+order,
		append(args, p.Limit, max(p.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	out := []Exposure{}
	for rows.Next() {
		e, err := scanExposure(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: %w", err)
		}
		out = append(out, *e)
	}
	return out, total, rows.Err()
}

func (s *Store) webExposuresCounted(ctx context.Context, cond, order string, args []any) ([]Exposure, int, error) {
	// The window materialises every match: only the page's keys are
	// carried through it, the page's rows are read by key after.
	rows, err := s.r.QueryContext(ctx, `SELECT fingerprint, count(*) OVER () FROM exposures`+cond+order, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	var keys []string
	total := 0
	for rows.Next() {
		var fp string
		if err := rows.Scan(&fp, &total); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("store: %w", err)
		}
		keys = append(keys, fp)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	if len(keys) == 0 && args[len(args)-1].(int) > 0 {
		// Past the last page the window saw no row: count without it.
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM exposures`+cond, args[:len(args)-2]...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store: %w", err)
		}
	}
	out := make([]Exposure, 0, len(keys))
	for _, fp := range keys {
		e, err := s.GetExposure(ctx, fp)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *e)
	}
	return out, total, nil
}

// numberParams turns the "?" placeholders of cond into ?N in argument
// order; every "?S" (the search pattern, used several times) gets the one
// number of its argument.
func numberParams(cond string, args []any) (string, []any) {
	var b strings.Builder
	next := 0
	search := -1
	for i := 0; i < len(cond); i++ {
		if cond[i] != '?' {
			b.WriteByte(cond[i])
			continue
		}
		if i+1 < len(cond) && cond[i+1] == 'S' {
			// every ?S of the search clause is the one pattern argument
			if search < 0 {
				search = next
				next++
			}
			fmt.Fprintf(&b, "?%d", search+1)
			i++
			continue
		}
		next++
		fmt.Fprintf(&b, "?%d", next)
	}
	return b.String(), args
}
