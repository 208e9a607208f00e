package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Hidden (dot) indices are sampled only when cheap: a few of them, small ones.
const (
	maxHiddenSampled = 5
	maxHiddenDocs    = 10000
)

// searchResponse is the part of a _search answer the probe reads.
type searchResponse struct {
	Hits struct {
		// Total is a number (ES < 7) or {"value": n, "relation": "eq"|"gte"}.
		Total json.RawMessage `json:"total"`
		Hits  []struct {
			Index  string          `json:"_index"`
			ID     string          `json:"_id"`
			Source json.RawMessage `json:"_source"`
		} `json:"hits"`
	} `json:"hits"`
}

// total returns hits.total and whether it is exact (relation "eq").
func (s *searchResponse) total() (count, bool) {
	var n count
	raw := bytes.TrimSpace(s.Hits.Total)
	if len(raw) == 0 {
		return n, false
	}
	if raw[0] != '{' {
		_ = n.UnmarshalJSON(raw)
		return n, n.set
	}
	var t struct {
		Value    count  `json:"value"`
		Relation string `json:"relation"`
	}
	if json.Unmarshal(raw, &t) != nil {
		return n, false
	}
	return t.Value, t.Value.set && (t.Relation == "" || t.Relation == "eq")
}

// query is one match_all search: size hits from offset from, with or
// without their _source.
type query struct {
	size   int
	from   int
	source bool
}

// search runs one read-only POST _search with an exact total.
func (x *explorer) search(ctx context.Context, path string, q query) (*searchResponse, error) {
	for {
		body := map[string]any{"size": q.size, "query": map[string]any{"match_all": map[string]any{}}}
		if q.from > 0 {
			body["from"] = q.from
		}
		if !q.source {
			body["_source"] = false
		}
		if !x.noTrackTotal {
			body["track_total_hits"] = true
		}
		b, _ := json.Marshal(body)
		r, err := x.c.Do(ctx, http.MethodPost, path, b, "application/json")
		if err != nil {
			return nil, err
		}
		var sr searchResponse
		err = decode(r, path, x.env.Limits.MaxDepth+4, &sr) // _source sits 4 levels down
		if statusOf(err) == http.StatusBadRequest && !x.noTrackTotal {
			x.noTrackTotal = true // ES < 6 rejects track_total_hits: retry once without
			continue
		}
		return &sr, err
	}
}

// sampleAll reads up to Limits.Sample documents from each index (hidden
// ones only when cheap). With needCounts, it also takes each index's
// document count from hits.total (servers without _cat/indices).
// Indices are searched in _msearch batches (one round trip for many small
// indices), each index alone when the server has no _msearch or a batch
// fails.
func (x *explorer) sampleAll(ctx context.Context, indices []*index, needCounts bool) (sampled, from int) {
	n := max(x.env.Limits.Sample, 0)
	var todo []*index
	hidden := 0
	for _, ix := range indices {
		if ix.closed || (!needCounts && (n == 0 || (ix.docs.set && ix.docs.v == 0))) {
			continue
		}
		if ix.hidden {
			if hidden >= maxHiddenSampled || !ix.docs.set || ix.docs.v > maxHiddenDocs {
				continue
			}
			hidden++
		}
		if !validIndexName(ix.name) {
			x.note("index %q: not a valid index name; not searched", ix.name)
			continue
		}
		todo = append(todo, ix)
	}
	batch := x.msearchBatch(n)
	for start := 0; start < len(todo); start += batch {
		if ctx.Err() != nil || x.env.Budget.Left() <= 0 {
			return
		}
		chunk := todo[start:min(start+batch, len(todo))]
		results := x.msearch(ctx, chunk, n)
		for i, ix := range chunk {
			if ctx.Err() != nil {
				return
			}
			var sr *searchResponse
			var err error
			if results != nil && results[i].err == nil {
				sr = results[i].resp
			} else if results != nil && results[i].status != http.StatusBadRequest {
				err = results[i].err
			} else { // no batch, or a 400 (e.g. track_total_hits on ES < 6): alone
				sr, err = x.search(ctx, x.path("/"+url.PathEscape(ix.name)+"/_search"), query{size: n, source: true})
			}
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				x.note("index %q: %s", ix.name, clip(err.Error(), 200))
				continue
			}
			x.record(ix, sr, n, needCounts)
			if len(ix.samples) > 0 {
				sampled += len(ix.samples)
				from++
			}
		}
	}
	return
}

// record keeps an index's samples (and count, with needCounts) from its
// search answer.
func (x *explorer) record(ix *index, sr *searchResponse, n int, needCounts bool) {
	if needCounts && !ix.docs.set {
		if t, exact := sr.total(); t.set {
			ix.docs = t
			if !exact {
				x.note("index %q: hits.total %d is a lower bound", ix.name, t.v)
			}
		} else {
			x.setCount(ix, "hits.total", t)
		}
	}
	for _, h := range sr.Hits.Hits {
		if len(ix.samples) >= n {
			break
		}
		if len(h.Source) == 0 || (h.Index != "" && h.Index != ix.name) {
			continue
		}
		data, format := []byte(h.Source), "json"
		if max := x.env.Limits.MaxSampleBytes; max > 0 && len(data) > max {
			data, format = data[:max], "text" // cut: no longer valid JSON
		}
		ix.samples = append(ix.samples, event.Sample{Key: clip(h.ID, 256), Format: format, Data: bytes.Clone(data)})
	}
}
