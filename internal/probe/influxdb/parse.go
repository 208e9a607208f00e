package influxdb

import (
	"bytes"
	"encoding/json"
	"math"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// series is one result series of an InfluxQL answer.
type series struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Values  [][]any  `json:"values"`
}

// parseQuery reads {"results":[{"series":[...],"error":"..."}]} with
// numbers kept as json.Number (counts can exceed float64 precision).
func parseQuery(b []byte) ([]series, error) {
	var resp struct {
		Results []struct {
			Series []series `json:"series"`
			Error  string   `json:"error"`
		} `json:"results"`
		Error string `json:"error"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&resp); err != nil {
		return nil, probe.Protocolf("query answer: %v", err)
	}
	if resp.Error != "" {
		return nil, probe.Protocolf("query error: %.200s", resp.Error)
	}
	var out []series
	for _, r := range resp.Results {
		if r.Error != "" {
			return nil, probe.Protocolf("statement error: %.200s", r.Error)
		}
		out = append(out, r.Series...)
	}
	return out, nil
}

// maxCount returns the largest count_* value of a COUNT(*) answer: points
// with at least one field. Negative or non-integer counts are ignored.
func maxCount(ss []series) *int64 {
	var best *int64
	for _, s := range ss {
		for _, row := range s.Values {
			for j, v := range row {
				if j >= len(s.Columns) || s.Columns[j] == "time" {
					continue
				}
				n, ok := v.(json.Number)
				if !ok {
					continue
				}
				f, err := n.Float64()
				if err != nil || f < 0 || f > math.MaxInt64/2 || f != math.Trunc(f) {
					continue
				}
				if best == nil || int64(f) > *best {
					best = event.Int64(int64(f))
				}
			}
		}
	}
	return best
}

// errorText extracts {"error":"..."} for error messages.
func errorText(b []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil && e.Error != "" {
		return e.Error
	}
	return ""
}
