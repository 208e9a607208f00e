package s3

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// The S3 answers are decoded token by token from a byte slice that httpx
// already bounded (MaxResponse); the element counts are capped here too, so
// a server that ignores max-keys or sends a million <Bucket>s ends in an
// error instead of an unbounded slice.

// maxXMLItems caps the <Bucket> / <Contents> elements accepted from one answer.
const maxXMLItems = 10000

type bucket struct {
	Name         string    `xml:"Name"`
	CreationDate time.Time `xml:"CreationDate"`
}

type bucketList struct {
	Owner   string // DisplayName, "GoFakeS3" for gofakes3
	Buckets []bucket
}

type object struct {
	Key          string    `xml:"Key"`
	Size         int64     `xml:"Size"`
	LastModified time.Time `xml:"LastModified"`
}

type objectPage struct {
	Objects     []object
	IsTruncated bool
	NextToken   string
}

// s3Error is <Error><Code>AccessDenied</Code>...</Error>.
type s3Error struct {
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
	RequestID string `xml:"RequestId"`
}

// rootElement returns the name of the first element, or "".
func rootElement(b []byte) string {
	d := xml.NewDecoder(bytes.NewReader(b))
	for i := 0; i < 16; i++ { // skip the prolog, comments and whitespace, not more
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
	return ""
}

func parseError(b []byte) (s3Error, bool) {
	var e s3Error
	if rootElement(b) != "Error" || xml.Unmarshal(b, &e) != nil || e.Code == "" {
		return e, false
	}
	return e, true
}

// walk calls fn for every start element of b below the root, letting fn
// decode it; fn returns false to stop.
func walk(b []byte, root string, fn func(d *xml.Decoder, se xml.StartElement) (bool, error)) error {
	if got := rootElement(b); got != root {
		return probe.Protocolf("expected <%s>, got <%s>", root, got)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return probe.Protocolf("%s: %v", root, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local == root {
			continue
		}
		more, err := fn(d, se)
		if err != nil {
			return probe.Protocolf("%s: %v", root, err)
		}
		if !more {
			return nil
		}
	}
}

func parseListBuckets(b []byte) (bucketList, error) {
	var l bucketList
	err := walk(b, "ListAllMyBucketsResult", func(d *xml.Decoder, se xml.StartElement) (bool, error) {
		switch se.Name.Local {
		case "DisplayName":
			return true, d.DecodeElement(&l.Owner, &se)
		case "Bucket":
			if len(l.Buckets) >= maxXMLItems {
				return false, errors.New("too many buckets")
			}
			var bk bucket
			if err := d.DecodeElement(&bk, &se); err != nil {
				return false, err
			}
			l.Buckets = append(l.Buckets, bk)
		}
		return true, nil
	})
	return l, err
}

// parseListObjects reads one ListObjectsV2 page, failing when the server
// sent more than maxKeys objects (it was asked for at most maxKeys).
func parseListObjects(b []byte, maxKeys int) (objectPage, error) {
	var p objectPage
	maxKeys = min(maxKeys, maxXMLItems)
	err := walk(b, "ListBucketResult", func(d *xml.Decoder, se xml.StartElement) (bool, error) {
		switch se.Name.Local {
		case "Contents":
			if len(p.Objects) >= maxKeys {
				return false, errors.New("more objects than max-keys")
			}
			var o object
			if err := d.DecodeElement(&o, &se); err != nil {
				return false, err
			}
			p.Objects = append(p.Objects, o)
		case "IsTruncated":
			return true, d.DecodeElement(&p.IsTruncated, &se)
		case "NextContinuationToken":
			return true, d.DecodeElement(&p.NextToken, &se)
		}
		return true, nil
	})
	return p, err
}
