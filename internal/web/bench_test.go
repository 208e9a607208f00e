package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/store"
)

// benchExposures is the store size the dashboard must stay fast with.
const benchExposures = 100_000

// fillBulk writes n exposures straight into the tables (RecordEvent would
// take minutes): the newest scan saw every one of them, ten older scans a
// thousand each; every exposure has a container and a finding.
func fillBulk(b *testing.B, path string, n int) {
	ctx := context.Background()
	st, err := store.Open(ctx, path) // schema and indexes
	if err != nil {
		b.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	const layout = "2006-01-02T15:04:05.000000000Z07:00"
	base := time.Now().UTC().Add(-11 * 24 * time.Hour)
	sevs := []string{"critical", "high", "medium", "low", "info", ""}
	services := []string{"elasticsearch", "mongodb", "redis", "couchdb", "postgresql", "etcd"}
	types := []string{"email", "phone", "password", "aws_access_key_id", "iban"}
	insSvc, _ := tx.Prepare(`INSERT INTO services(scan_id, time, target, ip, port, service, status, access_level, severity,
		containers, documents, bytes, fingerprint, event) VALUES (?, ?, ?, ?, ?, ?, 'open', 'data', ?, 1, ?, ?, ?, '{}')`)
	insExp, _ := tx.Prepare(`INSERT INTO exposures(fingerprint, ip, port, service, product, status, access_level, severity,
		open, first_seen, last_seen, closed_at, first_scan_id, last_scan_id, last_service_id)
		VALUES (?, ?, ?, ?, ?, 'open', 'data', ?, ?, ?, ?, ?, ?, ?, ?)`)
	insCont, _ := tx.Prepare(`INSERT INTO containers(service_id, kind, name, documents, bytes) VALUES (?, 'index', ?, ?, ?)`)
	insFind, _ := tx.Prepare(`INSERT INTO findings(service_id, container, field, type, rule, confidence, count, documents)
		VALUES (?, ?, 'f', ?, 'r', 'high', 3, 3)`)
	for s := range 11 {
		id := fmt.Sprintf("scan-%02d", s)
		started := base.Add(time.Duration(s) * 24 * time.Hour).Format(layout)
		if _, err := tx.Exec(`INSERT INTO scans(id, started, finished, updated, args, status, total, services, identified, exposed)
			VALUES (?, ?, ?, ?, '{}', 'done', 65536, 0, 0, 0)`, id, started, started, started); err != nil {
			b.Fatal(err)
		}
		count := 1000
		if s == 10 {
			count = n
		}
		for i := range count {
			ip := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
			svc := services[i%len(services)]
			fp := ip + ":9200/" + svc
			res, err := insSvc.Exec(id, started, ip, ip, 9200, svc, sevs[i%len(sevs)], 1000+i, 4096, fp)
			if err != nil {
				b.Fatal(err)
			}
			if s != 10 {
				continue
			}
			sid, _ := res.LastInsertId()
			open, closed := 1, any(nil)
			if i%10 == 0 {
				open, closed = 0, started
			}
			first := "scan-10"
			if i < 1000 {
				first = "scan-00"
			}
			if _, err := insExp.Exec(fp, ip, 9200, svc, svc, sevs[i%len(sevs)], open, started, started, closed,
				first, id, sid); err != nil {
				b.Fatal(err)
			}
			name := fmt.Sprintf("customers-%06d", i)
			if _, err := insCont.Exec(sid, name, 1000+i, 4096); err != nil {
				b.Fatal(err)
			}
			if _, err := insFind.Exec(sid, name, types[i%len(types)]); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPages100k measures whole page requests (store queries, template,
// HTTP) with 100k exposures in the store. Target: < 200 ms each.
//
//	go test -run '^$' -bench Pages100k -benchtime 20x ./internal/web
func BenchmarkPages100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "lw.db")
	t0 := time.Now()
	fillBulk(b, path, benchExposures)
	b.Logf("filled %d exposures in %v", benchExposures, time.Since(t0).Round(time.Millisecond))
	st, err := store.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	v, token, err := LoadOrCreateToken(filepath.Join(b.TempDir(), "t.json"))
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{Store: st, Verifier: v})
	if err != nil {
		b.Fatal(err)
	}
	for _, page := range []struct{ name, path string }{
		{"overview", "/"},
		{"list", "/exposures"},
		{"list-open", "/exposures?status=open"},
		{"list-page-1000", "/exposures?status=open&page=1000"},
		{"list-high-redis", "/exposures?severity=high&service=redis"},
		{"list-type-email", "/exposures?type=email"},
		{"list-search", "/exposures?q=customers-04242"},
		{"list-search-broad", "/exposures?q=10."},
		{"api-exposures", "/api/v1/exposures?status=open&per_page=100"},
	} {
		b.Run(page.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", page.path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %.200s", page.path, rec.Code, rec.Body.String())
				}
			}
		})
	}
}
