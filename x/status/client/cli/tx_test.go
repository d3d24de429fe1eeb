package cli_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/x/status/client/cli"
)

func TestParseIndices(t *testing.T) {
	got, err := cli.ParseIndices(strings.NewReader("1,2 3\n# comment\n\t40000,  # trailing\n\r\n131071"))
	require.NoError(t, err)
	require.Equal(t, []uint32{1, 2, 3, 40000, 131071}, got)
	for _, bad := range []string{"1,x", "-1", "4294967296"} {
		_, err := cli.ParseIndices(strings.NewReader(bad))
		require.Error(t, err, bad)
	}
}
