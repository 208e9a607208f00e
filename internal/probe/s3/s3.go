// Package s3 probes S3-compatible object stores (AWS S3 endpoints, MinIO,
// versitygw, gofakes3, SeaweedFS, Ceph RGW...) anonymously: ListBuckets at
// "/" identifies and inventories, ListObjectsV2 counts each bucket's objects,
// and a few small text-like objects are read with a Range request.
package s3

import (
	"context"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the S3 probe.
type Probe struct{}

// New returns the probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "s3" }

// DefaultPorts implements probe.Probe: MinIO 9000, versitygw 7070, SeaweedFS 8333, LocalStack 4566.
func (Probe) DefaultPorts() []int { return []int{9000, 7070, 8333, 4566} }

// Identify sends an anonymous ListBuckets (GET /).
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	r, err := httpx.New(env, t).Get(ctx, "/")
	if err != nil {
		return nil, err
	}
	return identify(r), nil
}

// identify accepts a ListAllMyBucketsResult, or an S3 <Error> that comes
// with S3's request-id header or element (a bare <Error> could be anything).
func identify(r *httpx.Response) *event.Service {
	svc := &event.Service{Name: "s3", Product: "S3-compatible"}
	if srv := r.Header.Get("Server"); srv != "" {
		svc.Info = map[string]string{"server": srv}
		switch {
		case strings.Contains(srv, "MinIO"):
			svc.Product = "MinIO"
		case strings.Contains(strings.ToUpper(srv), "VERSITYGW"):
			svc.Product = "versitygw"
		}
	}
	switch rootElement(r.Body) {
	case "ListAllMyBucketsResult":
		if l, err := parseListBuckets(r.Body); err == nil && l.Owner == "GoFakeS3" {
			svc.Product = "GoFakeS3"
		}
		return svc
	case "Error":
		e, ok := parseError(r.Body)
		if ok && (e.RequestID != "" || r.Header.Get("X-Amz-Request-Id") != "") {
			return svc
		}
	}
	return nil
}

// Explore implements probe.Probe.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c := httpx.New(env, t)
	r, err := c.Get(ctx, "/")
	if err != nil {
		return err
	}
	if svc := identify(r); svc != nil {
		ev.Service = svc
	}
	if err := s3Status("/", r); err != nil {
		return err
	}
	l, err := parseListBuckets(r.Body)
	if err != nil {
		return err
	}
	ds := &event.Dataset{}
	buckets := l.Buckets
	if m := env.Limits.MaxContainers; m > 0 && len(buckets) > m {
		buckets, ds.Truncated = buckets[:m], true
	}
	ev.Status = event.StatusOpen
	ev.Dataset = ds
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("anonymous ListBuckets returned %d buckets", len(l.Buckets))}
	x := bucketReader{env: env, c: c}
	read := 0
	for _, b := range buckets {
		if ctx.Err() != nil {
			ds.Truncated = true
			break
		}
		ct, truncated, err := x.read(ctx, b)
		ds.Containers = append(ds.Containers, ct)
		ds.Truncated = ds.Truncated || truncated
		if err != nil {
			ev.Errors = append(ev.Errors, err.Error())
		}
		read += ct.Sampled
	}
	if read > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf("; read the start of %d objects", read)
	}
	return nil
}

// s3Status turns a non-2xx S3 answer into an error: AccessDenied and
// friends mean credentials are required, the rest is a protocol error.
func s3Status(path string, r *httpx.Response) error {
	if r.Status >= 200 && r.Status <= 299 {
		return nil
	}
	e, _ := parseError(r.Body)
	if r.Status == 401 || r.Status == 403 || authCodes[e.Code] {
		return fmt.Errorf("%s: HTTP %d %s: %w", path, r.Status, e.Code, probe.ErrAuthRequired)
	}
	return probe.Protocolf("%s: HTTP %d %s", path, r.Status, e.Code)
}

var authCodes = map[string]bool{
	"AccessDenied": true, "AllAccessDisabled": true, "InvalidAccessKeyId": true, "SignatureDoesNotMatch": true,
	"MissingSecurityHeader": true, "AuthorizationHeaderMalformed": true, "InvalidToken": true, "ExpiredToken": true,
}
