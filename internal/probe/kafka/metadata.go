package kafka

// broker is one broker the cluster advertises (reported, never contacted).
type broker struct {
	id   int32
	host string
	port int32
}

type partition struct {
	id     int32
	leader int32
	err    int16
}

type topic struct {
	name       string
	internal   bool
	err        int16
	partitions []partition
}

type metadata struct {
	brokers    []broker
	clusterID  string
	controller int32
	topics     []topic
}

// metadataRequest asks for all topics; v4 also says "never auto-create".
func metadataRequest(v int16) []byte {
	b := appendInt32(nil, -1) // null array: all topics
	if v >= 4 {
		b = append(b, 0) // allow_auto_topic_creation = false
	}
	return b
}

// parseMetadata decodes Metadata v1..v4.
func parseMetadata(r *reader, v int16) (*metadata, error) {
	m := &metadata{}
	if v >= 3 {
		r.int32() // throttle_time_ms
	}
	nb := r.array(12, "broker")
	for i := 0; i < nb && r.err == nil; i++ {
		b := broker{id: r.int32(), host: clip(r.string(), 256), port: r.int32()}
		r.string() // rack
		m.brokers = append(m.brokers, b)
	}
	if v >= 2 {
		m.clusterID = clip(r.string(), 100)
	}
	m.controller = r.int32()
	nt := r.array(9, "topic")
	for i := 0; i < nt && r.err == nil; i++ {
		t := topic{err: r.int16(), name: r.string(), internal: r.int8() != 0}
		np := r.array(18, "partition")
		for j := 0; j < np && r.err == nil; j++ {
			p := partition{err: r.int16(), id: r.int32(), leader: r.int32()}
			for range 2 { // replicas, isr
				n := r.array(4, "replica")
				r.take(4 * n)
			}
			t.partitions = append(t.partitions, p)
		}
		m.topics = append(m.topics, t)
	}
	if r.err != nil {
		return nil, r.err
	}
	return m, nil
}
