// Package safety holds leakwatch's end-to-end safety proofs; it has no code
// of its own, only tests (see docs/security.md for the guarantee → test map):
//
//   - scope (scope_linux_test.go): the real leakwatch binary scans a target in
//     a network namespace while packet sockets on every other namespace's
//     interface show that nothing else receives a single frame: not through
//     hostnames (a test DNS server), redirects, replica-set member lists or
//     Elasticsearch node addresses learned from the target;
//   - hostile servers (hostile_test.go): every kind of hostile peer runs through
//     the whole pipeline with every registered probe and ends with a defined
//     status within the time, byte and heap budgets;
//   - politeness (politeness_test.go, politeness_linux_test.go,
//     lingering_test.go): the rate limit and per-host limits as measured by
//     the receiving listeners and on the wire, the User-Agent on every HTTP
//     request, the Mongo client metadata, no connection left open after
//     the scan;
//   - read-only (readonly_test.go): every probe explores its real lab
//     server through a recording proxy and sends only reads;
//   - raw samples never on disk (ondisk_test.go), with the real binary;
//   - docs/security.md names only tests that exist (securitydoc_test.go).
//
// Addresses: 10.199.x.y inside private network namespaces (they never leave
// the machine), 127.77.47.x (hostile servers), 127.77.48.x (politeness) and
// 127.77.49.x (out-of-scope sentinels that must never be contacted).
package safety
