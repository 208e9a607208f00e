// Package kafka probes Apache Kafka brokers (and protocol-compatible servers
// such as Redpanda) with its own bounded client: ApiVersions identifies,
// Metadata lists brokers, topics and partitions, ListOffsets turns earliest
// and latest offsets into message counts, and one small Fetch per partition
// samples a few records. client_id is "leakwatch"; nothing is ever produced,
// committed or created, and no advertised broker other than the target is
// contacted.
package kafka

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Probe is the Kafka probe.
type Probe struct{}

// New returns the Kafka probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "kafka" }

// DefaultPorts implements probe.Probe.
func (Probe) DefaultPorts() []int { return []int{9092} }

// Identify sends ApiVersions v0 (answered even on SASL listeners).
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	c, err := dial(ctx, env, t)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	apis, code, err := c.apiVersions()
	if err != nil || !looksLikeKafka(apis, code) {
		return nil, nil
	}
	return service(apis), nil
}

func service(apis map[int16]apiRange) *event.Service {
	svc := &event.Service{Name: "kafka", Product: "Kafka", Info: map[string]string{"apis": strconv.Itoa(len(apis))}}
	if a, ok := apis[apiFetch]; ok {
		svc.Info["fetch_versions"] = fmt.Sprintf("%d-%d", a.min, a.max)
	}
	return svc
}

// Explore implements probe.Probe.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c, err := dial(ctx, env, t)
	if err != nil {
		return err
	}
	defer c.Close()
	apis, code, err := c.apiVersions()
	if err != nil {
		return err
	}
	if !looksLikeKafka(apis, code) {
		return probe.Protocolf("kafka: ApiVersions lacks the core APIs")
	}
	ev.Service = service(apis)
	v, ok := pick(apis, apiMetadata, 1, 4)
	if !ok {
		return probe.Protocolf("kafka: no Metadata version between 1 and 4")
	}
	r, err := c.call(apiMetadata, v, metadataRequest(v))
	if err != nil {
		if closedBySASL(err) {
			return fmt.Errorf("broker closed the connection on Metadata before SASL authentication: %w", probe.ErrAuthRequired)
		}
		return err
	}
	md, err := parseMetadata(r, v)
	if err != nil {
		return err
	}
	noteCluster(ev.Service, md)
	inv := &inventory{c: c, l: env.Limits, apis: apis}
	inv.run(ctx, md)
	if inv.topics == 0 && inv.denied > 0 {
		return fmt.Errorf("metadata denies all %d topics: %w", inv.denied, probe.ErrAuthRequired)
	}
	ev.Status = event.StatusOpen
	ev.Dataset = inv.ds
	ev.Errors = append(ev.Errors, inv.errs...)
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("Metadata without authentication lists %d brokers and %d topics", len(md.brokers), inv.topics)}
	if inv.counted > 0 {
		ev.Access.Proof += fmt.Sprintf(" holding %d messages", inv.counted)
	}
	if inv.sampled > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf("; Fetch returned %d records", inv.sampled)
	}
	return nil
}

// noteCluster records the cluster id and the advertised brokers (as facts,
// never dialled).
func noteCluster(svc *event.Service, md *metadata) {
	if md.clusterID != "" {
		svc.Info["cluster_id"] = md.clusterID
	}
	svc.Info["brokers"] = strconv.Itoa(len(md.brokers))
	var addrs []string
	for i, b := range md.brokers {
		if i == 5 {
			addrs = append(addrs, "...")
			break
		}
		addrs = append(addrs, b.host+":"+strconv.Itoa(int(b.port)))
	}
	svc.Info["advertised"] = clip(strings.Join(addrs, ","), 300)
}

// clip cuts a server-given string to n bytes of valid UTF-8.
func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "?")
}
