package assess

// Category is a class of sensitive data; a higher value weighs more.
type Category int

const (
	CategoryNone       Category = iota
	CategoryHint                // infrastructure hints, masked identifiers
	CategoryContact             // phone numbers, e-mail addresses, user names
	CategoryPersonal            // identity and financial numbers, message content
	CategoryCredential          // passwords, keys, tokens
)

func (c Category) String() string {
	switch c {
	case CategoryHint:
		return "infrastructure hints"
	case CategoryContact:
		return "contact data"
	case CategoryPersonal:
		return "personal data"
	case CategoryCredential:
		return "credentials"
	}
	return "none"
}

// DataType is what leakwatch knows about one classifier type id: how to name
// it, how heavy it is, what an attacker does with it, what the owner must do
// about it ({where} is replaced by the containers that hold it), and what the
// people it belongs to should do.
type DataType struct {
	ID       string
	Label    string // plural, as used in sentences
	Category Category
	Impact   string
	Owner    string
	Advice   []string
}

// User advice shared by several types.
const (
	adviceChangePassword = "Change your password for this service, and on every other site where you used the same password."
	advice2FA            = "Turn on two-factor authentication (an authenticator app rather than SMS where possible)."
	adviceSMSPhishing    = "Be wary of SMS and calls that mention this service or your past messages: do not follow their links, call back on a number you look up yourself, and never pass on one-time codes."
	adviceEmailPhishing  = "Be wary of e-mails that mention this service: check the sender and do not open unexpected links or attachments."
)

// DataTypes is the table of every classifier type id (internal/classify).
// docs/severity.md mirrors it.
var DataTypes = []DataType{
	// Credentials and keys.
	{ID: "password", Label: "passwords", Category: CategoryCredential,
		Impact: "log in as the people and services these passwords belong to, and try them on other sites where they were reused",
		Owner:  "Change every password found in {where} and force a password reset for the affected accounts.",
		Advice: []string{adviceChangePassword, advice2FA}},
	// Hashes weigh as credentials: weak passwords fall to offline cracking.
	{ID: "password_hash", Label: "password hashes", Category: CategoryCredential,
		Impact: "crack weak passwords offline, then log in as their owners",
		Owner:  "Force a password reset for the accounts whose hashes are in {where}; store passwords with a slow hash (argon2id, scrypt or bcrypt).",
		Advice: []string{adviceChangePassword, advice2FA}},
	{ID: "aws_access_key_id", Label: "AWS access keys", Category: CategoryCredential,
		Impact: "act in your AWS account with these keys: read S3 data, start machines, run up costs",
		Owner:  "Deactivate and replace the AWS access keys found in {where} (IAM console) and check CloudTrail for their use."},
	{ID: "aws_secret_access_key", Label: "AWS secret keys", Category: CategoryCredential,
		Impact: "act in your AWS account with these keys: read S3 data, start machines, run up costs",
		Owner:  "Deactivate and replace the AWS access keys found in {where} (IAM console) and check CloudTrail for their use."},
	{ID: "gcp_api_key", Label: "Google Cloud API keys", Category: CategoryCredential,
		Impact: "call Google APIs billed to your project",
		Owner:  "Delete and recreate the Google API keys found in {where}, restricted to the APIs and referrers that need them."},
	{ID: "github_token", Label: "GitHub tokens", Category: CategoryCredential,
		Impact: "read or change your source code, CI workflows and their secrets",
		Owner:  "Revoke the GitHub tokens found in {where} and review the audit log of the accounts they belong to."},
	{ID: "slack_token", Label: "Slack tokens", Category: CategoryCredential,
		Impact: "read your team's Slack messages and post in your name",
		Owner:  "Revoke the Slack tokens found in {where} and review the workspace access logs."},
	{ID: "stripe_secret_key", Label: "Stripe secret keys", Category: CategoryCredential,
		Impact: "read customer payment data and issue charges or refunds",
		Owner:  "Roll the Stripe secret keys found in {where} (Dashboard → Developers → API keys) and review recent API activity."},
	{ID: "twilio_api_key", Label: "Twilio API keys", Category: CategoryCredential,
		Impact: "send SMS and calls at your cost and read your message logs",
		Owner:  "Revoke the Twilio API keys found in {where} and check usage for unknown messages."},
	{ID: "sendgrid_api_key", Label: "SendGrid API keys", Category: CategoryCredential,
		Impact: "send e-mail in your name, from your domain, to phish your customers",
		Owner:  "Delete the SendGrid API keys found in {where} and review the e-mail activity."},
	{ID: "jwt", Label: "JSON Web Tokens", Category: CategoryCredential,
		Impact: "reuse live session tokens to act as the users they were issued to",
		Owner:  "Invalidate the sessions whose tokens are in {where}; rotate the signing key if the tokens are long-lived.",
		Advice: []string{"Sign out of all sessions of this service and sign in again."}},
	{ID: "private_key", Label: "private keys", Category: CategoryCredential,
		Impact: "impersonate your servers, log in over SSH or decrypt traffic",
		Owner:  "Replace the key pairs found in {where}, revoke their certificates and remove them from authorized_keys files."},
	{ID: "generic_api_key", Label: "API keys", Category: CategoryCredential,
		Impact: "call your APIs, or third-party APIs billed to you, with your identity",
		Owner:  "Revoke and replace the API keys found in {where}."},
	{ID: "db_connection_uri", Label: "database connection strings with credentials", Category: CategoryCredential,
		Impact: "log in to your other databases directly",
		Owner:  "Change the database passwords in the connection strings found in {where}, and check those databases are not reachable from the internet either."},
	// Types the classifier adds beyond the list (docs/classify.md).
	{ID: "credentials_in_url", Label: "URLs with embedded credentials", Category: CategoryCredential,
		Impact: "log in to the services those URLs point at",
		Owner:  "Change the passwords embedded in the URLs found in {where} and stop putting credentials in URLs."},
	{ID: "slack_webhook", Label: "Slack incoming webhooks", Category: CategoryCredential,
		Impact: "post convincing messages into your team's Slack channels",
		Owner:  "Regenerate the Slack webhooks found in {where} (Slack app settings → Incoming Webhooks)."},
	{ID: "gitlab_token", Label: "GitLab tokens", Category: CategoryCredential,
		Impact: "read or change your source code, CI pipelines and their variables",
		Owner:  "Revoke the GitLab tokens found in {where} and review the audit events of their accounts."},
	{ID: "npm_token", Label: "npm tokens", Category: CategoryCredential,
		Impact: "publish malicious versions of your packages to everyone who installs them",
		Owner:  "Revoke the npm tokens found in {where} (npm token revoke) and check recent publishes."},
	{ID: "openai_api_key", Label: "OpenAI API keys", Category: CategoryCredential,
		Impact: "run AI workloads billed to your account and read its stored files",
		Owner:  "Revoke the OpenAI API keys found in {where} and review usage."},
	{ID: "gcp_oauth_client_secret", Label: "Google OAuth client secrets", Category: CategoryCredential,
		Impact: "impersonate your application in Google sign-in flows",
		Owner:  "Reset the OAuth client secrets found in {where} (Google Cloud console → Credentials)."},

	// Personal identifiers and message content.
	{ID: "message_content", Label: "message bodies", Category: CategoryPersonal,
		Impact: "read private conversations and one-time codes, and write convincing phishing that quotes real messages",
		Owner:  "Keep message bodies only as long as needed; delete old logs in {where} once the leak is closed.",
		Advice: []string{adviceSMSPhishing, "Assume that messages you received from this service in the exposed period, including codes and links, were read by others."}},
	{ID: "ssn", Label: "social security numbers", Category: CategoryPersonal,
		Impact: "steal identities and open credit in the victims' names",
		Advice: []string{"Consider a credit freeze and watch your credit report for accounts you did not open."}},
	{ID: "credit_card", Label: "payment card numbers", Category: CategoryPersonal,
		Impact: "make fraudulent card payments",
		Owner:  "Tell your payment processor and acquiring bank: card numbers in {where} make this a PCI DSS incident.",
		Advice: []string{"Ask your bank to block and replace the card, and watch your statements for payments you did not make."}},
	{ID: "iban", Label: "bank account numbers (IBAN)", Category: CategoryPersonal,
		Impact: "set up fraudulent direct debits and send convincing fake invoices",
		Advice: []string{"Watch your bank statements for direct debits you did not authorise."}},

	// Contact data and account identifiers.
	{ID: "phone", Label: "phone numbers", Category: CategoryContact,
		Impact: "phish the owners by SMS and calls, and attempt SIM swaps",
		Advice: []string{adviceSMSPhishing}},
	{ID: "email", Label: "e-mail addresses", Category: CategoryContact,
		Impact: "send targeted phishing e-mail to the people in the data",
		Advice: []string{adviceEmailPhishing}},
	{ID: "username", Label: "user names", Category: CategoryContact,
		Impact: "try leaked passwords against known accounts (credential stuffing)",
		Advice: []string{advice2FA}},

	// Infrastructure hints and masked identifiers.
	{ID: "phone_redacted", Label: "masked phone numbers", Category: CategoryHint,
		Impact: "little on their own, but they show the data concerns real people"},
	{ID: "internal_hostname", Label: "internal host names", Category: CategoryHint,
		Impact: "map and target your internal systems"},
	{ID: "private_ip", Label: "private IP addresses", Category: CategoryHint,
		Impact: "map your internal network"},
}

// typeByID indexes DataTypes.
var typeByID = func() map[string]*DataType {
	m := make(map[string]*DataType, len(DataTypes))
	for i := range DataTypes {
		m[DataTypes[i].ID] = &DataTypes[i]
	}
	return m
}()

// LookupType returns the table entry for a classifier type id (reports use
// its Label and Category).
func LookupType(id string) DataType { return *lookupType(id) }

// lookupType returns the table entry for a type id; an id the table does not
// know (a newer classifier) counts as a hint, so it is reported but does not
// inflate the grade.
func lookupType(id string) *DataType {
	if t, ok := typeByID[id]; ok {
		return t
	}
	return &DataType{ID: id, Label: id + " values", Category: CategoryHint,
		Impact: "learn more about your systems or users"}
}
