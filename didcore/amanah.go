package didcore

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/mr-tron/base58"

	"github.com/amanah-id/amanah/keys"
)

// AmanahMethod is the DID method name of Amanah identifiers.
const AmanahMethod = "amanah"

// amanahIDBytes is how many leading bytes of SHA-256(key) form the id.
const amanahIDBytes = 16

// AmanahDID returns did:amanah:<network>:<base58btc(SHA-256(k.Bytes())[:16])>.
func AmanahDID(network string, k keys.PublicKey) string {
	return "did:" + AmanahMethod + ":" + network + ":" + AmanahID(k)
}

// AmanahID returns the method-specific id suffix derived from k (no network).
func AmanahID(k keys.PublicKey) string {
	h := sha256.Sum256(k.Bytes())
	return base58.Encode(h[:amanahIDBytes])
}

// ValidNetwork reports whether n is a valid did:amanah network name ([a-z0-9-]{1,32}).
func ValidNetwork(n string) bool {
	if len(n) == 0 || len(n) > 32 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; !isMethodChar(c) && c != '-' {
			return false
		}
	}
	return true
}

// ParseAmanahDID splits a did:amanah DID into its network and id, checking both.
func ParseAmanahDID(s string) (network, id string, err error) {
	d, err := ParseDID(s)
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", ErrInvalidAmanahDID, err)
	}
	if d.Method != AmanahMethod {
		return "", "", fmt.Errorf("%w: method %q", ErrInvalidAmanahDID, d.Method)
	}
	network, id, ok := strings.Cut(d.ID, ":")
	if !ok || strings.Contains(id, ":") {
		return "", "", fmt.Errorf("%w: %q is not <network>:<id>", ErrInvalidAmanahDID, truncate(d.ID))
	}
	if !ValidNetwork(network) {
		return "", "", fmt.Errorf("%w: network %q is not [a-z0-9-]{1,32}", ErrInvalidAmanahDID, truncate(network))
	}
	if len(id) > 24 {
		return "", "", fmt.Errorf("%w: id is too long", ErrInvalidAmanahDID)
	}
	raw, err := base58.Decode(id)
	if err != nil || len(raw) != amanahIDBytes || base58.Encode(raw) != id {
		return "", "", fmt.Errorf("%w: id %q is not base58btc of %d bytes", ErrInvalidAmanahDID, id, amanahIDBytes)
	}
	return network, id, nil
}

// CheckAmanahID checks that the document id is a did:amanah DID on network derived from one of its capabilityInvocation keys.
func (d *Document) CheckAmanahID(network string) error {
	net, id, err := ParseAmanahDID(d.ID)
	if err != nil {
		return fmt.Errorf("id: %w", err)
	}
	if net != network {
		return fmt.Errorf("id: %w: network %q, want %q", ErrInvalidAmanahDID, net, network)
	}
	for _, vm := range d.MethodsFor(CapabilityInvocation) {
		k, err := vm.PublicKey()
		if err != nil {
			continue
		}
		if AmanahID(k) == id {
			return nil
		}
	}
	return fmt.Errorf("id %q: %w", d.ID, ErrAmanahIDMismatch)
}
