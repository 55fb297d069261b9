package card_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"sessionplayer.studio/fitcheck/card"
)

func TestAvatarIsASmallCentredSquare(t *testing.T) {
	// A wide photo: red on the left third, green in the middle, blue right.
	src := image.NewRGBA(image.Rect(0, 0, 900, 300))
	for x := range 900 {
		c := color.RGBA{0, 200, 0, 255}
		if x < 300 {
			c = color.RGBA{200, 0, 0, 255}
		} else if x >= 600 {
			c = color.RGBA{0, 0, 200, 255}
		}
		for y := range 300 {
			src.Set(x, y, c)
		}
	}
	var photo bytes.Buffer
	png.Encode(&photo, src)
	out, err := card.Avatar(photo.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != card.AvatarSize || b.Dy() != card.AvatarSize {
		t.Errorf("avatar is %v, want %d square", b, card.AvatarSize)
	}
	if r, g, _, _ := img.At(card.AvatarSize/2, card.AvatarSize/2).RGBA(); g < 0x8000 || r > 0x1000 {
		t.Errorf("avatar's centre is not the photo's centre (green)")
	}
	if _, err := card.Avatar([]byte("not an image")); err == nil {
		t.Error("Avatar accepted something that is not an image")
	}
}
