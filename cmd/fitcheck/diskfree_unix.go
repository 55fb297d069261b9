//go:build unix

package main

import "syscall"

// freeBytes is the space in dir's file system available to this user.
func freeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// writableDir reports whether this user may create files in dir, asking
// the kernel (access(2), which also knows a read-only mount) rather than
// making a file: doctor writes nothing.
func writableDir(dir string) error {
	const wOK, xOK = 2, 1
	return syscall.Access(dir, wOK|xOK)
}
