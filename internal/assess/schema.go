package assess

import "strings"

// FieldHint marks field or column names that suggest sensitive content.
// They only matter when the content itself was not readable (metadata
// access): otherwise the classifier has looked at the values.
type FieldHint struct {
	Word     string // matched against the name's lower-case words ("db_password" → db, password)
	Contains bool   // match inside a word too ("userPassword", "passwordhash")
	Category Category
}

var FieldHints = []FieldHint{
	{Word: "password", Contains: true, Category: CategoryCredential},
	{Word: "passwd", Contains: true, Category: CategoryCredential},
	{Word: "pwd", Category: CategoryCredential},
	{Word: "secret", Contains: true, Category: CategoryCredential},
	{Word: "apikey", Contains: true, Category: CategoryCredential},
	{Word: "token", Category: CategoryCredential},
	{Word: "privatekey", Contains: true, Category: CategoryCredential},
	{Word: "ssn", Category: CategoryPersonal},
	{Word: "iban", Category: CategoryPersonal},
	{Word: "cardnumber", Contains: true, Category: CategoryPersonal},
	{Word: "creditcard", Contains: true, Category: CategoryPersonal},
	{Word: "phone", Contains: true, Category: CategoryContact},
	{Word: "mobile", Category: CategoryContact},
	{Word: "msisdn", Category: CategoryContact},
	{Word: "email", Contains: true, Category: CategoryContact},
}

// maxHintFields bounds the field names quoted in a reason.
const maxHintFields = 5

// hintedFields returns the field names that match FieldHints, heaviest
// category first, and that category.
func hintedFields(fields []string) ([]string, Category) {
	var names []string
	best := CategoryNone
	for _, f := range fields {
		words := nameWords(f)
		joined := strings.Join(words, "")
		for _, h := range FieldHints {
			if !hintMatches(h, words, joined) {
				continue
			}
			names = append(names, quoteName(f))
			best = max(best, h.Category)
			break
		}
	}
	return names, best
}

func hintMatches(h FieldHint, words []string, joined string) bool {
	if h.Contains && strings.Contains(joined, h.Word) {
		return true
	}
	for _, w := range words {
		if w == h.Word {
			return true
		}
	}
	return false
}
