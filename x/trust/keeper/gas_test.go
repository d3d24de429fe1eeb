package keeper_test

import (
	"fmt"
	"strings"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/amanah-id/amanah/x/trust/types"
)

// TestLargestSchemaGas measures a credential-type registration with a schema just under
// MaxSchemaBytes: docs/block-space.md counts it among the largest legitimate transactions.
func (s *KeeperTestSuite) TestLargestSchemaGas() {
	var props []string
	pad := strings.Repeat("x", 200)
	for i := 0; ; i++ {
		p := fmt.Sprintf(`"f%d":{"type":"string","description":"%s"}`, i, pad)
		if len(strings.Join(append(props, p), ","))+64 > types.MaxSchemaBytes {
			break
		}
		props = append(props, p)
	}
	schema := `{"type":"object","properties":{` + strings.Join(props, ",") + `}}`
	ctx := s.ctx.WithGasMeter(storetypes.NewGasMeter(1 << 40))
	_, err := s.msgs.RegisterCredentialType(ctx, &types.MsgRegisterCredentialType{Signer: s.gov, Payload: types.CredentialTypePayload{
		Vct: types.NationalIDVCT, Version: 1, Schema: schema, DisplayName: "National ID"}})
	s.Require().NoError(err)
	gas := ctx.GasMeter().GasConsumed()
	s.T().Logf("%d-byte schema: %d gas", len(schema), gas)
	s.Require().Less(gas, uint64(5_000_000), "docs/block-space.md budgets a largest schema registration under 5M gas")
}
