package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthcheck asks a running server whether it is ready, for container
// images that have no curl: it exits 0 when GET /readyz answers 200 (a
// draining or unready instance answers 503). Without a URL it asks the
// server this configuration would start, on loopback when -addr listens on
// every interface.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, fs, err := parseConfig("fitcheck healthcheck", args, getenv, stderr)
	if err != nil {
		return err
	}
	target := fs.Arg(0)
	if target == "" {
		target, err = cfg.probeURL("/readyz")
		if err != nil {
			return fmt.Errorf("healthcheck: %w", err)
		}
	}
	client := probeClient(cfg)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", target, resp.Status)
	}
	fmt.Fprintf(stdout, "%s: %s\n", target, resp.Status)
	return nil
}

// probeClient asks one's own server, often by an address the certificate
// does not name (127.0.0.1): the certificate is not what is being checked.
// The name is sent so an ACME server picks it.
func probeClient(c *config) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, ServerName: c.ACMEDomain},
	}}
}

// probeURL is path on the server cfg would start.
func (c *config) probeURL(path string) (string, error) {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return "", fmt.Errorf("-addr %q: %w", c.Addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	scheme := "http"
	if c.tls() {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + path, nil
}

// isLoopback reports whether addr (host:port) listens on loopback only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
