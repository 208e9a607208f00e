// Command defaultports prints leakwatch's default ports (the union of the
// registered probes' ports), comma-separated, for the bench scripts.
package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/probe/all"
)

func main() {
	var s []string
	for _, p := range all.DefaultPorts() {
		s = append(s, strconv.Itoa(p))
	}
	fmt.Println(strings.Join(s, ","))
}
