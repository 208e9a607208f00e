package kafka

const (
	earliest = -2
	latest   = -1
)

// listOffsetsRequest (v1) asks one timestamp for every partition given.
func listOffsetsRequest(topics []topic, ts int64) []byte {
	b := appendInt32(nil, -1) // replica_id: a consumer
	b = appendInt32(b, int32(len(topics)))
	for _, t := range topics {
		b = appendString(b, t.name)
		b = appendInt32(b, int32(len(t.partitions)))
		for _, p := range t.partitions {
			b = appendInt32(b, p.id)
			b = appendInt64(b, ts)
		}
	}
	return b
}

type tp struct {
	topic     string
	partition int32
}

// parseListOffsets (v1) returns the offset of every partition answered
// without error.
func parseListOffsets(r *reader) (map[tp]int64, error) {
	out := map[tp]int64{}
	nt := r.array(6, "topic")
	for i := 0; i < nt && r.err == nil; i++ {
		name := r.string()
		np := r.array(22, "partition")
		for j := 0; j < np && r.err == nil; j++ {
			id, code := r.int32(), r.int16()
			r.int64() // timestamp
			off := r.int64()
			if code == 0 && off >= 0 && r.err == nil {
				out[tp{name, id}] = off
			}
		}
	}
	return out, r.err
}
