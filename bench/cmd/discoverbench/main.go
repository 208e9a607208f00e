// Command discoverbench runs internal/discover over a scope and prints what
// bench/discover.sh reports: pairs, hosts/s, attempts/s and the open ports.
// It exists so the discovery stage can be measured without the CLI.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/discover"
	"github.com/leakwatch/leakwatch/internal/scope"
)

func main() {
	ports := flag.String("p", "6379,9200,27017,5432,3306,11211", "default ports, comma-separated")
	rate := flag.Int("rate", -1, "attempts/s (-1: unlimited, 0: library default)")
	conc := flag.Int("concurrency", 0, "attempts in flight (0: library default)")
	perHost := flag.Int("per-host", 0, "attempts in flight per address (0: library default)")
	timeout := flag.Duration("timeout", time.Second, "connect timeout")
	retries := flag.Int("retries", 0, "retries after a timeout")
	engine := flag.String("engine", "epoll", "epoll or dialer")
	seed := flag.Uint64("seed", 1, "permutation seed")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile here")
	list := flag.Bool("list", false, "print every open port")
	flag.Parse()
	if err := run(*ports, *rate, *conc, *perHost, *timeout, *retries, *engine, *seed, *cpuProfile, *list, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "discoverbench:", err)
		os.Exit(1)
	}
}

func run(portList string, rate, conc, perHost int, timeout time.Duration, retries int, engine string, seed uint64, cpuProfile string, list bool, targets []string) error {
	var ports []int
	for _, f := range strings.Split(portList, ",") {
		p, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return fmt.Errorf("port %q: %v", f, err)
		}
		ports = append(ports, p)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sc, err := scope.Parse(ctx, targets, nil, scope.Options{DefaultPorts: ports, Seed: seed})
	if err != nil {
		return err
	}
	cfg := discover.Config{Rate: rate, Concurrency: conc, PerHost: perHost, Timeout: timeout, Retries: retries}
	switch engine {
	case "epoll":
		cfg.Engine = discover.EngineEpoll
	case "dialer":
		cfg.Engine = discover.EngineDialer
	default:
		return fmt.Errorf("unknown engine %q", engine)
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var open []string
	st, err := discover.Scan(ctx, cfg, sc.Items(0), func(it scope.Item) {
		open = append(open, fmt.Sprintf("%s:%d", it.IP, it.Port))
	})
	hosts := float64(sc.Len()) / float64(len(ports))
	fmt.Printf("engine=%s pairs=%d hosts=%.0f elapsed=%.2fs attempts=%d attempts/s=%.0f hosts/s=%.0f open=%d closed=%d timedout=%d errors=%d retried=%d done=%d\n",
		engine, sc.Len(), hosts, st.Elapsed.Seconds(), st.Attempts, float64(st.Attempts)/st.Elapsed.Seconds(),
		hosts/st.Elapsed.Seconds(), st.Open, st.Closed, st.TimedOut, st.Errors, st.Retried, st.Done)
	if list {
		sort.Strings(open)
		for _, o := range open {
			fmt.Println("open", o)
		}
	}
	return err
}
