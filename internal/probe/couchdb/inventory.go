package couchdb

import (
	"context"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// inventory collects containers, samples and indicators across databases.
type inventory struct {
	env        *probe.Env
	c          *httpx.Client
	ds         *event.Dataset
	indicators []event.Indicator
	readable   int    // user (non-system) databases whose info was readable
	sampled    int    // non-design documents read across databases
	proofDB    string // the first database documents were read from
	proofCount int64
}

func (inv *inventory) database(ctx context.Context, name string) error {
	r, err := inv.c.Get(ctx, dbPath(name))
	if err != nil {
		return err
	}
	if r.Status < 200 || r.Status > 299 {
		inv.ds.Containers = append(inv.ds.Containers, event.Container{Kind: "database", Name: name})
		return &httpx.StatusError{Path: dbPath(name), Status: r.Status}
	}
	info, err := parseDBInfo(r.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", dbPath(name), err)
	}
	if !strings.HasPrefix(name, "_") {
		inv.readable++ // system databases (_users, _replicator) alone prove nothing
	}
	ct := event.Container{Kind: "database", Name: name, Documents: info.docs(), Bytes: info.bytes()}
	if isRansomName(name) {
		inv.indicators = append(inv.indicators, event.Indicator{Kind: "ransom-note", Container: name,
			Detail: "database name typical of ransom notes left by wipers"})
	}
	var sampleErr error
	if n := inv.env.Limits.Sample; n > 0 {
		sampleErr = inv.sample(ctx, &ct, n)
	}
	if users := countPrefix(ct.Samples, "org.couchdb.user:"); name == "_users" && users > 0 {
		inv.indicators = append(inv.indicators, event.Indicator{Kind: "users-readable", Container: name,
			Detail: fmt.Sprintf("the _users database is readable anonymously (%d user documents read)", users)})
	}
	inv.ds.Containers = append(inv.ds.Containers, ct)
	return sampleErr
}

// sample reads at most n documents with _all_docs?include_docs=true.
func (inv *inventory) sample(ctx context.Context, ct *event.Container, n int) error {
	path := fmt.Sprintf("%s/_all_docs?include_docs=true&limit=%d", dbPath(ct.Name), n)
	r, err := inv.c.Get(ctx, path)
	if err != nil {
		return err
	}
	if r.Status < 200 || r.Status > 299 {
		return &httpx.StatusError{Path: path, Status: r.Status}
	}
	docs, err := parseAllDocs(r.Body, n, inv.env.Limits.MaxSampleBytes, inv.env.Limits.MaxFields)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ct.Samples = docs.samples
	ct.Sampled = len(docs.samples)
	ct.Fields = docs.fields
	// Design documents are code every database has; only the others prove data access.
	if data := ct.Sampled - countPrefix(ct.Samples, "_design/"); data > 0 {
		if inv.proofDB == "" {
			inv.proofDB, inv.proofCount = ct.Name, int64(data)
		}
		inv.sampled += data
	}
	return nil
}

func (inv *inventory) access(listed int) event.Access {
	a := event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("_all_dbs listed %d databases; info of %d readable", listed, inv.readable)}
	if inv.sampled > 0 {
		a.Level = event.AccessData
		a.Proof = fmt.Sprintf("read %d documents from %q via _all_docs (%d databases listed)", inv.proofCount, inv.proofDB, listed)
	}
	return a
}

func countPrefix(samples []event.Sample, prefix string) int {
	n := 0
	for _, s := range samples {
		if strings.HasPrefix(s.Key, prefix) {
			n++
		}
	}
	return n
}

// isRansomName matches database names that ransom bots leave behind.
func isRansomName(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"readme", "read_me", "read-me", "wegeturdb", "meow", "recover_your", "warning"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
