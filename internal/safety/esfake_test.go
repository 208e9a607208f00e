package safety

import (
	"fmt"
	"net/http"
	"strings"
)

// esLike answers like an open Elasticsearch 8 node whose every hint points
// elsewhere: _nodes publishes other hosts' addresses (by IP and by name),
// and every data endpoint redirects to another host. A scanner that follows
// any of it contacts `elsewhere` (an IP) or `elsewhereName` (a hostname).
func esLike(elsewhere, elsewhereName string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		p := r.URL.Path
		switch {
		case p == "/":
			fmt.Fprint(w, `{"name":"node-1","cluster_name":"corp","cluster_uuid":"abc","version":{"number":"8.11.0","build_flavor":"default","lucene_version":"9.8.0"},"tagline":"You Know, for Search"}`)
		case strings.HasPrefix(p, "/_nodes"):
			fmt.Fprintf(w, `{"_nodes":{"total":3},"cluster_name":"corp","nodes":{
			  "a":{"name":"node-2","host":"%[1]s","ip":"%[1]s","transport_address":"%[1]s:9300","http":{"publish_address":"%[2]s/%[1]s:9200"}},
			  "b":{"name":"node-3","host":"%[2]s","ip":"%[1]s","transport_address":"%[2]s:9300","http":{"publish_address":"%[2]s:9200"}}}}`,
				elsewhere, elsewhereName)
		case strings.HasPrefix(p, "/_cluster/health"):
			fmt.Fprint(w, `{"cluster_name":"corp","status":"green","number_of_nodes":3,"number_of_data_nodes":3}`)
		case strings.HasPrefix(p, "/_cat/indices"):
			fmt.Fprint(w, `[{"health":"green","status":"open","index":"customers","docs.count":"3","store.size":"1024","creation.date":"1700000000000"}]`)
		default:
			redirectTo(w, r, "http://"+elsewhereName+":9200"+p)
		}
	})
}

// redirector answers every request with a redirect to target (+ the path).
func redirector(target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirectTo(w, r, target+r.URL.Path)
	})
}

func redirectTo(w http.ResponseWriter, r *http.Request, loc string) {
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusFound)
}
