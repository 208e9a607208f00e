package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// maxMsearchBatch bounds the indices searched in one _msearch request.
const maxMsearchBatch = 20

// msearchBatch sizes _msearch batches so that a batch of typical documents
// fits in one response (MaxResponse); 1 means no batching.
func (x *explorer) msearchBatch(n int) int {
	if x.noMsearch {
		return 1
	}
	if n == 0 {
		return maxMsearchBatch // counts only: tiny answers
	}
	per := int64(n) * int64(max(x.env.Limits.MaxSampleBytes, 1024))
	return int(max(1, min(int64(maxMsearchBatch), x.env.Limits.MaxResponse/per)))
}

// msearchResult is one index's part of an _msearch answer.
type msearchResult struct {
	resp   *searchResponse
	status int   // the item's HTTP status, when it failed
	err    error // the item's error
}

// msearch searches several indices in one read-only POST _msearch. It
// returns nil when batching is not possible (a single index, no _msearch
// on this server, an answer that does not match the request), in which
// case the caller searches each index alone.
func (x *explorer) msearch(ctx context.Context, chunk []*index, n int) []msearchResult {
	if len(chunk) < 2 || x.noMsearch {
		return nil
	}
	var body bytes.Buffer
	for _, ix := range chunk {
		head, _ := json.Marshal(map[string]string{"index": ix.name})
		q := map[string]any{"size": n, "query": map[string]any{"match_all": map[string]any{}}}
		if !x.noTrackTotal {
			q["track_total_hits"] = true
		}
		qb, _ := json.Marshal(q)
		body.Write(head)
		body.WriteByte('\n')
		body.Write(qb)
		body.WriteByte('\n')
	}
	p := x.path("/_msearch")
	r, err := x.c.Do(ctx, http.MethodPost, p, body.Bytes(), "application/x-ndjson")
	var m struct {
		Responses []struct {
			searchResponse
			Status int             `json:"status"`
			Error  json.RawMessage `json:"error"`
		} `json:"responses"`
	}
	if err == nil {
		err = decode(r, p, x.env.Limits.MaxDepth+6, &m) // _source sits 6 levels down
	}
	switch {
	case err != nil && isMissingAPI(err):
		x.noMsearch = true
		return nil
	case err != nil:
		if ctx.Err() == nil {
			x.note("_msearch of %d indices failed (%s); searching them one by one", len(chunk), clip(err.Error(), 120))
		}
		return nil
	case len(m.Responses) != len(chunk):
		x.note("_msearch answered %d results for %d indices; searching them one by one", len(m.Responses), len(chunk))
		return nil
	}
	out := make([]msearchResult, len(chunk))
	for i := range m.Responses {
		item := &m.Responses[i]
		if e := bytes.TrimSpace(item.Error); len(e) > 0 && !bytes.Equal(e, []byte("null")) {
			out[i] = msearchResult{status: item.Status, err: probe.Protocolf("_msearch item: HTTP %d: %s", item.Status, clip(string(e), 160))}
			continue
		}
		out[i] = msearchResult{resp: &item.searchResponse}
	}
	return out
}
