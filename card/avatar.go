package card

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // the owner's photo may be a JPEG
	"image/png"

	"golang.org/x/image/draw"
)

// AvatarSize is the side of the owner's avatar, in pixels: twice the
// largest size a page shows it at, for sharp screens.
const AvatarSize = 160

// Avatar turns the owner's photo (PNG or JPEG, any size) into a small
// square PNG: the largest centred square, scaled to AvatarSize, so a phone
// photo of several megabytes is served as a few kilobytes.
func Avatar(photo []byte) ([]byte, error) {
	src, _, err := image.Decode(bytes.NewReader(photo))
	if err != nil {
		return nil, fmt.Errorf("read owner photo: %w", err)
	}
	b := src.Bounds()
	side := min(b.Dx(), b.Dy())
	if side == 0 {
		return nil, fmt.Errorf("read owner photo: it has no pixels")
	}
	corner := image.Pt(b.Min.X+(b.Dx()-side)/2, b.Min.Y+(b.Dy()-side)/2)
	crop := image.Rectangle{Min: corner, Max: corner.Add(image.Pt(side, side))}
	dst := image.NewRGBA(image.Rect(0, 0, AvatarSize, AvatarSize))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Src, nil)
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, dst); err != nil {
		return nil, fmt.Errorf("write owner avatar: %w", err)
	}
	return out.Bytes(), nil
}
