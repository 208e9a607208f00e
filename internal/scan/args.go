package scan

// Args are a scan's settings as stored with it (store.NewScan.Args), so
// `leakwatch scan --resume` replays exactly the same scope: same targets,
// ports and permutation seed. The CLI and the watcher both write them.
type Args struct {
	Targets       []string `json:"targets"`
	Excludes      []string `json:"excludes,omitempty"`
	Ports         []int    `json:"ports,omitempty"` // empty: the probes' default ports
	Probes        []string `json:"probes,omitempty"`
	Rate          int      `json:"rate"`
	Concurrency   int      `json:"concurrency"`
	PerHost       int      `json:"per_host"`
	Timeout       string   `json:"timeout"`
	Sample        int      `json:"sample"`
	AllowReserved bool     `json:"allow_reserved,omitempty"`
	Seed          uint64   `json:"seed"`
	// NoDefaultCredentials: no default-credential logins (probe.Limits).
	NoDefaultCredentials bool `json:"no_default_credentials,omitempty"`
	// Watch names the watch group that ran the scan, if any.
	Watch string `json:"watch_group,omitempty"`
}
