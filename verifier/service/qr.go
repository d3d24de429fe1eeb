package service

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"sync"

	"rsc.io/qr"
	"rsc.io/qr/coding"
)

// qrPlans caches the QR code plans of level M by version: building one
// (coding.NewPlan) is a third of qr.Encode's time, and a plan is only read
// when encoding.
var qrPlans sync.Map // coding.Version -> *coding.Plan

// qrEncode is qr.Encode(text, qr.M) with the plan cached: the same code.
func qrEncode(text string) (*qr.Code, error) {
	var enc coding.Encoding
	switch {
	case coding.Num(text).Check() == nil:
		enc = coding.Num(text)
	case coding.Alpha(text).Check() == nil:
		enc = coding.Alpha(text)
	default:
		enc = coding.String(text)
	}
	l := coding.Level(qr.M)
	v := coding.Version(coding.MinVersion)
	for ; enc.Bits(v) > v.DataBytes(l)*8; v++ {
		if v == coding.MaxVersion {
			return nil, errors.New("text too long to encode as QR")
		}
	}
	var p *coding.Plan
	if c, ok := qrPlans.Load(v); ok {
		p = c.(*coding.Plan)
	} else {
		var err error
		if p, err = coding.NewPlan(v, l, 0); err != nil {
			return nil, err
		}
		qrPlans.Store(v, p)
	}
	cc, err := p.Encode(enc)
	if err != nil {
		return nil, err
	}
	return &qr.Code{Bitmap: cc.Bitmap, Size: cc.Size, Stride: cc.Stride, Scale: 8}, nil
}

// qrPNG draws uri as a QR code (PNG), QRScale pixels a module (about 300
// pixels square): sharp on screens, and a quarter of the default's PNG
// encoding time.
func qrPNG(uri string) ([]byte, error) {
	code, err := qrEncode(uri)
	if err != nil {
		return nil, err
	}
	code.Scale = QRScale
	return codePNG(code), nil
}

// zlibWriters are BestSpeed zlib writers, reused (each holds its tables).
var zlibWriters = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

// codePNG is the PNG of c that qr.Code.PNG draws (1-bit grayscale, a quiet
// zone of 4 modules, c.Scale pixels a module; the same pixels), compressed
// by compress/flate at BestSpeed: under half of qr.Code.PNG's time and size.
func codePNG(c *qr.Code) []byte {
	side := (c.Size + 8) * c.Scale
	row := make([]byte, 1+(side+7)/8) // filter type 0 (none), then the pixels, 1 white
	white := func() {
		for i := range row[1:] {
			row[1+i] = 0xff
		}
	}
	raw := make([]byte, 0, side*len(row))
	white()
	for range 4 * c.Scale {
		raw = append(raw, row...)
	}
	for y := range c.Size {
		white()
		for x := range c.Size {
			if c.Black(x, y) {
				for k := range c.Scale {
					px := (x+4)*c.Scale + k
					row[1+px/8] &^= 0x80 >> (px % 8)
				}
			}
		}
		for range c.Scale {
			raw = append(raw, row...)
		}
	}
	white()
	for range 4 * c.Scale {
		raw = append(raw, row...)
	}
	var out bytes.Buffer
	out.Grow(len(raw)/4 + 128)
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(name string, data []byte) {
		var h [8]byte
		binary.BigEndian.PutUint32(h[:4], uint32(len(data)))
		copy(h[4:], name)
		out.Write(h[:])
		out.Write(data)
		crc := crc32.Update(crc32.ChecksumIEEE(h[4:]), crc32.IEEETable, data)
		binary.BigEndian.PutUint32(h[:4], crc)
		out.Write(h[:4])
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:4], uint32(side))
	binary.BigEndian.PutUint32(ihdr[4:8], uint32(side))
	ihdr[8] = 1 // bit depth 1, color type 0 (gray), deflate, no filter choice, no interlace
	chunk("IHDR", ihdr[:])
	var z bytes.Buffer
	zw := zlibWriters.Get().(*zlib.Writer)
	zw.Reset(&z)
	_, _ = zw.Write(raw) // a bytes.Buffer does not fail
	_ = zw.Close()
	zlibWriters.Put(zw)
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}
