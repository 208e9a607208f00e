package assess

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Compromise advice per indicator kind, for the owner.
var CompromiseSteps = map[string]string{
	"ransom-note":       "Do not pay: these gangs often keep no copy, so paying rarely brings the data back. Restore from a backup taken before the note appeared, and assume the data was copied.",
	"wiped":             "Find out who deleted the data (server and audit logs), restore it from a backup, and assume it was copied first.",
	"suspicious-config": "Restore the tampered settings (Redis: `CONFIG GET dir`, `CONFIG GET dbfilename`), then look for unknown keys in `~/.ssh/authorized_keys` and unknown jobs in `/etc/cron.d` and `/var/spool/cron`; if you find any, rebuild the host.",
}

// Steps that depend on what was found.
const (
	stepLogs   = "Check the server's logs since {since} for reads from unknown addresses, to learn whether the data was copied."
	stepNotify = "Check your duty to notify: under the GDPR, the supervisory authority within 72 hours of becoming aware (Art. 33) and the people affected when the risk to them is high (Art. 34); other laws have similar rules."
	stepClosed = "Nothing was readable without credentials. Still, a login prompt on the internet invites password guessing: firewall port {port}/tcp if only known hosts need it."
	verifyScan = "Run `leakwatch scan {addr}` from outside your network: it must no longer report the service as open."
)

// Impact when nothing sensitive was classified.
const (
	impactData     = "Anyone can copy everything readable here; datastores that allow anonymous reads usually allow anonymous changes and deletion too."
	impactMetadata = "Anyone can see what the datastore holds and watch for the moment its content becomes readable."
	impactRansom   = "An attacker has already had write access: assume a copy of the data is in their hands."
	impactConfig   = "An attacker may have used the datastore to write files on the host and take it over."
)

// advise fills Impact, Remediation, UserAdvice and Verify.
func advise(ev *event.Event, a *event.Assessment, facts []*containerFacts, compromise []event.Indicator) {
	vars := strings.NewReplacer(
		"{ip}", cleanText(ev.IP, 45),
		"{port}", strconv.Itoa(ev.Port),
		"{addr}", address(ev),
		"{since}", sinceText(a),
	)
	if ev.Status != event.StatusOpen {
		if ev.Status == event.StatusAuthRequired {
			a.Remediation = []string{vars.Replace(stepClosed)}
		}
		return
	}
	name, product := "", ""
	if ev.Service != nil {
		name, product = ev.Service.Name, ev.Service.Product
	}
	svc := adviceFor(name, product)

	types, where := typesAndPlaces(facts)
	var sensitive bool
	for _, t := range types {
		a.Impact = append(a.Impact, capitalise(t.Label)+" in "+where[t.ID]+": an attacker can "+t.Impact+".")
		sensitive = sensitive || t.Category >= CategoryContact
	}
	for _, in := range compromise {
		switch in.Kind {
		case "ransom-note", "wiped":
			a.Impact = appendOnce(a.Impact, impactRansom)
		case "suspicious-config":
			a.Impact = appendOnce(a.Impact, impactConfig)
		}
	}
	if len(types) == 0 {
		if accessOf(ev) == event.AccessData {
			a.Impact = append(a.Impact, impactData)
		} else {
			a.Impact = append(a.Impact, impactMetadata)
		}
	}

	steps := []string{Firewall}
	steps = append(steps, svc.Steps...)
	for _, t := range types {
		if t.Owner != "" {
			steps = appendOnce(steps, strings.ReplaceAll(t.Owner, "{where}", where[t.ID]))
		}
	}
	for _, in := range compromise {
		if s, ok := CompromiseSteps[in.Kind]; ok {
			steps = appendOnce(steps, s)
		}
	}
	if accessOf(ev) == event.AccessData {
		steps = append(steps, stepLogs)
	}
	if sensitive {
		steps = append(steps, stepNotify)
	}
	for _, s := range steps {
		a.Remediation = append(a.Remediation, vars.Replace(s))
	}

	for _, t := range types {
		for _, adv := range t.Advice {
			a.UserAdvice = appendOnce(a.UserAdvice, adv)
		}
	}
	for _, v := range append(append([]string{}, svc.Verify...), verifyScan) {
		a.Verify = append(a.Verify, vars.Replace(v))
	}
}

// typesAndPlaces lists the graded types of all containers (heaviest first)
// and, per type, the containers that hold it.
func typesAndPlaces(facts []*containerFacts) ([]*DataType, map[string]string) {
	places := map[string][]string{}
	var all []*typeFacts
	for _, cf := range facts {
		for _, t := range cf.Types {
			if _, ok := places[t.Type.ID]; !ok {
				all = append(all, t)
			}
			places[t.Type.ID] = append(places[t.Type.ID], subjectOf(cf))
		}
	}
	sortTypes(all)
	types := make([]*DataType, len(all))
	where := map[string]string{}
	for i, t := range all {
		types[i] = t.Type
		where[t.Type.ID] = joinLimited(places[t.Type.ID], 3, ", ")
	}
	return types, where
}

func sinceText(a *event.Assessment) string {
	if a.ExposedSince == nil {
		return "the exposure began"
	}
	t := a.ExposedSince.Time
	if len(a.ExposedSince.Hints) > 0 {
		t = a.ExposedSince.Hints[0].Time
	}
	return t.UTC().Format("2006-01-02")
}

func appendOnce(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
