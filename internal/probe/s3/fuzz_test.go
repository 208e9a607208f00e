package s3

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

func FuzzXML(f *testing.F) {
	for _, s := range []string{
		listBuckets,
		`<?xml version="1.0"?><ListAllMyBucketsResult><Owner><DisplayName>GoFakeS3</DisplayName></Owner><Buckets><Bucket><Name>a</Name><CreationDate>2024-01-01T00:00:00Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`,
		`<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>x</NextContinuationToken><Contents><Key>a.json</Key><Size>3</Size><LastModified>2024-01-01T00:00:00Z</LastModified></Contents></ListBucketResult>`,
		`<Error><Code>AccessDenied</Code><RequestId>1</RequestId></Error>`,
		`<a><b><c>`, `<!DOCTYPE x [<!ENTITY a "aaaa">]><Error>&a;</Error>`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		identify(&httpx.Response{Status: 403, Header: http.Header{}, Body: b})
		parseError(b)
		if l, err := parseListBuckets(b); err == nil && len(l.Buckets) > maxXMLItems {
			t.Fatal("bucket cap broken")
		}
		if p, err := parseListObjects(b, 3); err == nil && len(p.Objects) > 3 {
			t.Fatal("max-keys cap broken")
		}
	})
}
