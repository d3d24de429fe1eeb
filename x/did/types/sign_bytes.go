package types

import (
	"errors"
	"fmt"

	"github.com/cosmos/gogoproto/proto"
)

// SignBytesPrefix is the domain-separation tag that starts every Amanah DID-key sign bytes.
const SignBytesPrefix = "amanah-sign-v1\n"

// SignBytes returns the bytes a DID key signs to authorise a message payload:
//
//	"amanah-sign-v1\n" || chainID || "\n" || msgTypeURL || "\n" || deterministic proto(payload)
//
// payload is the message's payload without its signatures; msgTypeURL is the message's type URL
// (e.g. "/amanah.did.v1.MsgCreateDid"). Binding the chain id and message type stops a signature
// being replayed on another chain or as another kind of change.
func SignBytes(chainID, msgTypeURL string, payload proto.Message) ([]byte, error) {
	if chainID == "" {
		return nil, errors.New("sign bytes: empty chain id")
	}
	if msgTypeURL == "" {
		return nil, errors.New("sign bytes: empty message type url")
	}
	if payload == nil {
		return nil, errors.New("sign bytes: nil payload")
	}
	body, err := marshalDeterministic(payload)
	if err != nil {
		return nil, fmt.Errorf("sign bytes: marshal payload: %w", err)
	}
	out := make([]byte, 0, len(SignBytesPrefix)+len(chainID)+len(msgTypeURL)+2+len(body))
	out = append(out, SignBytesPrefix...)
	out = append(out, chainID...)
	out = append(out, '\n')
	out = append(out, msgTypeURL...)
	out = append(out, '\n')
	out = append(out, body...)
	return out, nil
}

// marshalDeterministic marshals m with gogoproto's deterministic option (sorted map keys).
func marshalDeterministic(m proto.Message) ([]byte, error) {
	type deterministicMarshaler interface {
		XXX_Size() int
		XXX_Marshal(b []byte, deterministic bool) ([]byte, error)
	}
	if dm, ok := m.(deterministicMarshaler); ok {
		return dm.XXX_Marshal(make([]byte, 0, dm.XXX_Size()), true)
	}
	var buf proto.Buffer
	buf.SetDeterministic(true)
	if err := buf.Marshal(m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
