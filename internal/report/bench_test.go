package report

import (
	"io"
	"testing"
)

func BenchmarkRender(b *testing.B) {
	r := fixtureReport()
	for _, f := range []string{"html", "md", "json"} {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if err := Render(io.Discard, f, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
