package kafka

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

const (
	maxPartitions  = 10000 // partitions counted per service
	fetchSize      = 256 << 10
	topicAuthError = 29 // TOPIC_AUTHORIZATION_FAILED
)

type inventory struct {
	c       *conn
	l       probe.Limits
	apis    map[int16]apiRange
	ds      *event.Dataset
	topics  int
	denied  int
	counted int64
	sampled int
	errs    []string
}

func (inv *inventory) run(ctx context.Context, md *metadata) {
	inv.ds = &event.Dataset{}
	var topics []topic
	parts := 0
	slices.SortFunc(md.topics, func(a, b topic) int { return strings.Compare(a.name, b.name) })
	for _, t := range md.topics {
		switch {
		case t.err == topicAuthError:
			inv.denied++
			continue
		case t.internal || t.name == "" || t.name[0] == '_':
			continue // __consumer_offsets, __transaction_state, _schemas...
		}
		if len(topics) >= max(inv.l.MaxContainers, 1) || parts+len(t.partitions) > maxPartitions {
			inv.ds.Truncated = true
			break
		}
		parts += len(t.partitions)
		topics = append(topics, t)
	}
	inv.topics = len(topics)
	first, last := inv.offsets(topics)
	for _, t := range topics {
		cont := event.Container{Kind: "topic", Name: clip(t.name, 256)}
		var n int64
		known := len(t.partitions) > 0
		for _, p := range t.partitions {
			lo, ok1 := first[tp{t.name, p.id}]
			hi, ok2 := last[tp{t.name, p.id}]
			if !ok1 || !ok2 || hi < lo {
				known = false
				break
			}
			n += hi - lo
		}
		if known {
			cont.Documents = event.Int64(n)
			inv.counted += n
		}
		if inv.l.Sample > 0 && ctx.Err() == nil {
			inv.sample(t, first, &cont)
		}
		inv.ds.Containers = append(inv.ds.Containers, cont)
	}
}

// offsets asks earliest and latest offsets of every partition (two
// ListOffsets v1 requests). Partitions led by other brokers answer an error
// and stay uncounted: leakwatch does not follow the cluster to them.
func (inv *inventory) offsets(topics []topic) (first, last map[tp]int64) {
	first, last = map[tp]int64{}, map[tp]int64{}
	if _, ok := pick(inv.apis, apiListOffsets, 1, 1); !ok || len(topics) == 0 {
		return first, last
	}
	for _, q := range []struct {
		ts  int64
		out *map[tp]int64
	}{{earliest, &first}, {latest, &last}} {
		r, err := inv.c.call(apiListOffsets, 1, listOffsetsRequest(topics, q.ts))
		if err != nil {
			inv.errs = append(inv.errs, "ListOffsets: "+err.Error())
			return first, last
		}
		m, err := parseListOffsets(r)
		if err != nil {
			inv.errs = append(inv.errs, "ListOffsets: "+err.Error())
			return first, last
		}
		*q.out = m
	}
	return first, last
}

// sample fetches from the earliest offset of each partition until
// Limits.Sample records are read.
func (inv *inventory) sample(t topic, first map[tp]int64, cont *event.Container) {
	if _, ok := pick(inv.apis, apiFetch, 4, 4); !ok {
		return
	}
	size := int32(min(int64(fetchSize), max(inv.l.MaxResponse/2, 1)))
	for _, p := range t.partitions {
		if cont.Sampled >= inv.l.Sample {
			return
		}
		off, ok := first[tp{t.name, p.id}]
		if !ok {
			continue
		}
		r, err := inv.c.call(apiFetch, 4, fetchRequest(t.name, p.id, off, size))
		if err != nil {
			inv.errs = append(inv.errs, "Fetch "+t.name+": "+err.Error())
			return
		}
		recs, code, err := parseFetch(r)
		if err != nil || code != 0 {
			if err != nil {
				inv.errs = append(inv.errs, "Fetch "+t.name+": "+err.Error())
			}
			continue
		}
		got, skipped, err := parseRecords(recs, recordLimits{max: inv.l.Sample - cont.Sampled,
			inflate: max(inv.l.MaxSampleBytes*inv.l.Sample, 1<<20), valueSize: inv.l.MaxSampleBytes})
		if err != nil {
			inv.errs = append(inv.errs, "records "+t.name+": "+err.Error())
		}
		if skipped > 0 {
			inv.errs = append(inv.errs, t.name+": "+strconv.Itoa(skipped)+" record batches not sampled (codec or old format)")
		}
		for _, rec := range got {
			inv.keep(p.id, rec, cont)
		}
	}
}

func (inv *inventory) keep(partition int32, rec record, cont *event.Container) {
	s := event.Sample{Key: "p" + strconv.Itoa(int(partition)) + "@" + strconv.FormatInt(rec.offset, 10),
		Format: "text", Data: rec.value}
	if json.Valid(rec.value) {
		s.Format = "json"
	}
	if len(rec.key) > 0 && len(rec.key) <= 128 && utf8.Valid(rec.key) {
		s.Key += " " + clip(string(rec.key), 128)
	}
	cont.Samples = append(cont.Samples, s)
	cont.Sampled++
	inv.sampled++
	if ts := rec.time; ts.After(time.Unix(0, 0)) && (cont.Oldest == nil || ts.Before(*cont.Oldest)) {
		cont.Oldest = &ts
	}
}
