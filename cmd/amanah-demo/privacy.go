package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// claimValues are the citizen's personal data in the demo credential.
var claimValues = []string{"Aisyah", "Rahman", "1990-04-12"}

// checkNoPersonalData proves the ledger holds no personal data: no claim value and no part of
// the credential (its disclosures or issuer-signed JWT) appears in any transaction of any block,
// nor in the node's exported state. It stops the node to export its state.
func (s *story) checkNoPersonalData(ctx context.Context) (string, error) {
	secrets := append([]string{}, claimValues...)
	for _, part := range strings.Split(s.credential, "~") {
		if part != "" {
			secrets = append(secrets, part)
		}
	}
	rpc := s.net.Node(0).RPC()
	st, err := rpc.Status(ctx)
	if err != nil {
		return "", err
	}
	txs := 0
	for h := int64(1); h <= st.LatestBlockHeight; h++ {
		var res struct {
			Block struct {
				Data struct {
					Txs []string `json:"txs"`
				} `json:"data"`
			} `json:"block"`
		}
		if err := rpc.Call(ctx, "block", map[string]any{"height": strconv.FormatInt(h, 10)}, &res); err != nil {
			return "", fmt.Errorf("block %d: %w", h, err)
		}
		for _, t := range res.Block.Data.Txs {
			raw, err := base64.StdEncoding.DecodeString(t)
			if err != nil {
				return "", fmt.Errorf("block %d: %w", h, err)
			}
			txs++
			if leak := findAny(raw, secrets); leak != "" {
				return "", fmt.Errorf("block %d carries personal data %q", h, shorten(leak))
			}
		}
	}
	if err := s.net.Stop(0); err != nil {
		return "", err
	}
	ectx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	state, err := exec.CommandContext(ectx, s.net.Config.Binary, "export", "--home", s.net.Node(0).Home).Output()
	if err != nil {
		return "", fmt.Errorf("export state: %w", err)
	}
	if !bytes.Contains(state, []byte(`"council"`)) || !bytes.Contains(state, []byte(s.issuer)) {
		return "", fmt.Errorf("the export does not look like the chain's state (%d bytes)", len(state))
	}
	if leak := findAny(state, secrets); leak != "" {
		return "", fmt.Errorf("chain state carries personal data %q", shorten(leak))
	}
	return fmt.Sprintf("no claim value or credential part in %d transactions of blocks 1..%d, nor in the %d-byte exported state (node stopped for the export)",
		txs, st.LatestBlockHeight, len(state)), nil
}

func findAny(data []byte, needles []string) string {
	for _, n := range needles {
		if bytes.Contains(data, []byte(n)) {
			return n
		}
	}
	return ""
}
