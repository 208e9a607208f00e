package mongo

import (
	"bytes"
	"testing"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// FuzzReply feeds arbitrary bytes to the reply reader, both body parsers
// and the document helpers the explorer uses.
func FuzzReply(f *testing.F) {
	f.Add(replyMsg(1, helloDoc()))
	f.Add(replyMsg(1, bsoncore.NewDocumentBuilder().AppendDocument("cursor", bsoncore.NewDocumentBuilder().
		AppendArray("firstBatch", bsoncore.NewArrayBuilder().AppendDocument(helloDoc()).Build()).Build()).Build()))
	f.Add(replyMsg(1, deepDoc(80)))
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0, 1, 0, 0, 0, 0xdd, 7, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		op, _, body, err := readReply(bytes.NewReader(data), 1<<16)
		if err != nil {
			return
		}
		var doc bsoncore.Document
		if op == opMsg {
			doc, err = parseOpMsg(body, 64)
		} else {
			doc, err = parseOpReply(body, 64)
		}
		if err != nil {
			return
		}
		_ = checkOK(doc)
		for _, d := range docs(doc, "cursor", "firstBatch") {
			_, _ = relaxedJSON(d)
			_ = idString(d)
			_, _ = objectIDTime(d.Lookup("_id"))
		}
		_, _ = number(doc, "maxWireVersion")
	})
}

func TestValidateDepth(t *testing.T) {
	if err := validate(deepDoc(10), 64); err != nil {
		t.Fatalf("depth 10: %v", err)
	}
	if err := validate(deepDoc(65), 64); err == nil {
		t.Fatal("depth 65 accepted with limit 64")
	}
}
