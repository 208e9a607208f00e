package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// How the index list was obtained (the first words of the access proof).
const (
	methodCat  = "_cat/indices"
	methodZinc = "ZincSearch /api/index"
	methodHits = "_search hits"
)

// Without _cat/indices, indices are discovered from the _index of
// all-index search hits (no _source): at most hitsDiscoveryPages pages of
// hitsDiscoverySize hits (≈ 200 bytes each), well inside the
// max_result_window (10,000) of Elasticsearch-compatible servers.
const (
	hitsDiscoverySize  = 1000
	hitsDiscoveryPages = 5
)

type listing struct {
	method    string
	indices   []*index
	truncated bool
}

// listIndices tries _cat/indices (Elasticsearch, OpenSearch), then
// ZincSearch's native index list on its own port, then the distinct
// _index of an all-index search (ES-compatible servers without _cat).
func (x *explorer) listIndices(ctx context.Context) (*listing, error) {
	l, err := x.catIndices(ctx)
	if err == nil || !isMissingAPI(err) {
		return l, err
	}
	if x.b.base == "/es" {
		l, err = x.zincIndices(ctx)
		if err == nil || !isMissingAPI(err) {
			return l, err
		}
	}
	return x.hitsIndices(ctx)
}

type catRow struct {
	Index   string `json:"index"`
	Status  string `json:"status"`
	Docs    count  `json:"docs.count"`
	Store   count  `json:"store.size"`
	Created count  `json:"creation.date"`
}

func (x *explorer) catIndices(ctx context.Context) (*listing, error) {
	paths := []string{
		x.path("/_cat/indices?format=json&bytes=b&expand_wildcards=all&h=index,status,docs.count,store.size,creation.date"),
		x.path("/_cat/indices?format=json&bytes=b"), // servers that reject h= or expand_wildcards
	}
	// Rows are decoded one by one: one odd row is skipped, not fatal.
	var rows []json.RawMessage
	var err error
	for _, p := range paths {
		rows = nil
		r, gerr := x.c.Get(ctx, p)
		if gerr != nil {
			return nil, gerr
		}
		err = decode(r, p, x.env.Limits.MaxDepth, &rows)
		if err == nil || statusOf(err) != 400 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	l := &listing{method: methodCat}
	seen := map[string]bool{}
	bad := 0
	for _, raw := range rows {
		var row catRow
		if json.Unmarshal(raw, &row) != nil {
			bad++
			continue
		}
		if row.Index == "" || seen[row.Index] {
			continue
		}
		seen[row.Index] = true
		ix := x.newIndex(row.Index)
		ix.closed = row.Status == "close"
		ix.docs = x.setCount(ix, "docs.count", row.Docs)
		ix.bytes = x.setCount(ix, "store.size", row.Store)
		if t, ok := epochMillis(row.Created); ok {
			ix.created = &t
		} else if row.Created.set || row.Created.bad != "" {
			x.note("index %q: creation.date %q is not a plausible time; treated as unknown", clip(ix.name, 100), clip(string(rawOf(row.Created)), 40))
		}
		l.indices = append(l.indices, ix)
	}
	if bad > 0 {
		x.note("_cat/indices: %d malformed rows skipped", bad)
	}
	return l, nil
}

func rawOf(n count) string {
	if n.bad != "" {
		return n.bad
	}
	b, _ := json.Marshal(n.v)
	return string(b)
}

func (x *explorer) newIndex(name string) *index {
	return &index{name: clip(name, 255), hidden: strings.HasPrefix(name, ".")}
}

// zincIndices reads ZincSearch's native index list (GET /api/index), which
// has exact document counts, sizes and mappings in one answer.
func (x *explorer) zincIndices(ctx context.Context) (*listing, error) {
	var z struct {
		List []struct {
			Name  string `json:"name"`
			Stats struct {
				DocNum      count `json:"doc_num"`
				StorageSize count `json:"storage_size"`
			} `json:"stats"`
			Mappings json.RawMessage `json:"mappings"`
		} `json:"list"`
	}
	const p = "/api/index"
	r, err := x.c.Get(ctx, p)
	if err != nil {
		return nil, err
	}
	if err := decode(r, p, x.env.Limits.MaxDepth, &z); err != nil {
		return nil, err
	}
	l := &listing{method: methodZinc}
	seen := map[string]bool{}
	for _, e := range z.List {
		if e.Name == "" || seen[e.Name] {
			continue
		}
		seen[e.Name] = true
		ix := x.newIndex(e.Name)
		ix.docs = x.setCount(ix, "doc_num", e.Stats.DocNum)
		ix.bytes = x.setCount(ix, "storage_size", e.Stats.StorageSize)
		ix.fields = mappingFields(e.Mappings, x.env.Limits.MaxFields, x.env.Limits.MaxDepth)
		l.indices = append(l.indices, ix)
	}
	return l, nil
}

// hitsIndices discovers indices from the _index of all-index search hits.
// The list is complete only when every hit was seen; otherwise it is marked
// truncated.
func (x *explorer) hitsIndices(ctx context.Context) (*listing, error) {
	p := x.path("/_search")
	l := &listing{method: methodHits}
	seen := map[string]bool{}
	read := 0
	var total count
	for page := 0; page < hitsDiscoveryPages; page++ {
		sr, err := x.search(ctx, p, query{size: hitsDiscoverySize, from: read})
		if err != nil {
			if page == 0 {
				return nil, err
			}
			x.note("index discovery stopped: %s", clip(err.Error(), 200))
			break
		}
		for _, h := range sr.Hits.Hits {
			if h.Index != "" && !seen[h.Index] {
				seen[h.Index] = true
				l.indices = append(l.indices, x.newIndex(h.Index))
			}
		}
		read += len(sr.Hits.Hits)
		total, _ = sr.total()
		if len(sr.Hits.Hits) < hitsDiscoverySize || (total.set && int64(read) >= total.v) {
			break
		}
	}
	if !total.set || total.v > int64(read) {
		l.truncated = true
		x.note("no _cat/indices: indices discovered from %d search hits; the list may be incomplete", read)
	}
	return l, nil
}

// creationDates fills missing creation dates from the index settings in one
// request (older servers have no creation.date column in _cat/indices).
func (x *explorer) creationDates(ctx context.Context, indices []*index) {
	missing := 0
	for _, ix := range indices {
		if ix.created == nil {
			missing++
		}
	}
	if missing == 0 || ctx.Err() != nil {
		return
	}
	var s map[string]struct {
		Settings struct {
			Index struct {
				CreationDate count `json:"creation_date"`
			} `json:"index"`
		} `json:"settings"`
	}
	p := x.path("/_all/_settings/index.creation_date?expand_wildcards=all")
	r, err := x.c.Get(ctx, p)
	if err == nil {
		err = decode(r, p, x.env.Limits.MaxDepth, &s)
	}
	if err != nil {
		x.note("creation dates unavailable: %s", clip(err.Error(), 200))
		return
	}
	for _, ix := range indices {
		if e, ok := s[ix.name]; ok && ix.created == nil {
			if t, ok := epochMillis(e.Settings.Index.CreationDate); ok {
				ix.created = &t
			}
		}
	}
}

// maxPerIndexMappings bounds the per-index _mapping requests made when the
// server has no all-index _mapping (ZincSearch).
const maxPerIndexMappings = 100

// mappings names each index's fields from one GET _mapping, or per index
// when the server only knows <index>/_mapping.
func (x *explorer) mappings(ctx context.Context, indices []*index) {
	if len(indices) == 0 {
		return
	}
	var all map[string]json.RawMessage
	p := x.path("/_mapping")
	r, err := x.c.Get(ctx, p)
	if err == nil {
		err = decode(r, p, x.env.Limits.MaxDepth, &all)
	}
	if err == nil {
		for _, ix := range indices {
			ix.fields = mappingFields(all[ix.name], x.env.Limits.MaxFields, x.env.Limits.MaxDepth)
		}
		return
	}
	if !isMissingAPI(err) {
		x.note("field names unavailable: %s", clip(err.Error(), 200))
		return
	}
	done := 0
	for _, ix := range indices {
		if ix.hidden || !validIndexName(ix.name) {
			continue
		}
		if done >= maxPerIndexMappings || ctx.Err() != nil {
			x.note("field names read for the first %d indices only", done)
			return
		}
		done++
		var one map[string]json.RawMessage
		p := x.path("/" + url.PathEscape(ix.name) + "/_mapping")
		r, err := x.c.Get(ctx, p)
		if err == nil {
			err = decode(r, p, x.env.Limits.MaxDepth, &one)
		}
		if err != nil {
			if errors.Is(err, probe.ErrAuthRequired) || r == nil {
				return
			}
			continue
		}
		ix.fields = mappingFields(one[ix.name], x.env.Limits.MaxFields, x.env.Limits.MaxDepth)
	}
}

// validIndexName reports whether name is a legal Elasticsearch index name,
// so that a name taken from a hostile answer ("_shutdown", "..", "a,b*")
// never becomes another API path or a multi-index pattern in a request.
func validIndexName(name string) bool {
	if name == "" || len(name) > 255 || name == "." || name == ".." {
		return false
	}
	if strings.ContainsAny(name[:1], "_-+") {
		return false
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f || strings.ContainsRune(`\/*?"<>| ,#:`, c) {
			return false
		}
	}
	return true
}
