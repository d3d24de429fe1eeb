package node

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/amanah-id/amanah/verifier/ledger"
	didtypes "github.com/amanah-id/amanah/x/did/types"
	statustypes "github.com/amanah-id/amanah/x/status/types"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

func TestChangesFromTypedEvents(t *testing.T) {
	var evs []abci.Event
	for _, m := range []interface{ ProtoMessage() }{
		&statustypes.EventStatusListUpdated{ListId: 7, Indices: []uint32{3, 40000}, Height: 9},
		&didtypes.EventDidUpdated{Did: "did:amanah:testnet:abc", Height: 9},
		&trusttypes.EventRelyingPartyRegistered{Did: "did:amanah:testnet:bank"},
	} {
		ev, err := sdk.TypedEventToEvent(m.(sdk.Msg))
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, abci.Event(ev))
	}
	evs = append(evs, abci.Event{Type: "amanah.status.v1.EventStatusListUpdated", Attributes: []abci.EventAttribute{{Key: "list_id", Value: "garbage"}}},
		abci.Event{Type: "transfer"})
	got := Changes(evs)
	if len(got) != 4 {
		t.Fatalf("changes %+v", got)
	}
	if got[0].Kind != ledger.KindStatus || got[0].Key != "7" || len(got[0].Indices) != 2 || got[0].Indices[1] != 40000 {
		t.Errorf("status change %+v", got[0])
	}
	if got[1].Kind != ledger.KindDID || got[1].Key != "did:amanah:testnet:abc" {
		t.Errorf("did change %+v", got[1])
	}
	if got[2].Kind != ledger.KindTrust {
		t.Errorf("trust change %+v", got[2])
	}
	if got[3].Kind != ledger.KindStatus || got[3].Key != "" {
		t.Errorf("unreadable status event must drop every list: %+v", got[3])
	}
}
