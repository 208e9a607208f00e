package elastic

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// maxNotes bounds the remarks (odd counts, skipped indices) added to ev.Errors.
const maxNotes = 20

// index is one index as the server described it.
type index struct {
	name    string
	hidden  bool // a dot-index (.kibana, .security...): counted, sampled only if cheap
	closed  bool // a closed index cannot be searched
	docs    count
	bytes   count
	created *time.Time
	fields  []string
	samples []event.Sample
}

// explorer carries one Explore call's state.
type explorer struct {
	env   *probe.Env
	c     *httpx.Client
	b     *banner
	ev    *event.Event
	notes int
	// noTrackTotal is set once the server rejected "track_total_hits" (ES < 6).
	noTrackTotal bool
	// noMsearch is set once the server answered that it has no _msearch.
	noMsearch bool
}

// note records a remark about the inventory in ev.Errors (bounded).
func (x *explorer) note(format string, a ...any) {
	x.notes++
	switch {
	case x.notes <= maxNotes:
		x.ev.Errors = append(x.ev.Errors, fmt.Sprintf(format, a...))
	case x.notes == maxNotes+1:
		x.ev.Errors = append(x.ev.Errors, "further notes omitted")
	}
}

func (x *explorer) path(p string) string { return x.b.base + p }

func (x *explorer) run(ctx context.Context) error {
	if x.ev.Service.Info == nil {
		x.ev.Service.Info = map[string]string{}
	}
	x.health(ctx)
	list, err := x.listIndices(ctx)
	if err != nil {
		return err
	}
	ds := &event.Dataset{Containers: []event.Container{}, Truncated: list.truncated}
	x.ev.Dataset = ds
	indices := list.indices
	slices.SortStableFunc(indices, func(a, b *index) int {
		// Ransom notes first (never cut), then user indices, then by name.
		if ra, rb := isRansomName(a.name), isRansomName(b.name); ra != rb {
			return boolOrder(ra)
		}
		if a.hidden != b.hidden {
			return boolOrder(!a.hidden)
		}
		return cmp.Compare(a.name, b.name)
	})
	if max := x.env.Limits.MaxContainers; max > 0 && len(indices) > max {
		x.note("%d indices listed; inventoried the first %d (limit)", len(indices), max)
		indices, ds.Truncated = indices[:max], true
	}
	// The listing is the proof of anonymous access; what follows only adds detail.
	x.ev.Status = event.StatusOpen
	x.ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("%s listed %d indices", list.method, len(list.indices))}

	if list.method == methodCat {
		x.creationDates(ctx, indices)
	}
	if list.method != methodZinc {
		x.mappings(ctx, indices)
	}
	sampled, from := x.sampleAll(ctx, indices, list.method == methodHits)
	if ctx.Err() != nil {
		ds.Truncated = true
		x.note("explore time limit reached: inventory incomplete")
	}
	for _, ix := range indices {
		ds.Containers = append(ds.Containers, event.Container{
			Kind: "index", Name: ix.name, Documents: ix.docs.ptr(), Bytes: ix.bytes.ptr(),
			Created: ix.created, Fields: ix.fields, Samples: ix.samples, Sampled: len(ix.samples),
		})
	}
	ds.ComputeTotals()
	x.ev.Indicators = append(x.ev.Indicators, ransomIndicators(indices)...)
	if sampled > 0 {
		x.ev.Access.Level = event.AccessData
		x.ev.Access.Proof += fmt.Sprintf("; sampled %d documents from %d indices", sampled, from)
	}
	return nil
}

func boolOrder(first bool) int {
	if first {
		return -1
	}
	return 1
}

// health adds the cluster status and node count to the service facts
// (best effort: ZincSearch has no _cluster/health).
func (x *explorer) health(ctx context.Context) {
	var h struct {
		Status string `json:"status"`
		Nodes  count  `json:"number_of_nodes"`
	}
	p := x.path("/_cluster/health")
	r, err := x.c.Get(ctx, p)
	if err != nil || decode(r, p, x.env.Limits.MaxDepth, &h) != nil {
		return
	}
	if h.Status != "" {
		x.ev.Service.Info["cluster_status"] = clip(h.Status, 32)
	}
	if h.Nodes.set {
		x.ev.Service.Info["nodes"] = strconv.FormatInt(h.Nodes.v, 10)
	}
}

// setCount validates one reported count for an index, noting odd values.
func (x *explorer) setCount(ix *index, what string, n count) count {
	if n.bad != "" {
		x.note("index %q: %s %q is not a valid count; treated as unknown", clip(ix.name, 100), what, n.bad)
	}
	return n
}
