package report

import (
	_ "embed"
	"html/template"
	"io"
)

//go:embed templates/report.html.tmpl
var htmlSource string

// htmlTemplate is html/template: every value is escaped for its context
// (text, attribute, URL fragment). The page also carries a CSP that allows
// no script at all, and loads nothing external.
var htmlTemplate = template.Must(template.New("html").Funcs(template.FuncMap{
	"segments": segments,
}).Parse(htmlSource))

func renderHTML(w io.Writer, v view) error {
	return htmlTemplate.Execute(w, v)
}
