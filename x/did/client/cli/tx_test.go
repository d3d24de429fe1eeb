package cli_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/x/did/client/cli"
	"github.com/amanah-id/amanah/x/did/types"
)

func TestParseRetire(t *testing.T) {
	now := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)
	calls := 0
	clock := func() (time.Time, error) { calls++; return now, nil }
	got, err := cli.ParseRetire([]string{
		"#key-1",
		"did:amanah:local:abc#key-2@2026-06-30T08:00:00.5+02:00",
		"#odd@name",
		"#key-3@2026-06-01T00:00:00Z",
	}, clock)
	require.NoError(t, err)
	require.Equal(t, []types.RetiredKey{
		{Id: "#key-1", RetiredAt: now},
		{Id: "did:amanah:local:abc#key-2", RetiredAt: time.Date(2026, 6, 30, 6, 0, 0, 5e8, time.UTC)},
		{Id: "#odd@name", RetiredAt: now},
		{Id: "#key-3", RetiredAt: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
	}, got)
	require.Equal(t, 1, calls, "the default time is read once")

	_, err = cli.ParseRetire([]string{"@2026-06-01T00:00:00Z"}, clock)
	require.Error(t, err)
	_, err = cli.ParseRetire([]string{"#key-1"}, func() (time.Time, error) { return time.Time{}, errors.New("offline") })
	require.ErrorContains(t, err, "offline")
}
