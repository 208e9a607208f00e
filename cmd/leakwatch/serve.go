package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakwatch/leakwatch/internal/store"
	"github.com/leakwatch/leakwatch/internal/web"
)

type serveOptions struct {
	db, addr, tlsCert, tlsKey, tokenFile string
	rotateToken                          bool
}

func init() {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard and JSON API over the store (authentication always on)",
		Long: `Serve a read-only web dashboard and JSON API (/api/v1, docs/api.md) over the
store. Authentication is always required: at first start leakwatch creates a
random admin token, prints it once, and keeps only a keyed hash of it in a
0600 file next to the store (--token-file). Sign in with it in the browser, or
send it as "Authorization: Bearer <token>" to the API. --rotate-token replaces
it (and signs every browser out once the server restarts).

The server binds 127.0.0.1:8484 by default. Serve it on another address only
with TLS (--tls-cert, --tls-key): without TLS the token and the session
cookie cross the network in the clear, and leakwatch says so loudly.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "store path (default under the user's data directory)")
	f.StringVar(&o.addr, "addr", "127.0.0.1:8484", "address to listen on (host:port)")
	f.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	f.StringVar(&o.tlsKey, "tls-key", "", "private key of --tls-cert (PEM)")
	f.StringVar(&o.tokenFile, "token-file", "", "admin token file (default web-token.json next to the store)")
	f.BoolVar(&o.rotateToken, "rotate-token", false, "replace the admin token with a new one and print it")
	rootCmd.AddCommand(cmd)
}

func runServe(ctx context.Context, o serveOptions, stdout, stderr io.Writer) error {
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return errors.New("serve: give both --tls-cert and --tls-key, or neither")
	}
	if o.db == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return err
		}
		o.db = p
	}
	st, err := store.Open(ctx, o.db)
	if err != nil {
		return err
	}
	defer st.Close()
	if o.tokenFile == "" {
		o.tokenFile = web.TokenPath(o.db)
	}
	var verifier *web.Verifier
	var token string
	if o.rotateToken {
		verifier, token, err = web.RotateToken(o.tokenFile)
	} else {
		verifier, token, err = web.LoadOrCreateToken(o.tokenFile)
	}
	if err != nil {
		return err
	}
	if token != "" {
		fmt.Fprintf(stdout, "admin token (shown once; only a hash is kept in %s):\n\n    %s\n\n", o.tokenFile, token)
	}
	useTLS := o.tlsCert != ""
	var tlsConf *tls.Config
	if useTLS {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := web.New(web.Config{Store: st, Verifier: verifier, TLS: useTLS, Version: version, Log: logger})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if !useTLS {
		fmt.Fprint(stderr, plainHTTPWarning(ln.Addr()))
	}
	scheme := "http"
	if useTLS {
		ln = tls.NewListener(ln, tlsConf)
		scheme = "https"
	}
	fmt.Fprintf(stdout, "leakwatch dashboard listening on %s://%s/\n", scheme, ln.Addr())
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: web.ListenTimeouts.ReadHeader,
		ReadTimeout:       web.ListenTimeouts.Read,
		WriteTimeout:      web.ListenTimeouts.Write,
		IdleTimeout:       web.ListenTimeouts.Idle,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(shutCtx)
}

// plainHTTPWarning is the loud warning for serving plain HTTP beyond this
// machine ("" on loopback).
func plainHTTPWarning(a net.Addr) string {
	if loopbackAddr(a) {
		return ""
	}
	bar := strings.Repeat("!", 78)
	return fmt.Sprintf("\n%s\n!! WARNING: serving on %s WITHOUT TLS.\n"+
		"!! The admin token and session cookies cross the network in the clear, and the\n"+
		"!! pages list exposed datastores. Bind 127.0.0.1, or use --tls-cert/--tls-key.\n%s\n\n", bar, a, bar)
}

// loopbackAddr reports whether the listener is reachable from this machine
// only.
func loopbackAddr(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP != nil && ta.IP.IsLoopback()
}
