package statuslist

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// fuzzMax keeps fuzz iterations fast; the limit logic is the same as the default's.
const fuzzMax = 1 << 18

func FuzzDecodeTokenStatusList(f *testing.F) {
	f.Add(specLst, uint8(1))
	f.Add("eNo76fITAAPfAgc", uint8(2))
	f.Add("eNrbuRgAAhcBXQ=", uint8(1))
	f.Add("", uint8(4))
	f.Fuzz(func(t *testing.T, lst string, bits uint8) {
		raw, err := DecodeTokenStatusList(lst, bits, WithMaxDecompressedBytes(fuzzMax))
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error without sentinel: %v", err)
			}
			if raw != nil {
				t.Fatal("data with error")
			}
			return
		}
		if len(raw) == 0 || len(raw) > fuzzMax || !ValidCodecBits(bits) {
			t.Fatalf("accepted %d bytes with bits %d", len(raw), bits)
		}
		again, err := EncodeTokenStatusList(bits, raw)
		if err != nil {
			t.Fatal(err)
		}
		raw2, err := DecodeTokenStatusList(again, bits, WithMaxDecompressedBytes(fuzzMax))
		if err != nil || !bytes.Equal(raw, raw2) {
			t.Fatalf("re-encode round trip: %v", err)
		}
	})
}

func FuzzDecodeBitstring(f *testing.F) {
	list := make([]byte, MinBitstringBytes)
	list[3] = 0x10
	f.Add(EncodeBitstring(list), false)
	f.Add("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", false)
	f.Add("H4sIACbOo2YC_-3QMREAMAgEsGerLPyrQgFjB-4SCUkWHQAAAAAAAOCwpwAAAADgrFIAAAAAAAAAAAAAAAAA3wxvOeOvqGEAAA", true)
	f.Add("uH4sIAN7Lo2YC_2NgwAEAjw7P6RkAAAA", false)
	f.Add("zabc", false)
	f.Fuzz(func(t *testing.T, s string, legacy bool) {
		opts := []DecodeOption{WithMaxDecompressedBytes(fuzzMax)}
		if legacy {
			opts = append(opts, WithLegacyNoMultibasePrefix())
		}
		msb, err := DecodeBitstring(s, opts...)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error without sentinel: %v", err)
			}
			if msb != nil {
				t.Fatal("data with error")
			}
			return
		}
		if len(msb) < MinBitstringBytes || len(msb) > fuzzMax {
			t.Fatalf("accepted %d bytes", len(msb))
		}
		if !legacy && s[0] != 'u' {
			t.Fatal("accepted without multibase prefix")
		}
		msb2, err := DecodeBitstring(EncodeBitstring(msb), WithMaxDecompressedBytes(fuzzMax))
		if err != nil || !bytes.Equal(msb, msb2) {
			t.Fatalf("re-encode round trip: %v", err)
		}
		// Both layouts agree on every entry (1- and 2-bit views).
		for _, size := range []uint8{1, 2} {
			lsb, _ := FromBitstringOrder(msb, size)
			for i := 0; i < 64; i++ {
				a, _ := BitstringStatusAt(msb, uint32(i), size)
				if b := Get(lsb, uint32(i), size); a != b {
					t.Fatalf("size %d index %d: W3C %d LSB %d", size, i, a, b)
				}
			}
		}
	})
}

// FuzzApplyDelta decodes data as 5-byte entries (4-byte index modulo a
// little more than the list size, 1 value byte) and checks List.Apply
// against a naive model: all-or-nothing, and equal contents.
func FuzzApplyDelta(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1}, false)
	f.Add([]byte{0, 0, 0, 0, 1, 0, 0, 0, 0, 0}, false)
	f.Add([]byte{0xff, 0xff, 0x01, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x02}, true)
	f.Add([]byte{}, true)
	f.Fuzz(func(t *testing.T, data []byte, twoBits bool) {
		bits := uint8(1)
		if twoBits {
			bits = 2
		}
		const size = MinSize
		d := make(Delta, 0, len(data)/5)
		for i := 0; i+5 <= len(data); i += 5 {
			idx := binary.LittleEndian.Uint32(data[i:]) % (size + size/64)
			v := data[i+4]
			if v&0x80 == 0 {
				v &= mask(bits)
			}
			d = append(d, Entry{Index: idx, Value: v})
		}
		l, err := NewList(bits, size)
		if err != nil {
			t.Fatal(err)
		}
		// Pre-populate so that clearing is exercised too.
		seed := Delta{{0, 1}, {size - 1, 1}, {40000, mask(bits)}}
		if err := l.Apply(seed); err != nil {
			t.Fatal(err)
		}
		ref := make([]uint8, size)
		for _, e := range seed {
			ref[e.Index] = e.Value
		}
		valid := d.Validate(bits, size) == nil
		err = l.Apply(d)
		if (err == nil) != valid {
			t.Fatalf("Apply err %v but Validate valid=%v", err, valid)
		}
		if err == nil {
			for _, e := range d {
				ref[e.Index] = e.Value
			}
		}
		if !bytes.Equal(l.Bytes(), packRef(ref, int(bits))) {
			t.Fatal("list differs from reference")
		}
		for _, e := range d {
			if e.Index < size {
				if got, _ := l.Get(e.Index); got != ref[e.Index] {
					t.Fatalf("index %d: %d want %d", e.Index, got, ref[e.Index])
				}
			}
		}
		// The keeper path agrees on valid deltas.
		if valid {
			for _, pd := range GroupByPage(d, bits) {
				page := make([]byte, PageBytes)
				if err := pd.ApplyTo(page, bits); err != nil {
					t.Fatal(err)
				}
				for _, e := range pd.Entries {
					if got := Get(page, e.Offset, bits); got != e.Value {
						t.Fatal("ApplyTo mismatch")
					}
				}
			}
		}
	})
}
