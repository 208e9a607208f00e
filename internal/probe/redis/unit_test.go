package redis

import "testing"

func TestRansomNames(t *testing.T) {
	for name, want := range map[string]bool{"READ_ME": true, "how_to_recover_your_data": true, "meow": true,
		"Warning": true, "sms:100001": false, "config:db_password": false} {
		if got := ransomName(name); got != want {
			t.Errorf("ransomName(%q) = %v", name, got)
		}
	}
}

func TestSuspiciousPath(t *testing.T) {
	for p, want := range map[string]bool{"/root/.ssh": true, "/var/spool/cron": true, "/etc/cron.d": true,
		"authorized_keys": true, "/var/lib/redis": false, "dump.rdb": false, "/var/www/html": true} {
		if got := suspiciousPath(p) != ""; got != want {
			t.Errorf("suspiciousPath(%q) = %v", p, got)
		}
	}
}
