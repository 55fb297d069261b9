package card

import "fmt"

// RenderLanding draws the landing page's card as a 1200×630 PNG.
func RenderLanding(v Landing) ([]byte, error) {
	return nil, fmt.Errorf("render landing card: not drawn")
}
