package api_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"regexp"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// pdfImage returns the first image of a PDF that officemap wrote: an RGB image embedded from a PNG (fpdf
// keeps the PNG's compressed rows as the stream, FlateDecode with the PNG predictors), read back by
// wrapping the stream in a PNG file again and decoding that with image/png.
func pdfImage(t *testing.T, pdf []byte) image.Image {
	t.Helper()
	m := regexp.MustCompile(`(?s)/Subtype /Image\s*/Width (\d+)\s*/Height (\d+)\s*/ColorSpace /DeviceRGB\s*/BitsPerComponent 8.*?/Length (\d+)>>\s*stream\r?\n`).
		FindSubmatchIndex(pdf)
	if m == nil {
		t.Fatal("the PDF has no RGB image")
	}
	num := func(i int) int {
		n, err := strconv.Atoi(string(pdf[m[2*i]:m[2*i+1]]))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	w, h, n := num(1), num(2), num(3)
	if m[1]+n > len(pdf) {
		t.Fatalf("image stream of %d bytes runs past the PDF's end", n)
	}
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		out.WriteString(kind)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits, RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", pdf[m[1]:m[1]+n])
	chunk("IEND", nil)
	im, err := png.Decode(&out)
	if err != nil {
		t.Fatalf("the PDF's image does not decode: %v", err)
	}
	return im
}

// decodeQR reads the QR code in the part r of im.
func decodeQR(t *testing.T, im image.Image, r image.Rectangle) string {
	t.Helper()
	sub, ok := im.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		t.Fatalf("image %T cannot be cropped", im)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(sub.SubImage(r))
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code found: %v", err)
	}
	return res.GetText()
}
