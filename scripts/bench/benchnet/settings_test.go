package benchnet

import "testing"

// TestTOMLValues reads the settings Settings states from a config.toml-like text: sections,
// quotes, comments and blank lines; a key in two sections stays apart.
func TestTOMLValues(t *testing.T) {
	v := tomlValues(`# comment
proxy_app = "tcp://127.0.0.1:26658"

[consensus]
timeout_commit = "1s"
size = 9
[mempool]
type = "flood"
# size = 1
size = 5000
max_txs_bytes = 1073741824
broken line
`)
	for k, want := range map[string]string{".proxy_app": "tcp://127.0.0.1:26658", "consensus.timeout_commit": "1s", "consensus.size": "9",
		"mempool.type": "flood", "mempool.size": "5000", "mempool.max_txs_bytes": "1073741824"} {
		if v[k] != want {
			t.Errorf("%s = %q, want %q", k, v[k], want)
		}
	}
	if len(v) != 6 {
		t.Errorf("got %d keys: %v", len(v), v)
	}
}
