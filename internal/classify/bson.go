package classify

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// BSON documents (mongodump files, samples read by a MongoDB probe) are
// walked with bsoncore: each level is validated (lengths checked against
// the buffer) before its elements are read, nesting is bounded, and
// strings are handed to the classifier without copying.

var (
	errBSONDepth   = errors.New("BSON nested deeper than the limit")
	errBSONCorrupt = errors.New("corrupted BSON element")
)

func (s *scanner) bsonDocument(doc []byte, depth int) error {
	s.w.path = s.w.path[:0]
	return s.bsonLevel(doc, nil, depth, false)
}

// bsonLevel walks one document or array; key is the context of array
// elements (the array's field name).
func (s *scanner) bsonLevel(doc []byte, key []byte, depth int, array bool) error {
	if depth > s.e.opts.MaxDepth {
		return errBSONDepth
	}
	if err := bsoncore.Document(doc).Validate(); err != nil {
		return err
	}
	w := &s.w
	rem := doc[4 : len(doc)-1]
	for n := 0; len(rem) > 0; n++ {
		elem, r, ok := bsoncore.ReadElement(rem)
		if !ok {
			return errBSONCorrupt
		}
		rem = r
		name := elem.KeyBytes()
		base := len(w.path)
		if base > 0 {
			w.path = append(w.path, '.')
		}
		ks := len(w.path)
		w.path = append(w.path, name...)
		if len(w.path) > maxPath {
			w.path = w.path[:maxPath]
		}
		k := w.path[ks:len(w.path):len(w.path)]
		if array {
			k = key
		}
		val := elem.Value()
		var err error
		switch val.Type {
		case bsoncore.TypeString, bsoncore.TypeSymbol, bsoncore.TypeJavaScript:
			if len(val.Data) >= 5 {
				l := int(binary.LittleEndian.Uint32(val.Data))
				if l >= 1 && l <= len(val.Data)-4 {
					s.leaf(w.path, k, val.Data[4:4+l-1], false)
				}
			}
		case bsoncore.TypeEmbeddedDocument:
			err = s.bsonLevel(val.Data, k, depth+1, false)
		case bsoncore.TypeArray:
			err = s.bsonLevel(val.Data, k, depth+1, true)
		case bsoncore.TypeInt32:
			if v, ok := val.Int32OK(); ok {
				var b [12]byte
				s.leaf(w.path, k, strconv.AppendInt(b[:0], int64(v), 10), true)
			}
		case bsoncore.TypeInt64:
			if v, ok := val.Int64OK(); ok {
				var b [24]byte
				s.leaf(w.path, k, strconv.AppendInt(b[:0], v, 10), true)
			}
		case bsoncore.TypeDouble:
			if v, ok := val.DoubleOK(); ok && v == math.Trunc(v) && math.Abs(v) < 1e19 {
				var b [24]byte
				s.leaf(w.path, k, strconv.AppendFloat(b[:0], v, 'f', -1, 64), true)
			}
		}
		w.path = w.path[:base]
		if err != nil {
			return err
		}
	}
	return nil
}
