// Package watch runs leakwatch's scans on a schedule and turns every
// finished scan into alerts: target groups (each with its interval, ports,
// excludes and alert channels) are River jobs (github.com/riverqueue/river
// on the same SQLite file as the store), unique per group so a group never
// scans twice at once. The schedule and each group's last run live in the
// store, so a restarted watcher picks up where it stopped; alerts go
// through the store's outbox (internal/notify).
package watch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"

	"github.com/leakwatch/leakwatch/internal/notify"
)

// Config is a watch configuration file (YAML or TOML, docs/watch.md).
type Config struct {
	Groups   []Group                `json:"groups" yaml:"groups" toml:"groups"`
	Channels []notify.ChannelConfig `json:"channels,omitempty" yaml:"channels" toml:"channels"`
	Alerts   AlertSettings          `json:"alerts" yaml:"alerts" toml:"alerts"`
}

// AlertSettings tune the triggers.
type AlertSettings struct {
	// WipeMinDocuments and WipeRemain: a wipe is a drop to at most
	// WipeRemain (a share, 0.1 = 10 %) of at least WipeMinDocuments.
	WipeMinDocuments int64   `json:"wipe_min_documents,omitempty" yaml:"wipe_min_documents" toml:"wipe_min_documents"`
	WipeRemain       float64 `json:"wipe_remain,omitempty" yaml:"wipe_remain" toml:"wipe_remain"`
}

// Group is a set of targets scanned together on one schedule.
type Group struct {
	Name     string   `json:"name" yaml:"name" toml:"name"`
	Targets  []string `json:"targets" yaml:"targets" toml:"targets"`
	Excludes []string `json:"excludes,omitempty" yaml:"excludes" toml:"excludes"`
	// Ports: "6379,9200,27017-27019"; empty = every probe's default ports.
	Ports  string   `json:"ports,omitempty" yaml:"ports" toml:"ports"`
	Probes []string `json:"probes,omitempty" yaml:"probes" toml:"probes"`
	Every  string   `json:"every" yaml:"every" toml:"every"` // Go duration: 30m, 1h, 24h
	// Channels names the channels this group's alerts go to; empty = all.
	Channels    []string `json:"channels,omitempty" yaml:"channels" toml:"channels"`
	Rate        int      `json:"rate,omitempty" yaml:"rate" toml:"rate"`
	Concurrency int      `json:"concurrency,omitempty" yaml:"concurrency" toml:"concurrency"`
	PerHost     int      `json:"per_host,omitempty" yaml:"per_host" toml:"per_host"`
	Timeout     string   `json:"timeout,omitempty" yaml:"timeout" toml:"timeout"`
	Sample      *int     `json:"sample,omitempty" yaml:"sample" toml:"sample"`
}

// Interval parses Every.
func (g Group) Interval() (time.Duration, error) {
	d, err := time.ParseDuration(g.Every)
	if err != nil || d < time.Second {
		return 0, fmt.Errorf("group %s: every %q is not a duration of at least 1s (e.g. 30m, 1h)", g.Name, g.Every)
	}
	return d, nil
}

// PortList parses Ports (nil when empty).
func (g Group) PortList() ([]int, error) { return ParsePorts(g.Ports) }

var groupName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Validate checks the configuration and builds its channels.
func (c *Config) Validate() ([]notify.Channel, error) {
	if len(c.Groups) == 0 {
		return nil, errors.New("watch: no target groups")
	}
	var chans []notify.Channel
	names := map[string]bool{}
	for _, cc := range c.Channels {
		ch, err := cc.Build()
		if err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
		if names[ch.Name()] {
			return nil, fmt.Errorf("watch: two channels named %s", ch.Name())
		}
		names[ch.Name()] = true
		chans = append(chans, ch)
	}
	seen := map[string]bool{}
	for _, g := range c.Groups {
		if !groupName.MatchString(g.Name) {
			return nil, fmt.Errorf("watch: group name %q: letters, digits, . _ - (at most 64)", g.Name)
		}
		if seen[g.Name] {
			return nil, fmt.Errorf("watch: two groups named %s", g.Name)
		}
		seen[g.Name] = true
		if len(g.Targets) == 0 {
			return nil, fmt.Errorf("watch: group %s has no targets", g.Name)
		}
		if _, err := g.Interval(); err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
		if _, err := g.PortList(); err != nil {
			return nil, fmt.Errorf("watch: group %s: %w", g.Name, err)
		}
		if g.Timeout != "" {
			if d, err := time.ParseDuration(g.Timeout); err != nil || d <= 0 {
				return nil, fmt.Errorf("watch: group %s: timeout %q is not a duration", g.Name, g.Timeout)
			}
		}
		for _, ch := range g.Channels {
			if !names[ch] {
				return nil, fmt.Errorf("watch: group %s sends to channel %q, which is not defined", g.Name, ch)
			}
		}
	}
	return chans, nil
}

// LoadConfig reads a YAML (.yaml, .yml) or TOML (.toml) file; other names
// are tried as YAML. Unknown keys are errors: a typo must not silently
// drop a channel.
func LoadConfig(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Config
	switch strings.ToLower(filepath.Ext(path)) {
	case ".toml":
		md, err := toml.Decode(string(raw), &c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			return nil, fmt.Errorf("%s: unknown keys: %v", path, und)
		}
	default:
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return &c, nil
}

// JSON is the group as stored with its schedule (no secrets: channels are
// referred to by name).
func (g Group) JSON() json.RawMessage {
	b, _ := json.Marshal(g)
	return b
}

// ParsePorts reads "6379,9200,27017-27019" (empty: nil).
func ParsePorts(s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(strings.TrimSpace(hi))
		}
		if err1 != nil || err2 != nil || a < 1 || b > 65535 || a > b {
			return nil, fmt.Errorf("ports: %q is not a port or range between 1 and 65535", part)
		}
		for p := a; p <= b; p++ {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}
