package didcore

import "testing"

func BenchmarkDocumentValidate(b *testing.B) {
	d := sampleDoc(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Validate(DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDocument(b *testing.B) {
	in := sampleJSON(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDocument(in); err != nil {
			b.Fatal(err)
		}
	}
}
