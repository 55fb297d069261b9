package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"golang.org/x/crypto/acme/autocert"
)

// tlsListener is how the server terminates TLS itself: a certificate from
// disk (-tls-cert, -tls-key), or one from Let's Encrypt (-acme-domain),
// whose HTTP-01 challenges are answered on a plain HTTP listener.
type tlsListener struct {
	config   *tls.Config
	acmeHTTP *http.Server // nil without ACME
}

// tlsListener returns nil when fitcheck serves plain HTTP (behind a proxy
// that terminates TLS, or on loopback).
func (c *config) tlsListener(log *slog.Logger) (*tlsListener, error) {
	switch {
	case c.TLSCert != "":
		// Loaded now, so a wrong path or a key that does not match fails
		// at start, not at the first visitor's handshake.
		cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("load -tls-cert and -tls-key: %w", err)
		}
		return &tlsListener{config: &tls.Config{
			Certificates: []tls.Certificate{cert},
			MinVersion:   tls.VersionTLS12,
			NextProtos:   []string{"h2", "http/1.1"},
		}}, nil
	case c.ACMEDomain != "":
		m := &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			HostPolicy: autocert.HostWhitelist(c.ACMEDomain),
			// The account key and certificates survive restarts, so a
			// restart does not ask Let's Encrypt again (it rate-limits).
			Cache: autocert.DirCache(filepath.Join(c.dataDir(), "acme")),
		}
		cfg := m.TLSConfig()
		cfg.MinVersion = tls.VersionTLS12
		log.Info("certificates from Let's Encrypt", slog.String("domain", c.ACMEDomain),
			slog.String("cache", filepath.Join(c.dataDir(), "acme")), slog.String("http_addr", c.ACMEHTTPAddr))
		return &tlsListener{config: cfg, acmeHTTP: &http.Server{
			Addr: c.ACMEHTTPAddr,
			// With no fallback handler, everything but a challenge is
			// redirected to https.
			Handler:           m.HTTPHandler(nil),
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      10 * time.Second,
		}}, nil
	}
	return nil, nil
}

// serveACMEHTTP serves ACME challenges and redirects on ln, and returns a
// function that stops it.
func (t *tlsListener) serveACMEHTTP(ln net.Listener, log *slog.Logger) (stop func()) {
	go func() {
		if err := t.acmeHTTP.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("ACME HTTP listener stopped", slog.Any("error", err))
		}
	}()
	return func() { t.acmeHTTP.Close() }
}
