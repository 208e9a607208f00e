package solr

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// systemInfo is the part of /solr/admin/info/system that identifies Solr.
type systemInfo struct {
	Mode   string `json:"mode"` // "std" or "solrcloud"
	Lucene struct {
		SolrSpec   string `json:"solr-spec-version"`
		LuceneSpec string `json:"lucene-spec-version"`
	} `json:"lucene"`
	ResponseHeader *struct {
		Status int `json:"status"`
	} `json:"responseHeader"`
}

// parseSystem accepts only a body with Solr's responseHeader and a
// solr-spec-version: other Lucene-based servers do not answer this path.
func parseSystem(b []byte) (systemInfo, bool) {
	var s systemInfo
	if json.Unmarshal(b, &s) != nil || s.ResponseHeader == nil || s.Lucene.SolrSpec == "" {
		return s, false
	}
	return s, true
}

func (s systemInfo) service() *event.Service {
	svc := &event.Service{Name: "solr", Product: "Solr", Version: short(s.Lucene.SolrSpec, 64)}
	info := map[string]string{}
	if s.Mode != "" {
		info["mode"] = short(s.Mode, 32)
	}
	if s.Lucene.LuceneSpec != "" {
		info["lucene"] = short(s.Lucene.LuceneSpec, 64)
	}
	if len(info) > 0 {
		svc.Info = info
	}
	return svc
}

// coreStatus is the answer of CoreAdmin STATUS.
type coreStatus struct {
	Status map[string]core `json:"status"`
}

type core struct {
	Name      string `json:"name"`
	StartTime string `json:"startTime"`
	Index     struct {
		NumDocs     *int64 `json:"numDocs"`
		SizeInBytes *int64 `json:"sizeInBytes"`
	} `json:"index"`
}

// sorted returns at most max cores (by name) and whether some were left out.
func (s coreStatus) sorted(max int) ([]core, bool) {
	names := make([]string, 0, len(s.Status))
	for n := range s.Status {
		names = append(names, n)
	}
	slices.Sort(names)
	truncated := false
	if max > 0 && len(names) > max {
		names, truncated = names[:max], true
	}
	out := make([]core, 0, len(names))
	for _, n := range names {
		c := s.Status[n]
		c.Name = n // the map key is the name the URL needs
		out = append(out, c)
	}
	return out, truncated
}

// container maps a core; negative counts from a lying server are dropped.
// startTime is when the core was loaded, not created, so it is not Created.
func (c core) container() event.Container {
	cont := event.Container{Kind: "core", Name: c.Name}
	if n := c.Index.NumDocs; n != nil && *n >= 0 {
		cont.Documents = event.Int64(*n)
	}
	if n := c.Index.SizeInBytes; n != nil && *n >= 0 {
		cont.Bytes = event.Int64(*n)
	}
	return cont
}

// loadedAt parses a core's startTime (when the node loaded it: a lower bound
// of how long it has been exposed).
func (c core) loadedAt() (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, c.StartTime)
	return t, err == nil
}

// selectResponse is the answer of /select with wt=json.
type selectResponse struct {
	Response *struct {
		NumFound int64             `json:"numFound"`
		Docs     []json.RawMessage `json:"docs"`
	} `json:"response"`
}

// short cuts a server-given string to n bytes of valid UTF-8.
func short(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "?")
}
