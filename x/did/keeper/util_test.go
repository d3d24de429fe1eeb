package keeper_test

import (
	"bytes"
	"encoding/json"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/amanah-id/amanah/didcore"
	"github.com/amanah-id/amanah/keys"
	"github.com/amanah-id/amanah/x/did/types"
)

func jsonIndent(buf *bytes.Buffer, b []byte) error { return json.Indent(buf, b, "", "    ") }

func joinKey(did string, seq uint64) collections.Pair[string, uint64] {
	return collections.Join(did, seq)
}

func pageReq(key []byte, limit uint64) *query.PageRequest {
	return &query.PageRequest{Key: key, Limit: limit}
}

func hasEvent(ctx sdk.Context, typ string) bool {
	for _, e := range ctx.EventManager().Events() {
		if e.Type == typ {
			return true
		}
	}
	return false
}

func abciCode(err error) uint32 {
	_, code, _ := errorsmod.ABCIInfo(err, false)
	return code
}

// createRaw submits a create of raw document bytes signed by a fresh key.
func (s *KeeperTestSuite) createRaw(doc []byte) error {
	i := newIdentity(s.T(), keys.Ed25519)
	_, err := s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(s.T(), doc, by(i)))
	return err
}

// createDoc submits a create of a fresh default document edited by edit.
func (s *KeeperTestSuite) createDoc(edit func(*didcore.Document)) error {
	i := newIdentity(s.T(), keys.Ed25519)
	edit(i.doc)
	b, err := i.doc.MarshalJSON()
	if err != nil {
		return types.WrapDocumentError(err)
	}
	_, err = s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(s.T(), b, by(i)))
	return err
}

// createEdited submits a create of a fresh default document edited as a JSON map.
func (s *KeeperTestSuite) createEdited(edit func(map[string]any)) error {
	i := newIdentity(s.T(), keys.Ed25519)
	var m map[string]any
	if err := json.Unmarshal(mustJSON(s.T(), i.doc), &m); err != nil {
		return err
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = s.f.msgs.CreateDid(s.f.ctx, s.f.createMsg(s.T(), b, by(i)))
	return err
}
