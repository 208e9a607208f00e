package rabbitmq

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// maxPageSize is the management API's largest page.
const maxPageSize = 500

// queues adds one container per queue (first page only, at most
// MaxContainers): messages and bytes, never the messages themselves.
func queues(ctx context.Context, env *probe.Env, c *httpx.Client, ds *event.Dataset) error {
	size := min(max(env.Limits.MaxContainers, 1), maxPageSize)
	path := fmt.Sprintf("/api/queues?page=1&page_size=%d&columns=name,vhost,messages,message_bytes,durable", size)
	var pg queuePage
	if _, err := c.GetJSON(ctx, path, &pg); err != nil {
		return err
	}
	if len(pg.Items) > size { // the server ignored page_size
		pg.Items, ds.Truncated = pg.Items[:size], true
	}
	if pg.TotalCount > len(pg.Items) {
		ds.Truncated = true // more pages: not read
	}
	for _, q := range pg.Items {
		ds.Containers = append(ds.Containers, event.Container{Kind: "queue", Name: q.Name, Parent: q.VHost,
			Documents: nonNegative(q.Messages), Bytes: nonNegative(q.MessageBytes)})
	}
	return nil
}

// definitions reads /api/definitions (administrators only): the users with
// their password hashes become samples of a "users" container, and the
// runtime parameters (shovel / federation URIs carry passwords) one more.
func definitions(ctx context.Context, env *probe.Env, c *httpx.Client, ds *event.Dataset) (int, error) {
	var d defs
	if _, err := c.GetJSON(ctx, "/api/definitions", &d); err != nil {
		return 0, err
	}
	ct := event.Container{Kind: "users", Name: "users", Documents: event.Int64(int64(len(d.Users)))}
	for _, u := range d.Users {
		if len(ct.Samples) >= env.Limits.Sample {
			break
		}
		ct.Samples = append(ct.Samples, jsonSample(u.Name, u, env.Limits.MaxSampleBytes))
	}
	if len(d.Parameters) > 0 && len(ct.Samples) < env.Limits.Sample {
		ct.Samples = append(ct.Samples, jsonSample("parameters", d.Parameters, env.Limits.MaxSampleBytes))
	}
	ct.Sampled = len(ct.Samples)
	ds.Containers = append(ds.Containers, ct)
	return len(d.Users), nil
}

func jsonSample(key string, v any, max int) event.Sample {
	b, _ := json.Marshal(v)
	s := event.Sample{Key: key, Format: "json", Data: b}
	if max > 0 && len(b) > max {
		s.Data, s.Format = b[:max], "text"
	}
	return s
}

func nonNegative(v *int64) *int64 {
	if v == nil || *v < 0 {
		return nil
	}
	return event.Int64(*v)
}
