package registry

import (
	"encoding/json"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

func parseCatalog(b []byte) ([]string, error) {
	var c struct {
		Repositories *[]string `json:"repositories"`
	}
	if err := json.Unmarshal(b, &c); err != nil || c.Repositories == nil {
		return nil, probe.Protocolf("_catalog: no repositories list")
	}
	return *c.Repositories, nil
}

func parseTags(b []byte) ([]string, error) {
	var t struct {
		Tags []string `json:"tags"` // null for a repository without tags
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, probe.Protocolf("tags/list: %v", err)
	}
	return t.Tags, nil
}

type descriptor struct {
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"`
	Digest    string `json:"digest"`
}

type manifest struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Config        descriptor   `json:"config"`
	Layers        []descriptor `json:"layers"`
	Manifests     []descriptor `json:"manifests"`
}

func parseManifest(b []byte) (manifest, error) {
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return m, probe.Protocolf("manifest: %v", err)
	}
	return m, nil
}

func (m manifest) isIndex() bool { return len(m.Manifests) > 0 }

// layerBytes sums the compressed layer sizes; nil when a size is negative
// (a lying server) or the sum overflows.
func (m manifest) layerBytes() *int64 {
	var sum int64
	for _, l := range m.Layers {
		if l.Size < 0 || sum+l.Size < sum {
			return nil
		}
		sum += l.Size
	}
	return event.Int64(sum + max(m.Config.Size, 0))
}

// imageConfig is the part of an image config worth classifying.
type imageConfig struct {
	Created time.Time `json:"created"`
	Config  struct {
		Env    []string          `json:"Env"`
		Labels map[string]string `json:"Labels"`
		Cmd    []string          `json:"Cmd"`
	} `json:"config"`
	History []struct {
		CreatedBy string `json:"created_by"`
	} `json:"history"`
}

func parseImageConfig(b []byte) (imageConfig, error) {
	var c imageConfig
	if err := json.Unmarshal(b, &c); err != nil {
		return c, probe.Protocolf("image config: %v", err)
	}
	return c, nil
}

// sample keeps Env, Labels, Cmd and the build commands (which often carry
// --build-arg secrets) as one JSON document.
func (c imageConfig) sample(key string, maxBytes int) event.Sample {
	doc := map[string]any{"env": c.Config.Env, "labels": c.Config.Labels, "cmd": c.Config.Cmd}
	var steps []string
	for _, h := range c.History {
		if len(steps) >= 50 {
			break
		}
		steps = append(steps, h.CreatedBy)
	}
	doc["history"] = steps
	b, _ := json.Marshal(doc)
	s := event.Sample{Key: key, Format: "json", Data: b}
	if maxBytes > 0 && len(b) > maxBytes {
		s.Data, s.Format = b[:maxBytes], "text"
	}
	return s
}
