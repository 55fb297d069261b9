//go:build !unix

package main

import "errors"

func freeBytes(string) (uint64, error) {
	return 0, errors.New("not measured on this operating system")
}

// writableDir cannot ask the kernel here without writing; it answers yes.
func writableDir(string) error { return nil }
