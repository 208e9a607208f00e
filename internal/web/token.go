package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tokenPrefix marks leakwatch admin tokens so secret scanners (and people)
// recognise one that leaked.
const tokenPrefix = "lwt_"

// tokenFile is the on-disk form of the admin token: never the token itself,
// only an HMAC-SHA-256 of it under a random key kept beside it. The token
// has 256 random bits, so a slow hash would add nothing against guessing;
// the keyed MAC keeps a copied file from being checked against other
// leakwatch installations' tokens.
type tokenFile struct {
	Version int       `json:"version"`
	Key     string    `json:"key"` // base64, 32 random bytes
	MAC     string    `json:"mac"` // base64 HMAC-SHA-256(key, token)
	Created time.Time `json:"created"`
}

// Verifier checks admin tokens against the stored MAC.
type Verifier struct {
	key, mac []byte
}

// TokenPath is where the token file of the store at dbPath lives.
func TokenPath(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "web-token.json")
}

// LoadOrCreateToken reads the token file at path. When there is none, it
// creates a new token, writes the file with mode 0600 and returns the token
// (to be shown once); otherwise the returned token is "". A file that is
// group- or world-accessible is refused.
func LoadOrCreateToken(path string) (*Verifier, string, error) {
	v, err := loadToken(path)
	if err == nil {
		return v, "", nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", err
	}
	return createToken(path, false)
}

// RotateToken replaces the token file with a new token and returns it.
func RotateToken(path string) (*Verifier, string, error) { return createToken(path, true) }

func loadToken(path string) (*Verifier, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("web: token file %s has mode %04o: others may read it; run chmod 600 or --rotate-token", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var tf tokenFile
	if err := json.Unmarshal(b, &tf); err != nil || tf.Version != 1 {
		return nil, fmt.Errorf("web: token file %s is damaged: remove it or use --rotate-token", path)
	}
	key, err1 := base64.StdEncoding.DecodeString(tf.Key)
	mac, err2 := base64.StdEncoding.DecodeString(tf.MAC)
	if err1 != nil || err2 != nil || len(key) != 32 || len(mac) != sha256.Size {
		return nil, fmt.Errorf("web: token file %s is damaged: remove it or use --rotate-token", path)
	}
	return &Verifier{key: key, mac: mac}, nil
}

func createToken(path string, replace bool) (*Verifier, string, error) {
	raw := make([]byte, 32)
	key := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", err
	}
	if _, err := rand.Read(key); err != nil {
		return nil, "", err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	v := &Verifier{key: key, mac: macOf(key, token)}
	b, _ := json.MarshalIndent(tokenFile{Version: 1, Key: base64.StdEncoding.EncodeToString(key),
		MAC: base64.StdEncoding.EncodeToString(v.mac), Created: time.Now().UTC()}, "", "  ")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, "", err
	}
	// Written to a private temporary file and renamed: the file never exists
	// with a wider mode, and a crash leaves the old token or the new one.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".web-token-*")
	if err != nil {
		return nil, "", err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, "", err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return nil, "", err
	}
	if err := tmp.Close(); err != nil {
		return nil, "", err
	}
	if !replace {
		// Two servers starting at once: the first one's token wins.
		if err := os.Link(tmp.Name(), path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				v, err := loadToken(path)
				return v, "", err
			}
			return nil, "", err
		}
		return v, token, nil
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, "", err
	}
	return v, token, nil
}

func macOf(key []byte, token string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(token))
	return m.Sum(nil)
}

// Check reports whether token is the admin token, in constant time (the
// MACs are compared with hmac.Equal; the token's length leaks nothing the
// MAC does not hide).
func (v *Verifier) Check(token string) bool {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 256 {
		return false
	}
	return hmac.Equal(macOf(v.key, token), v.mac)
}
