package main

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// listenerAddr is one address the server listens on, with the setting
// that names it.
type listenerAddr struct {
	setting string // "-addr", "-metrics-addr", "-acme-http-addr"
	addr    string
}

// listenerAddrs are the addresses this configuration listens on.
func (c *config) listenerAddrs() []listenerAddr {
	addrs := []listenerAddr{{"-addr", c.Addr}}
	if c.MetricsAddr != "" {
		addrs = append(addrs, listenerAddr{"-metrics-addr", c.MetricsAddr})
	}
	if c.ACMEDomain != "" {
		addrs = append(addrs, listenerAddr{"-acme-http-addr", c.ACMEHTTPAddr})
	}
	return addrs
}

// checkAddresses refuses an address that is not host:port with a port
// number, and two listeners that would take the same port.
func (c *config) checkAddresses() []string {
	var problems []string
	addrs := c.listenerAddrs()
	for i, a := range addrs {
		if err := validAddr(a.addr); err != nil {
			problems = append(problems, fmt.Sprintf("%s %q: %v", a.setting, a.addr, err))
			continue
		}
		for _, b := range addrs[:i] {
			if overlap(a.addr, b.addr) {
				problems = append(problems, fmt.Sprintf("%s %s and %s %s would listen on the same port: give each its own", b.setting, b.addr, a.setting, a.addr))
			}
		}
	}
	return problems
}

// validAddr accepts host:port, host empty for every interface, port a
// number (0 picks a free one).
func validAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("must be host:port, e.g. 127.0.0.1:8080 or :8080")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q must be a number from 0 to 65535", port)
	}
	if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		return fmt.Errorf("host %q is neither an IP address nor a host name", host)
	}
	return nil
}

func validHostname(h string) bool {
	for _, r := range h {
		if !(r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return len(h) <= 253
}

// overlap reports whether two valid addresses would take the same port: the
// same port on the same host, or on every interface and any host. Port 0
// is a fresh port each time, so it overlaps nothing.
func overlap(a, b string) bool {
	ha, pa, _ := net.SplitHostPort(a)
	hb, pb, _ := net.SplitHostPort(b)
	if pa != pb || pa == "0" {
		return false
	}
	return ha == hb || everyInterface(ha) || everyInterface(hb)
}

func everyInterface(host string) bool {
	ip := net.ParseIP(host)
	return host == "" || ip != nil && ip.IsUnspecified()
}

// listeners are the server's open sockets, bound before the database is
// touched so an address in use stops the start before anything changes.
type listeners struct {
	main, metrics, acme net.Listener
}

// listen binds every address of the configuration, or none.
func (c *config) listen() (*listeners, error) {
	l := &listeners{}
	for _, a := range c.listenerAddrs() {
		ln, err := net.Listen("tcp", a.addr)
		if err != nil {
			l.close()
			return nil, &listenError{setting: a.setting, addr: a.addr, err: err}
		}
		switch a.setting {
		case "-addr":
			l.main = ln
		case "-metrics-addr":
			l.metrics = ln
		default:
			l.acme = ln
		}
	}
	return l, nil
}

func (l *listeners) close() {
	for _, ln := range []net.Listener{l.main, l.metrics, l.acme} {
		if ln != nil {
			ln.Close()
		}
	}
}

// listenError is an address the server could not bind.
type listenError struct {
	setting, addr string
	err           error
}

func (e *listenError) Error() string {
	if e.inUse() {
		return fmt.Sprintf("%s %s is already in use by another program: stop it, or choose another address", e.setting, e.addr)
	}
	return fmt.Sprintf("%s %s cannot be listened on: %v", e.setting, e.addr, e.err)
}

func (e *listenError) Unwrap() error { return e.err }

func (e *listenError) inUse() bool { return errors.Is(e.err, syscall.EADDRINUSE) }
