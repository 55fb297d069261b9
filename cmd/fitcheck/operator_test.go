package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeTestCertificate makes a self-signed certificate for 127.0.0.1 and
// writes it and its key as PEM files; it returns their paths and a pool
// that trusts it.
func writeTestCertificate(t *testing.T) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "fitcheck test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}

// TestServeTLSFromFiles: with -tls-cert and -tls-key the site answers over
// HTTPS with that certificate, and healthcheck finds it there.
func TestServeTLSFromFiles(t *testing.T) {
	certFile, keyFile, roots := writeTestCertificate(t)
	db := filepath.Join(t.TempDir(), "fitcheck.db")
	base := startServer(t, []string{"-db", db, "-tls-cert", certFile, "-tls-key", keyFile}, nil)
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("server logged %s, want an https:// address", base)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	resp, err := client.Get(base + "/")
	if err != nil {
		t.Fatalf("GET / over TLS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Errorf("GET / over TLS = %d (TLS %v), want 200 over TLS", resp.StatusCode, resp.TLS != nil)
	}
	// Go's TLS server tells a plain-HTTP client it spoke the wrong protocol.
	if resp, err := http.Get(strings.Replace(base, "https://", "http://", 1) + "/"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP to the TLS port = %d, want 400", resp.StatusCode)
		}
	}

	var out bytes.Buffer
	addr := strings.TrimPrefix(base, "https://")
	args := []string{"healthcheck", "-addr", addr, "-tls-cert", certFile, "-tls-key", keyFile}
	if err := run(t.Context(), args, func(string) string { return "" }, strings.NewReader(""), &out, &bytes.Buffer{}); err != nil {
		t.Errorf("healthcheck %v = %v, want nil", args, err)
	}
	if !strings.Contains(out.String(), "200") {
		t.Errorf("healthcheck printed %q, want the 200 it got", out.String())
	}
}

func TestTLSConfigurationIsChecked(t *testing.T) {
	certFile, keyFile, _ := writeTestCertificate(t)
	otherCert, _, _ := writeTestCertificate(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"cert without key", []string{"-tls-cert", certFile}, "go together"},
		{"ACME and a certificate", []string{"-tls-cert", certFile, "-tls-key", keyFile, "-acme-domain", "fit.example.com"}, "-acme-domain"},
		{"key of another certificate", []string{"-tls-cert", otherCert, "-tls-key", keyFile}, "load -tls-cert"},
		{"ACME on PostgreSQL without a data dir", []string{"-db", "postgres://x@127.0.0.1/x", "-acme-domain", "fit.example.com"}, "-data-dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "f.db")}, tt.args...)
			err := run(t.Context(), args, func(string) string { return "" }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%v) = %v, want an error mentioning %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestHealthcheck(t *testing.T) {
	base := startServer(t, []string{"-db", filepath.Join(t.TempDir(), "fitcheck.db")}, nil)
	none := func(string) string { return "" }
	var out bytes.Buffer
	if err := run(t.Context(), []string{"healthcheck", base + "/healthz"}, none, strings.NewReader(""), &out, &bytes.Buffer{}); err != nil {
		t.Errorf("healthcheck of a running server = %v, want nil", err)
	}
	// Nothing listens on a port just closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if err := run(t.Context(), []string{"healthcheck", "-addr", addr}, none, strings.NewReader(""), &out, &bytes.Buffer{}); err == nil {
		t.Errorf("healthcheck of %s, where nothing listens, = nil, want an error", addr)
	}
	if err := run(t.Context(), []string{"healthcheck", base + "/no-such-page"}, none, strings.NewReader(""), &out, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("healthcheck of a 404 = %v, want an error naming the status", err)
	}
}

func TestPostgresNeedsASharedSessionKey(t *testing.T) {
	_, _, err := sessionKeys("", sessionKeyFile("postgres://fit@127.0.0.1/fitcheck"))
	if err == nil || !strings.Contains(err.Error(), "FITCHECK_SESSION_KEY") {
		t.Errorf("sessionKeys without a secret on PostgreSQL = %v, want FITCHECK_SESSION_KEY required", err)
	}
}
