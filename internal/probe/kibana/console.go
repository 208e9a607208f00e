package kibana

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// console sends read-only requests through the Console proxy
// (POST /api/console/proxy?path=…&method=GET — the POST is Kibana's
// transport; the request reaching the cluster is always a GET).
type console struct {
	c       *httpx.Client
	l       probe.Limits
	sampled int
	errs    []string
}

func (con *console) get(ctx context.Context, path string, v any) error {
	p := "/api/console/proxy?method=GET&path=" + url.QueryEscape(path)
	r, err := con.c.Do(ctx, "POST", p, []byte{}, "application/json")
	if err != nil {
		return err
	}
	if r.Status < 200 || r.Status > 299 {
		return &httpx.StatusError{Path: "console proxy " + path, Status: r.Status}
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return probe.Protocolf("console proxy %s: invalid JSON: %v", path, err)
	}
	return nil
}

// consoleAbsent is a 404 from Kibana itself: the Console plugin is disabled.
func consoleAbsent(err error) bool {
	var se *httpx.StatusError
	return errors.As(err, &se) && se.Status == 404
}

// catIndex is one row of _cat/indices?format=json&bytes=b (all strings).
type catIndex struct {
	Index   string `json:"index"`
	Docs    string `json:"docs.count"`
	Size    string `json:"store.size"`
	Created string `json:"creation.date"`
}

func (con *console) inventory(ctx context.Context) (*event.Dataset, error) {
	var rows []catIndex
	if err := con.get(ctx, "_cat/indices?format=json&bytes=b&h=index,docs.count,store.size,creation.date", &rows); err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b catIndex) int { return strings.Compare(a.Index, b.Index) })
	ds := &event.Dataset{}
	for _, row := range rows {
		if row.Index == "" {
			continue
		}
		if len(ds.Containers) >= max(con.l.MaxContainers, 1) {
			ds.Truncated = true
			break
		}
		c := row.container()
		if con.l.Sample > 0 && !strings.HasPrefix(row.Index, ".") && ctx.Err() == nil {
			if err := con.sample(ctx, row.Index, &c); err != nil {
				con.errs = append(con.errs, err.Error())
			}
		}
		ds.Containers = append(ds.Containers, c)
	}
	return ds, nil
}

func (row catIndex) container() event.Container {
	c := event.Container{Kind: "index", Name: clip(row.Index, 256)}
	if n, err := strconv.ParseInt(row.Docs, 10, 64); err == nil && n >= 0 {
		c.Documents = event.Int64(n)
	}
	if n, err := strconv.ParseInt(row.Size, 10, 64); err == nil && n >= 0 {
		c.Bytes = event.Int64(n)
	}
	if ms, err := strconv.ParseInt(row.Created, 10, 64); err == nil && ms > 0 && ms < 1<<50 {
		t := time.UnixMilli(ms).UTC()
		c.Created = &t
	}
	return c
}

type searchResponse struct {
	Hits *struct {
		Hits []struct {
			ID     string          `json:"_id"`
			Source json.RawMessage `json:"_source"`
		} `json:"hits"`
	} `json:"hits"`
}

// sample reads at most Limits.Sample documents of index.
func (con *console) sample(ctx context.Context, index string, c *event.Container) error {
	var sr searchResponse
	if err := con.get(ctx, url.PathEscape(index)+"/_search?size="+strconv.Itoa(con.l.Sample), &sr); err != nil {
		return err
	}
	if sr.Hits == nil {
		return probe.Protocolf("console proxy %s/_search: no hits", index)
	}
	fields := map[string]bool{}
	for _, h := range sr.Hits.Hits {
		if c.Sampled >= con.l.Sample || len(h.Source) == 0 {
			continue
		}
		s := event.Sample{Key: clip(h.ID, 256), Format: "json", Data: h.Source}
		if len(s.Data) > con.l.MaxSampleBytes {
			s.Data, s.Format = s.Data[:con.l.MaxSampleBytes], "text"
		}
		var doc map[string]json.RawMessage
		if json.Unmarshal(h.Source, &doc) == nil {
			for k := range doc {
				if len(fields) < con.l.MaxFields {
					fields[k] = true
				}
			}
		}
		c.Samples = append(c.Samples, s)
		c.Sampled++
		con.sampled++
	}
	for k := range fields {
		c.Fields = append(c.Fields, clip(k, 256))
	}
	slices.Sort(c.Fields)
	return nil
}
