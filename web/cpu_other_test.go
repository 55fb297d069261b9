//go:build !unix

package web_test

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
