// Package server verifies uploaded artifacts before they are stored.
package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// VerifySHA256 reads the whole stream and compares its SHA-256 digest with the expected hex string.
func VerifySHA256(r io.Reader, expectedHex string) error {
	hash := sha256.New()
	if _, err := io.Copy(hash, r); err != nil {
		return fmt.Errorf("reading artifact: %w", err)
	}
	actual := hex.EncodeToString(hash.Sum(nil))
	if actual != expectedHex {
		return fmt.Errorf("checksum mismatch: got %s, want %s", actual, expectedHex)
	}
	return nil
}

// Adler32 computes the Adler-32 rolling checksum used by the legacy upload protocol.
func Adler32(data []byte) uint32 {
	const mod = 65521
	var a, b uint32 = 1, 0
	for _, c := range data {
		a = (a + uint32(c)) % mod
		b = (b + a) % mod
	}
	return b<<16 | a
}
