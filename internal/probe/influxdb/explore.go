package influxdb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

type explorer struct {
	env       *probe.Env
	q         querier
	ds        *event.Dataset
	sampled   int
	proofName string
	proofN    int
}

// database adds one container per measurement of db.
func (x *explorer) database(ctx context.Context, db string) error {
	ms, err := x.q.column(ctx, db, "SHOW MEASUREMENTS ON "+ident(db))
	if err != nil {
		return err
	}
	for _, m := range ms {
		if ctx.Err() != nil || len(x.ds.Containers) >= max(x.env.Limits.MaxContainers, 1) {
			x.ds.Truncated = true
			return nil
		}
		ct := event.Container{Kind: "measurement", Name: db + "." + m, Parent: db}
		err := x.measurement(ctx, db, m, &ct)
		x.ds.Containers = append(x.ds.Containers, ct)
		if err != nil {
			return err
		}
	}
	return nil
}

// measurement counts points (the largest per-field COUNT) and samples the
// oldest points, whose first timestamp is the oldest data in the measurement.
func (x *explorer) measurement(ctx context.Context, db, m string, ct *event.Container) error {
	from := ident(m)
	ss, err := x.q.run(ctx, db, "SELECT COUNT(*) FROM "+from)
	if err != nil {
		return err
	}
	ct.Documents = maxCount(ss)
	n := x.env.Limits.Sample
	if n <= 0 {
		return nil
	}
	ss, err = x.q.run(ctx, db, fmt.Sprintf("SELECT * FROM %s ORDER BY time ASC LIMIT %d", from, n))
	if err != nil {
		return err
	}
	for _, s := range ss {
		for _, c := range s.Columns {
			if len(ct.Fields) < x.env.Limits.MaxFields {
				ct.Fields = append(ct.Fields, c)
			}
		}
		for i, row := range s.Values {
			if len(ct.Samples) >= n {
				break
			}
			doc := map[string]any{}
			for j, v := range row {
				if j < len(s.Columns) {
					doc[s.Columns[j]] = v
				}
			}
			if i == 0 {
				if ts, ok := doc["time"].(string); ok {
					if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
						t = t.UTC()
						ct.Oldest = &t
					}
				}
			}
			b, _ := json.Marshal(doc)
			smp := event.Sample{Key: fmt.Sprintf("%s#%d", m, i), Format: "json", Data: b}
			if mb := x.env.Limits.MaxSampleBytes; mb > 0 && len(b) > mb {
				smp.Data, smp.Format = b[:mb], "text"
			}
			ct.Samples = append(ct.Samples, smp)
		}
	}
	ct.Sampled = len(ct.Samples)
	if ct.Sampled > 0 && x.proofName == "" {
		x.proofName, x.proofN = ct.Name, ct.Sampled
	}
	x.sampled += ct.Sampled
	return nil
}
