package statuslist

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

const benchEntries = 1 << 20 // 1,048,576 entries at 1 bit = 128 KiB

// benchLists returns a sparse (0.1% set) and a random (50% set) 1-bit list.
func benchLists() map[string][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	sparse := make([]byte, benchEntries/8)
	for n := 0; n < benchEntries/1000; {
		i := r.Uint32N(benchEntries)
		if Get(sparse, i, 1) == 0 {
			_ = Set(sparse, i, 1, 1)
			n++
		}
	}
	random := make([]byte, benchEntries/8)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	return map[string][]byte{"sparse": sparse, "random": random}
}

func compressedLen(b *testing.B, s string) int {
	if s != "" && s[0] == 'u' {
		s = s[1:]
	}
	n, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		b.Fatal(err)
	}
	return len(n)
}

func BenchmarkEncodeTokenStatusList(b *testing.B) {
	for _, name := range []string{"sparse", "random", "sparse-level6", "random-level6"} {
		raw := benchLists()[strings.TrimSuffix(name, "-level6")]
		level := 9
		if strings.HasSuffix(name, "-level6") {
			level = 6
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			var lst string
			for b.Loop() {
				var err error
				if lst, err = EncodeTokenStatusList(1, raw, WithCompressionLevel(level)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(compressedLen(b, lst)), "bytes")
			b.ReportMetric(float64(len(lst)), "chars")
		})
	}
}

func BenchmarkDecodeTokenStatusList(b *testing.B) {
	for _, name := range []string{"sparse", "random"} {
		raw := benchLists()[name]
		lst, _ := EncodeTokenStatusList(1, raw)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := DecodeTokenStatusList(lst, 1); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(compressedLen(b, lst)), "bytes")
		})
	}
}

// The W3C benchmarks include the LSB->MSB conversion (EncodeBitstringStatusList / DecodeBitstringStatusList).
func BenchmarkEncodeBitstring(b *testing.B) {
	for _, name := range []string{"sparse", "random", "sparse-level6", "random-level6"} {
		raw := benchLists()[strings.TrimSuffix(name, "-level6")]
		level := 9
		if strings.HasSuffix(name, "-level6") {
			level = 6
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			var enc string
			for b.Loop() {
				var err error
				if enc, err = EncodeBitstringStatusList(raw, 1, WithCompressionLevel(level)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(compressedLen(b, enc)), "bytes")
			b.ReportMetric(float64(len(enc)), "chars")
		})
	}
}

func BenchmarkDecodeBitstring(b *testing.B) {
	for _, name := range []string{"sparse", "random"} {
		raw := benchLists()[name]
		enc, _ := EncodeBitstringStatusList(raw, 1)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := DecodeBitstringStatusList(enc, 1); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(compressedLen(b, enc)), "bytes")
		})
	}
}

// BenchmarkApply1000 applies a 1,000-index delta (validation included) to a 1M-entry list.
func BenchmarkApply1000(b *testing.B) {
	for _, bits := range []uint8{1, 2} {
		b.Run(map[uint8]string{1: "1bit", 2: "2bit"}[bits], func(b *testing.B) {
			r := rand.New(rand.NewPCG(3, 4))
			l, _ := NewList(bits, benchEntries)
			seen := map[uint32]bool{}
			var d Delta
			for len(d) < 1000 {
				if i := r.Uint32N(benchEntries); !seen[i] {
					seen[i] = true
					d = append(d, Entry{Index: i, Value: 1})
				}
			}
			for b.Loop() {
				if err := l.Apply(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGroupByPage is the chain-side split of a 1,000-index delta.
func BenchmarkGroupByPage(b *testing.B) {
	d := randomDelta(rand.New(rand.NewPCG(5, 6)), 1, benchEntries, 1000)
	for b.Loop() {
		_ = GroupByPage(d, 1)
	}
}

func BenchmarkGet(b *testing.B) {
	l, _ := ListFromBytes(1, benchLists()["random"])
	idx := make([]uint32, 4096)
	r := rand.New(rand.NewPCG(8, 9))
	for i := range idx {
		idx[i] = r.Uint32N(benchEntries)
	}
	var sink uint8
	i := 0
	for b.Loop() {
		v, _ := l.Get(idx[i&4095])
		sink ^= v
		i++
	}
	_ = sink
}
