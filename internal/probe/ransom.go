package probe

import "strings"

// Names that ransom bots give the database, collection or table holding
// their note after wiping an exposed server (READ_ME_TO_RECOVER_YOUR_DATA,
// README, WARNING, meow...), seen on MongoDB, PostgreSQL and MySQL alike.
var (
	ransomPrefixes = []string{"readme", "read_me", "read__me", "warning", "please_read", "how_to_recover", "recover_"}
	ransomWords    = []string{"recover_your", "to_recover", "meow", "pwned", "bitcoin"}
)

// RansomNameMatch returns the ransom-note pattern that a container name
// matches, or "" (case-insensitive).
func RansomNameMatch(name string) string {
	n := strings.ToLower(name)
	for _, p := range ransomPrefixes {
		if strings.HasPrefix(n, p) {
			return p
		}
	}
	for _, w := range ransomWords {
		if strings.Contains(n, w) {
			return w
		}
	}
	return ""
}
