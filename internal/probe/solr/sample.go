package solr

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// sample reads at most l.Sample documents of cont's core into cont.Samples
// and records their field names. A server that ignores rows=N still yields
// at most N samples.
func sample(ctx context.Context, c *httpx.Client, l probe.Limits, cont *event.Container) error {
	path := selectPath(cont.Name, l.Sample)
	var sr selectResponse
	if _, err := c.GetJSON(ctx, path, &sr); err != nil {
		return err
	}
	if sr.Response == nil {
		return probe.Protocolf("%s: no response object", path)
	}
	if cont.Documents == nil && sr.Response.NumFound >= 0 {
		cont.Documents = event.Int64(sr.Response.NumFound)
	}
	fields := map[string]bool{}
	for i, raw := range sr.Response.Docs {
		if i >= l.Sample {
			break
		}
		s := event.Sample{Key: docKey(raw, i), Format: "json", Data: raw}
		if len(s.Data) > l.MaxSampleBytes {
			s.Data, s.Format = s.Data[:l.MaxSampleBytes], "text"
		}
		cont.Samples = append(cont.Samples, s)
		cont.Sampled++
		var doc map[string]json.RawMessage
		if json.Unmarshal(raw, &doc) == nil {
			for k := range doc {
				if len(fields) < l.MaxFields {
					fields[k] = true
				}
			}
		}
	}
	for k := range fields {
		cont.Fields = append(cont.Fields, short(k, 256))
	}
	slices.Sort(cont.Fields)
	return nil
}

// docKey is the document's id, or its position when it has none.
func docKey(raw json.RawMessage, i int) string {
	var d struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(raw, &d) == nil && d.ID != nil {
		return short(fmt.Sprint(d.ID), 256)
	}
	return fmt.Sprintf("#%d", i)
}
