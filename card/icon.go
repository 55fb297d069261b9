package card

// The family icons, drawn in white on a disc of the family's colour. Their
// shapes differ as much as their colours, for readers who cannot tell the
// colours apart and for cards shown in greyscale.

func checkIcon(c *canvas, cx, cy, r float32) {
	w := r * 0.22
	c.fill(stroke(w, [2]float32{cx - r*0.42, cy + r*0.02}, [2]float32{cx - r*0.12, cy + r*0.32}, [2]float32{cx + r*0.44, cy - r*0.3}), surface)
}

// questionIcon is a question mark: an open hook and a dot.
func questionIcon(c *canvas, cx, cy, r float32) {
	w := r * 0.2
	c.fill(stroke(w,
		[2]float32{cx - r*0.32, cy - r*0.2},
		[2]float32{cx - r*0.22, cy - r*0.42},
		[2]float32{cx, cy - r*0.5},
		[2]float32{cx + r*0.22, cy - r*0.42},
		[2]float32{cx + r*0.32, cy - r*0.2},
		[2]float32{cx + r*0.2, cy},
		[2]float32{cx, cy + r*0.1},
		[2]float32{cx, cy + r*0.2},
	), surface)
	c.fill(circle(cx, cy+r*0.48, w*0.7), surface)
}

// turnIcon is a signpost arrow turning right: another way.
func turnIcon(c *canvas, cx, cy, r float32) {
	w := r * 0.2
	c.fill(stroke(w,
		[2]float32{cx - r*0.32, cy + r*0.48},
		[2]float32{cx - r*0.32, cy},
		[2]float32{cx - r*0.22, cy - r*0.14},
		[2]float32{cx + r*0.36, cy - r*0.14},
	), surface)
	c.fill(stroke(w,
		[2]float32{cx + r*0.12, cy - r*0.4},
		[2]float32{cx + r*0.4, cy - r*0.14},
		[2]float32{cx + r*0.12, cy + r*0.12},
	), surface)
}
