package notify

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// ChannelConfig is one channel as written in the watch configuration file
// (docs/watch.md). Secret, Password and URL may name environment variables
// ("${SLACK_URL}") so the file itself holds no secret.
type ChannelConfig struct {
	Name        string   `json:"name" yaml:"name" toml:"name"`
	Type        string   `json:"type" yaml:"type" toml:"type"` // webhook, slack, smtp
	MinSeverity string   `json:"min_severity,omitempty" yaml:"min_severity" toml:"min_severity"`
	URL         string   `json:"url,omitempty" yaml:"url" toml:"url"`
	Secret      string   `json:"-" yaml:"secret" toml:"secret"` // webhook HMAC key
	Addr        string   `json:"addr,omitempty" yaml:"addr" toml:"addr"`
	From        string   `json:"from,omitempty" yaml:"from" toml:"from"`
	To          []string `json:"to,omitempty" yaml:"to" toml:"to"`
	Username    string   `json:"username,omitempty" yaml:"username" toml:"username"`
	Password    string   `json:"-" yaml:"password" toml:"password"`
	TLS         string   `json:"tls,omitempty" yaml:"tls" toml:"tls"`
	Timeout     string   `json:"timeout,omitempty" yaml:"timeout" toml:"timeout"`
}

// Build checks the configuration and returns the channel.
func (c ChannelConfig) Build() (Channel, error) {
	if c.Name == "" {
		return nil, fmt.Errorf("channel of type %q has no name", c.Type)
	}
	if c.MinSeverity != "" && !slices.Contains(event.Severities, event.Severity(c.MinSeverity)) {
		return nil, fmt.Errorf("channel %s: min_severity %q is not one of info, low, medium, high, critical", c.Name, c.MinSeverity)
	}
	var timeout time.Duration
	if c.Timeout != "" {
		d, err := time.ParseDuration(c.Timeout)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("channel %s: timeout %q is not a duration", c.Name, c.Timeout)
		}
		timeout = d
	}
	u := os.ExpandEnv(c.URL)
	switch c.Type {
	case "webhook", "slack":
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("channel %s: url %q is not an http(s) URL", c.Name, redactURL(u))
		}
		if c.Type == "slack" {
			w := NewSlack(c.Name, u, c.MinSeverity)
			w.Timeout = timeout
			return w, nil
		}
		return &Webhook{ChannelName: c.Name, URL: u, Secret: []byte(os.ExpandEnv(c.Secret)), Min: c.MinSeverity,
			Timeout: timeout}, nil
	case "smtp", "email", "mail":
		if c.Addr == "" || c.From == "" || len(c.To) == 0 {
			return nil, fmt.Errorf("channel %s: smtp needs addr (host:port), from and to", c.Name)
		}
		return &Mail{ChannelName: c.Name, Addr: c.Addr, From: c.From, To: c.To, Username: c.Username,
			Password: os.ExpandEnv(c.Password), TLS: c.TLS, Min: c.MinSeverity, Timeout: timeout}, nil
	}
	return nil, fmt.Errorf("channel %s: type %q is not webhook, slack or smtp", c.Name, c.Type)
}

// redactURL keeps a webhook's secret path out of error messages.
func redactURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[:i+3+j] + "/…"
		}
	}
	return u
}
