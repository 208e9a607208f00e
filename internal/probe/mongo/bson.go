package mongo

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// validate checks doc and everything nested in it, refusing nesting deeper
// than maxDepth. bsoncore's Document.Validate checks only the top level's
// lengths; this walk recurses at most maxDepth levels, so a hostile reply of
// a million nested documents costs a bounded stack.
func validate(doc bsoncore.Document, maxDepth int) error {
	if err := walk(doc, 0, maxDepth); err != nil {
		return probe.Protocolf("mongodb: invalid BSON: %v", err)
	}
	return nil
}

func walk(doc bsoncore.Document, depth, maxDepth int) error {
	if depth > maxDepth {
		return fmt.Errorf("nesting deeper than %d", maxDepth)
	}
	if err := doc.Validate(); err != nil {
		return err
	}
	elems, err := doc.Elements()
	if err != nil {
		return err
	}
	for _, e := range elems {
		v, err := e.ValueErr()
		if err != nil {
			return err
		}
		switch v.Type {
		case bsoncore.TypeEmbeddedDocument, bsoncore.TypeArray:
			if err := walk(bsoncore.Document(v.Data), depth+1, maxDepth); err != nil {
				return err
			}
		case bsoncore.TypeCodeWithScope:
			_, scope, ok := v.CodeWithScopeOK()
			if !ok {
				return fmt.Errorf("bad code with scope")
			}
			if err := walk(scope, depth+1, maxDepth); err != nil {
				return err
			}
		}
	}
	return nil
}

// relaxedJSON renders a validated document as relaxed extended JSON, the
// form classifiers read ({"_id":{"$oid":"..."},"n":1}).
func relaxedJSON(doc bsoncore.Document) ([]byte, error) {
	return bson.MarshalExtJSON(bson.Raw(doc), false, false)
}

// str returns a string field or "".
func str(doc bsoncore.Document, key string) string {
	s, _ := doc.Lookup(key).StringValueOK()
	return s
}

// number returns a numeric field (int32, int64 or double) as int64.
func number(doc bsoncore.Document, key ...string) (int64, bool) {
	v, err := doc.LookupErr(key...)
	if err != nil {
		return 0, false
	}
	return v.AsInt64OK()
}

// array returns the documents of an array field, skipping non-documents.
func docs(doc bsoncore.Document, key ...string) []bsoncore.Document {
	arr, ok := doc.Lookup(key...).ArrayOK()
	if !ok {
		return nil
	}
	vals, err := arr.Values()
	if err != nil {
		return nil
	}
	out := make([]bsoncore.Document, 0, len(vals))
	for _, v := range vals {
		if d, ok := v.DocumentOK(); ok {
			out = append(out, d)
		}
	}
	return out
}

// objectIDTime returns the creation time embedded in an ObjectId value.
func objectIDTime(v bsoncore.Value) (time.Time, bool) {
	oid, ok := v.ObjectIDOK()
	if !ok {
		return time.Time{}, false
	}
	return bson.ObjectID(oid).Timestamp().UTC(), true
}

// idString renders a document's _id for Sample.Key.
func idString(doc bsoncore.Document) string {
	v, err := doc.LookupErr("_id")
	if err != nil {
		return ""
	}
	if oid, ok := v.ObjectIDOK(); ok {
		return hex.EncodeToString(oid[:])
	}
	if s, ok := v.StringValueOK(); ok {
		return truncate(s, 100)
	}
	s, _ := v.StringN(100)
	return s
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
