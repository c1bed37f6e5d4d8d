package tickets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"time"
)

// Callback is a person's request to be called back. The phone number is
// kept only sealed (AES-GCM) and is erased when the ticket closes or the
// retention period ends.
type Callback struct {
	// Sealed is the encrypted phone number (base64 of nonce and ciphertext).
	Sealed string `json:"-"`
	// Masked is the display form, such as "0912***678".
	Masked string `json:"phone_masked"`
	// When is the preferred time: "morning", "afternoon", "evening" or "any".
	When string `json:"when"`
	// ConsentAt is when the person agreed to leave the number.
	ConsentAt time.Time `json:"consent_at"`
}

// Sealer encrypts and decrypts phone numbers with AES-256-GCM.
type Sealer struct {
	aead cipher.AEAD
	rand io.Reader
}

// NewSealer takes a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, errors.New("tickets: data key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("tickets: data key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("tickets: data key: %w", err)
	}
	return &Sealer{aead: aead, rand: rand.Reader}, nil
}

// ParseKey reads a data key written as 64 hex digits or base64 of 32 bytes.
func ParseKey(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	if len(s) == 64 {
		b := make([]byte, 32)
		if _, err := fmt.Sscanf(s, "%x", &b); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("tickets: a data key is 64 hex digits or base64 of 32 bytes")
}

// Seal encrypts plaintext; ref is bound to it as additional data, so a
// sealed number cannot be moved to another ticket.
func (s *Sealer) Seal(plaintext, ref string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return "", fmt.Errorf("tickets: seal: %w", err)
	}
	out := s.aead.Seal(nonce, nonce, []byte(plaintext), []byte(ref))
	return base64.StdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal made for ref.
func (s *Sealer) Open(sealed, ref string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", errors.New("tickets: open: malformed")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(ref))
	if err != nil {
		return "", errors.New("tickets: open: wrong key or tampered")
	}
	return string(plain), nil
}
