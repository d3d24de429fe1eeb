package service

import "rsc.io/qr"

// qrPNG draws uri as a QR code (level M, PNG) with rsc.io/qr, QRScale pixels a module (about
// 300 pixels square: sharp on screens, a quarter of the library default's encoding time). A
// relying party that draws the code itself from the request URI asks for none (omit_qr).
func qrPNG(uri string) ([]byte, error) {
	code, err := qr.Encode(uri, qr.M)
	if err != nil {
		return nil, err
	}
	code.Scale = QRScale
	return code.PNG(), nil
}
