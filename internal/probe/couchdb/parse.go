package couchdb

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// welcome is the document at "/": {"couchdb":"Welcome","version":"3.3.3",...}
// or, from pouchdb-server, {"express-pouchdb":"Welcome!","version":"4.2.0",...}.
type welcome struct {
	CouchDB string `json:"couchdb"`
	Express string `json:"express-pouchdb"`
	Version string `json:"version"`
	UUID    string `json:"uuid"`
	Vendor  struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"vendor"`
}

func parseWelcome(b []byte) (welcome, bool) {
	var w welcome
	if json.Unmarshal(b, &w) != nil {
		return w, false
	}
	return w, w.CouchDB == "Welcome" || w.Express == "Welcome!" || w.Express == "Welcome"
}

func (w welcome) service() *event.Service {
	s := &event.Service{Name: "couchdb", Product: "CouchDB", Version: w.Version}
	if w.CouchDB == "" {
		s.Product = "PouchDB Server"
	}
	if w.Vendor.Name != "" {
		s.Info = map[string]string{"vendor": w.Vendor.Name}
	}
	return s
}

// isCouchError recognises CouchDB's error body {"error":"unauthorized","reason":"..."}.
func isCouchError(b []byte) bool {
	var e struct {
		Error  string `json:"error"`
		Reason string `json:"reason"`
	}
	return json.Unmarshal(b, &e) == nil && e.Error != "" && e.Reason != ""
}

func parseAllDBs(b []byte) ([]string, error) {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return nil, probe.Protocolf("_all_dbs: %v", err)
	}
	return names, nil
}

// dbInfo is GET /<db>. CouchDB 2+ reports sizes.{file,active,external};
// 1.x and pouchdb-server report disk_size / data_size.
type dbInfo struct {
	DocCount *int64 `json:"doc_count"`
	DiskSize *int64 `json:"disk_size"`
	DataSize *int64 `json:"data_size"`
	Sizes    struct {
		File     *int64 `json:"file"`
		External *int64 `json:"external"`
	} `json:"sizes"`
}

func parseDBInfo(b []byte) (dbInfo, error) {
	var d dbInfo
	if err := json.Unmarshal(b, &d); err != nil {
		return d, probe.Protocolf("database info: %v", err)
	}
	if d.DocCount == nil {
		return d, probe.Protocolf("database info without doc_count")
	}
	return d, nil
}

// docs returns doc_count, or nil when the server sent a negative (lying) count.
func (d dbInfo) docs() *int64 { return nonNegative(d.DocCount) }

// bytes prefers the on-disk file size, then the older fields.
func (d dbInfo) bytes() *int64 {
	for _, v := range []*int64{d.Sizes.File, d.DiskSize, d.Sizes.External, d.DataSize} {
		if p := nonNegative(v); p != nil {
			return p
		}
	}
	return nil
}

func nonNegative(v *int64) *int64 {
	if v == nil || *v < 0 {
		return nil
	}
	return event.Int64(*v)
}

type sampled struct {
	samples []event.Sample
	fields  []string
}

// parseAllDocs reads {"rows":[{"id":..,"doc":{...}}]}, keeping at most n
// documents of at most maxBytes each and at most maxFields top-level field names.
func parseAllDocs(b []byte, n, maxBytes, maxFields int) (sampled, error) {
	var resp struct {
		Rows []struct {
			ID  string          `json:"id"`
			Doc json.RawMessage `json:"doc"`
		} `json:"rows"`
	}
	var out sampled
	if err := json.Unmarshal(b, &resp); err != nil {
		return out, probe.Protocolf("_all_docs: %v", err)
	}
	for _, row := range resp.Rows {
		if len(out.samples) >= n {
			break // the server ignored limit=n
		}
		if len(row.Doc) == 0 || bytes.Equal(row.Doc, []byte("null")) {
			continue
		}
		out.fields = addFields(out.fields, row.Doc, maxFields)
		s := event.Sample{Key: row.ID, Format: "json", Data: bytes.Clone(row.Doc)}
		if maxBytes > 0 && len(s.Data) > maxBytes {
			s.Data, s.Format = s.Data[:maxBytes], "text" // cut JSON is no longer JSON
		}
		out.samples = append(out.samples, s)
	}
	return out, nil
}

func addFields(fields []string, doc json.RawMessage, max int) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(doc, &m) != nil {
		return fields
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if len(fields) >= max {
			break
		}
		if !slices.Contains(fields, k) {
			fields = append(fields, k)
		}
	}
	return fields
}
