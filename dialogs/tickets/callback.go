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
	// KeyID is the id of the data key that sealed the number (KeyID);
	// empty for call-backs from before key ids.
	KeyID string `json:"-"`
}

// Sealer encrypts and decrypts phone numbers with AES-256-GCM. It seals
// with its current key; older keys, kept through a rotation, still open
// what they sealed.
type Sealer struct {
	keys []sealKey // the current key first
	rand io.Reader
}

type sealKey struct {
	id   string
	aead cipher.AEAD
}

// NewSealer takes the current 32-byte key and any old ones that must
// still open.
func NewSealer(key []byte, old ...[]byte) (*Sealer, error) {
	s := &Sealer{rand: rand.Reader}
	for i, k := range append([][]byte{key}, old...) {
		name := "data key"
		if i > 0 {
			name = fmt.Sprintf("old data key %d", i)
		}
		if len(k) != 32 {
			return nil, fmt.Errorf("tickets: %s must be 32 bytes", name)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("tickets: %s: %w", name, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("tickets: %s: %w", name, err)
		}
		s.keys = append(s.keys, sealKey{id: KeyID(k), aead: aead})
	}
	return s, nil
}

// KeyID is the id of the key Seal uses, which call-backs record.
func (s *Sealer) KeyID() string { return s.keys[0].id }

// KeyIDs returns the ids of the current key and then the old ones.
func (s *Sealer) KeyIDs() []string {
	var out []string
	for _, k := range s.keys {
		out = append(out, k.id)
	}
	return out
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

// Seal encrypts plaintext with the current key; ref is bound to it as
// additional data, so a sealed number cannot be moved to another ticket.
func (s *Sealer) Seal(plaintext, ref string) (string, error) {
	aead := s.keys[0].aead
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return "", fmt.Errorf("tickets: seal: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(plaintext), []byte(ref))
	return base64.StdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal made for ref under any of the keys, the current
// one first (GCM's tag tells a wrong key).
func (s *Sealer) Open(sealed, ref string) (string, error) { return s.OpenWith(sealed, ref, "") }

// OpenWith decrypts what Seal made for ref with the key whose id is keyID,
// or, when keyID is empty (sealed before key ids), with whichever key
// opens it.
func (s *Sealer) OpenWith(sealed, ref, keyID string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", errors.New("tickets: open: malformed")
	}
	tried := false
	for _, k := range s.keys {
		if keyID != "" && k.id != keyID {
			continue
		}
		tried = true
		n := k.aead.NonceSize()
		if len(raw) < n {
			return "", errors.New("tickets: open: malformed")
		}
		if plain, err := k.aead.Open(nil, raw[:n], raw[n:], []byte(ref)); err == nil {
			return string(plain), nil
		}
	}
	if !tried {
		return "", fmt.Errorf("tickets: open: sealed with key %s, which is not configured (add it to VAXBOT_DATA_KEYS_OLD)", keyID)
	}
	return "", errors.New("tickets: open: wrong key or tampered")
}
