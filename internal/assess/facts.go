package assess

import (
	"sort"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
)

// containerFacts is what the rules look at for one container.
type containerFacts struct {
	Key       string // "parent.name" or "name": the name findings and reasons use
	Kind      string
	Container *event.Container // nil for a container only findings name
	Documents int64            // -1 when unknown
	Types     []*typeFacts     // graded types, heaviest category first
	Ignored   []*typeFacts     // low-confidence detections: reported, not graded
	Indicator map[string]event.Indicator
}

// typeFacts sums one data type in one container.
type typeFacts struct {
	Type    *DataType
	Records int64 // estimated records holding it
}

// ContainerKey is the name of a container as findings, reasons and reports
// use it: "parent.name", or the name alone when it has no parent or already
// starts with "parent." (InfluxDB measurements are named "db.measurement").
func ContainerKey(c *event.Container) string {
	if c.Parent != "" && !strings.HasPrefix(c.Name, c.Parent+".") {
		return c.Parent + "." + c.Name
	}
	return c.Name
}

// maxRecords is the largest records estimate of the types of a category.
func (cf *containerFacts) maxRecords(cat Category) int64 {
	var n int64 = -1
	for _, t := range cf.Types {
		if t.Type.Category == cat && t.Records > n {
			n = t.Records
		}
	}
	return n
}

// typesOf returns the types of a category, in table order.
func (cf *containerFacts) typesOf(cat Category) []*typeFacts {
	var out []*typeFacts
	for _, t := range cf.Types {
		if t.Type.Category == cat {
			out = append(out, t)
		}
	}
	return out
}

// gatherFacts joins containers, findings and indicators by container name.
// Findings are matched on "parent.name", "parent/name" or the bare name, as
// classifiers and probes may name containers either way.
func gatherFacts(ev *event.Event, indicators []event.Indicator) []*containerFacts {
	var all []*containerFacts
	byName := map[string]*containerFacts{}
	add := func(cf *containerFacts, names ...string) {
		all = append(all, cf)
		for _, n := range names {
			if _, dup := byName[n]; !dup {
				byName[n] = cf
			}
		}
	}
	if ev.Dataset != nil {
		for i := range ev.Dataset.Containers {
			c := &ev.Dataset.Containers[i]
			cf := &containerFacts{Key: ContainerKey(c), Kind: c.Kind, Container: c, Documents: -1,
				Indicator: map[string]event.Indicator{}}
			if c.Documents != nil {
				cf.Documents = *c.Documents
			}
			names := []string{cf.Key}
			if c.Parent != "" {
				names = append(names, c.Parent+"."+c.Name, c.Parent+"/"+c.Name, c.Name)
			}
			add(cf, names...)
		}
	}
	find := func(name string) *containerFacts {
		if cf := byName[name]; cf != nil {
			return cf
		}
		cf := &containerFacts{Key: name, Kind: "container", Documents: -1, Indicator: map[string]event.Indicator{}}
		add(cf, name)
		return cf
	}

	type acc struct {
		records int64
		graded  bool
	}
	perType := map[*containerFacts]map[string]*acc{}
	for _, f := range ev.Findings {
		if f.Count <= 0 && f.Documents <= 0 {
			continue
		}
		cf := find(f.Container)
		m := perType[cf]
		if m == nil {
			m = map[string]*acc{}
			perType[cf] = m
		}
		a := m[f.Type]
		if a == nil {
			a = &acc{}
			m[f.Type] = a
		}
		a.records = max(a.records, estimateRecords(cf, f))
		a.graded = a.graded || f.Confidence != "low"
	}
	for cf, m := range perType {
		for id, a := range m {
			tf := &typeFacts{Type: lookupType(id), Records: a.records}
			if a.graded {
				cf.Types = append(cf.Types, tf)
			} else {
				cf.Ignored = append(cf.Ignored, tf)
			}
		}
		sortTypes(cf.Types)
		sortTypes(cf.Ignored)
	}
	for _, in := range indicators {
		if in.Container != "" {
			cf := find(in.Container)
			if _, dup := cf.Indicator[in.Kind]; !dup {
				cf.Indicator[in.Kind] = in
			}
		}
	}
	return all
}

// estimateRecords scales the sampled share of documents holding a type to
// the container's document count: 30 of 50 sampled documents in a container
// of 10,000 gives 6,000. Without a count, the sampled documents are the estimate.
func estimateRecords(cf *containerFacts, f event.Finding) int64 {
	seen := int64(max(f.Documents, 1))
	if cf.Container == nil || cf.Documents <= 0 || cf.Container.Sampled <= 0 {
		return seen
	}
	sampled := int64(cf.Container.Sampled)
	if seen >= sampled {
		return max(cf.Documents, seen)
	}
	est := (cf.Documents*seen + sampled - 1) / sampled
	return max(est, seen)
}

// sortTypes orders types by category (heaviest first), then by table order.
func sortTypes(ts []*typeFacts) {
	order := typeOrder
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i].Type, ts[j].Type
		if a.Category != b.Category {
			return a.Category > b.Category
		}
		oa, oka := order[a.ID]
		ob, okb := order[b.ID]
		if oka != okb {
			return oka
		}
		if oa != ob {
			return oa < ob
		}
		return a.ID < b.ID
	})
}

// typeOrder is each type's position in DataTypes.
var typeOrder = func() map[string]int {
	m := make(map[string]int, len(DataTypes))
	for i, t := range DataTypes {
		m[t.ID] = i
	}
	return m
}()
