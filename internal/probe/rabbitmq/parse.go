package rabbitmq

import "encoding/json"

type overview struct {
	RabbitVersion     string `json:"rabbitmq_version"`
	ManagementVersion string `json:"management_version"`
	ClusterName       string `json:"cluster_name"`
	Totals            struct {
		Queues      int64 `json:"queues"`
		Connections int64 `json:"connections"`
	} `json:"object_totals"`
	Queued struct {
		Messages int64 `json:"messages"`
	} `json:"queue_totals"`
}

func parseOverview(b []byte) (overview, bool) {
	var o overview
	if json.Unmarshal(b, &o) != nil {
		return o, false
	}
	return o, o.ManagementVersion != "" || o.RabbitVersion != ""
}

type queue struct {
	Name         string `json:"name"`
	VHost        string `json:"vhost"`
	Messages     *int64 `json:"messages"`
	MessageBytes *int64 `json:"message_bytes"`
}

type queuePage struct {
	Items      []queue `json:"items"`
	TotalCount int     `json:"total_count"`
}

type user struct {
	Name      string `json:"name"`
	Hash      string `json:"password_hash"`
	Algorithm string `json:"hashing_algorithm"`
	Tags      any    `json:"tags"` // a string before 3.10, a list since
}

type defs struct {
	Users      []user            `json:"users"`
	Parameters []json.RawMessage `json:"parameters"`
}
