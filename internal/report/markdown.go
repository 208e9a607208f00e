package report

import (
	_ "embed"
	"io"
	"strings"
	"text/template"
)

//go:embed templates/report.md.tmpl
var markdownSource string

// markdownTemplate is text/template, so escaping is explicit: every value
// in the template goes through md or inline (TestMarkdownEscapes checks
// hostile names).
var markdownTemplate = template.Must(template.New("md").Funcs(template.FuncMap{
	"md":     mdEscape,
	"inline": mdInline,
	"upper":  strings.ToUpper,
	"inc":    func(i int) int { return i + 1 },
}).Parse(markdownSource))

func renderMarkdown(w io.Writer, v view) error {
	return markdownTemplate.Execute(w, v)
}
