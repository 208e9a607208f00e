package s3

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

const (
	pageKeys = 1000 // max-keys per ListObjectsV2 page (S3's own maximum)
	maxPages = 10   // objects counted per bucket: at most 10,000, then "truncated"
)

type bucketReader struct {
	env *probe.Env
	c   *httpx.Client
}

// read lists a bucket (bounded pages) and samples a few text-like objects.
// truncated is true when the listing stopped before the end.
func (x bucketReader) read(ctx context.Context, b bucket) (ct event.Container, truncated bool, err error) {
	ct = event.Container{Kind: "bucket", Name: b.Name}
	if !b.CreationDate.IsZero() {
		created := b.CreationDate.UTC()
		ct.Created = &created
	}
	var (
		count, size int64
		oldest      time.Time
		candidates  []object
		token       string
	)
	for page := 0; ; page++ {
		if page == maxPages {
			truncated = true
			break
		}
		p := fmt.Sprintf("/%s?list-type=2&max-keys=%d", url.PathEscape(b.Name), pageKeys)
		if token != "" {
			p += "&continuation-token=" + url.QueryEscape(token)
		}
		r, err := x.c.Get(ctx, p)
		if err != nil {
			return ct, truncated, err
		}
		if err := s3Status(p, r); err != nil {
			return ct, truncated, err
		}
		pg, err := parseListObjects(r.Body, pageKeys)
		if err != nil {
			return ct, truncated, err
		}
		for _, o := range pg.Objects {
			count++
			if o.Size > 0 {
				size += o.Size
			}
			if !o.LastModified.IsZero() && (oldest.IsZero() || o.LastModified.Before(oldest)) {
				oldest = o.LastModified
			}
			if len(candidates) < x.env.Limits.Sample && looksTextual(o) {
				candidates = append(candidates, o)
			}
		}
		if !pg.IsTruncated || pg.NextToken == "" || pg.NextToken == token {
			break // last page, or a server that would loop forever
		}
		token = pg.NextToken
	}
	ct.Documents, ct.Bytes = event.Int64(count), event.Int64(max(size, 0))
	if !oldest.IsZero() {
		o := oldest.UTC()
		ct.Oldest = &o
	}
	for _, o := range candidates {
		s, err := x.sample(ctx, b.Name, o)
		if err != nil {
			return ct, truncated, err
		}
		ct.Samples = append(ct.Samples, s)
	}
	ct.Sampled = len(ct.Samples)
	return ct, truncated, nil
}

// sample reads the first MaxSampleBytes of one object with a Range request.
func (x bucketReader) sample(ctx context.Context, bucketName string, o object) (event.Sample, error) {
	p := "/" + url.PathEscape(bucketName) + "/" + escapeKey(o.Key)
	n := max(x.env.Limits.MaxSampleBytes, 1)
	r, err := x.c.WithHeader("Range", fmt.Sprintf("bytes=0-%d", n-1)).Get(ctx, p)
	if err != nil {
		return event.Sample{}, err
	}
	if err := s3Status(p, r); err != nil {
		return event.Sample{}, err
	}
	data := r.Body
	if len(data) > n { // the server ignored Range
		data = data[:n]
	}
	s := event.Sample{Key: o.Key, Format: "text", Data: data}
	if int64(len(data)) == o.Size && json.Valid(data) {
		s.Format = "json"
	}
	return s, nil
}

// escapeKey escapes each "/"-separated segment of an object key.
func escapeKey(k string) string {
	parts := strings.Split(k, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

var textExt = map[string]bool{
	".json": true, ".ndjson": true, ".jsonl": true, ".csv": true, ".tsv": true, ".txt": true, ".log": true,
	".env": true, ".yml": true, ".yaml": true, ".xml": true, ".conf": true, ".cfg": true, ".ini": true,
	".sql": true, ".properties": true, ".toml": true,
}

// looksTextual picks objects worth classifying: non-empty, text-like by extension.
func looksTextual(o object) bool {
	return o.Size > 0 && textExt[strings.ToLower(path.Ext(o.Key))]
}
