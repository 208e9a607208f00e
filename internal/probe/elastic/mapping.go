package elastic

import (
	"encoding/json"
	"slices"
)

// mappingFields flattens an index mapping into dotted field names
// ("customer.email"), at most maxFields of them and maxDepth objects deep.
// It accepts {"mappings":{...}} (GET _mapping), a bare mapping
// ({"properties":...}, ZincSearch) and pre-7 typed mappings
// ({"_doc":{"properties":...}}). Unknown shapes give no fields.
func mappingFields(raw json.RawMessage, maxFields, maxDepth int) []string {
	if len(raw) == 0 || maxFields <= 0 {
		return nil
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return nil
	}
	if m, ok := top["mappings"]; ok {
		top = nil
		if json.Unmarshal(m, &top) != nil {
			return nil
		}
	}
	f := &fieldWalker{max: maxFields, maxDepth: maxDepth}
	if props, ok := top["properties"]; ok {
		f.walk(props, "", 1)
	} else {
		for _, typ := range sortedKeys(top) { // typed mappings (ES 5/6)
			var t map[string]json.RawMessage
			if json.Unmarshal(top[typ], &t) == nil {
				if props, ok := t["properties"]; ok {
					f.walk(props, "", 1)
				}
			}
		}
	}
	return f.names
}

type fieldWalker struct {
	names    []string
	seen     map[string]bool
	max      int
	maxDepth int
}

func (f *fieldWalker) walk(props json.RawMessage, prefix string, depth int) {
	if depth > f.maxDepth || len(f.names) >= f.max {
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(props, &m) != nil {
		return
	}
	for _, name := range sortedKeys(m) {
		if len(f.names) >= f.max {
			return
		}
		full := clip(prefix+name, 256)
		if f.seen == nil {
			f.seen = map[string]bool{}
		}
		if !f.seen[full] {
			f.seen[full] = true
			f.names = append(f.names, full)
		}
		var sub struct {
			Properties json.RawMessage `json:"properties"`
		}
		if json.Unmarshal(m[name], &sub) == nil && len(sub.Properties) > 0 {
			f.walk(sub.Properties, full+".", depth+1)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
