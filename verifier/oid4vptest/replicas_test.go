package oid4vptest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/amanah-id/amanah/openid4vp/holder"
	"github.com/amanah-id/amanah/verifier/challenge"
	"github.com/amanah-id/amanah/verifier/ledger/chaintest"
	"github.com/amanah-id/amanah/verifier/state"
	"github.com/amanah-id/amanah/verifier/state/statetest"
	"github.com/amanah-id/amanah/verifier/verifierpb"
	trusttypes "github.com/amanah-id/amanah/x/trust/types"
)

// toB sends the wallet's response POST to replica B (the request object is
// fetched from A), as a load balancer could; with capture set, it keeps the
// body and answers 200 without sending.
type toB struct {
	b       *url.URL
	capture bool
	body    []byte
}

func (r *toB) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost {
		body, _ := io.ReadAll(req.Body)
		r.body = body
		if r.capture {
			return &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader([]byte(`{}`))), Header: http.Header{}, Request: req}, nil
		}
		req = req.Clone(req.Context())
		req.URL.Host = r.b.Host
		req.Host = r.b.Host
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestReplicasOnRedis runs two verifier replicas on one Redis (Debian
// redis-server) over the real chain: a request created on A, answered on B,
// the result read on A; the replay refused by both; the same response
// posted at once to both many times: exactly one accepted.
func TestReplicasOnRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process chain and redis-server")
	}
	redisURL := statetest.Redis(t)
	open := func() state.Store {
		s, err := state.Open(context.Background(), redisURL, challenge.Config{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	w := chaintest.New(t)
	issuer := w.NewDID()
	w.AccreditIssuer("replica-issuer", issuer)
	list := w.CreateList(issuer)
	cred := w.Issue(issuer, "#key-1", issuer.Key, w.BlockTime(), chaintest.ListURI(list), 1)
	RegisterClientID(w, 2)
	a := Start(t, w, Options{State: open()})
	b := Start(t, w, Options{State: open(), View: a.View})
	bURL, err := url.Parse(b.PublicURL)
	require.NoError(t, err)
	ctx := context.Background()
	bank := Ctx(ctx)
	newReq := func() *verifierpb.CreatePresentationRequestResponse {
		r, err := a.Client.CreatePresentationRequest(bank, &verifierpb.CreatePresentationRequestRequest{
			VctValues: []string{trusttypes.NationalIDVCT}, Claims: []string{"given_name"}})
		require.NoError(t, err)
		return r
	}

	// Created on A, answered on B, read on A (and on B).
	req := newReq()
	rt := &toB{b: bURL}
	opts := Wallet(t, a.View.Cache, cred)
	opts.HTTP = &http.Client{Transport: rt}
	_, err = holder.Present(ctx, req.RequestUri, opts)
	require.NoError(t, err)
	for _, v := range []*Verifier{a, b} {
		res, err := v.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
		require.NoError(t, err)
		require.True(t, res.Verified, res.Reason)
	}
	// The replay, on both.
	for _, v := range []*Verifier{a, b} {
		code, reason := post(t, v.PublicURL, "application/x-www-form-urlencoded", string(rt.body))
		require.Equal(t, http.StatusBadRequest, code)
		require.Equal(t, "response_replayed", reason)
	}

	// One response posted 16 times at once, to both: exactly one wins.
	req = newReq()
	rt = &toB{capture: true}
	opts.HTTP = &http.Client{Transport: rt}
	_, err = holder.Present(ctx, req.RequestUri, opts)
	require.NoError(t, err)
	var wins, replays atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := a
			if i%2 == 1 {
				v = b
			}
			hr, err := http.Post(v.PublicURL+"/oid4vp/response", "application/x-www-form-urlencoded", bytes.NewReader(rt.body))
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(hr.Body)
			hr.Body.Close()
			switch {
			case hr.StatusCode == http.StatusOK:
				wins.Add(1)
			case bytes.Contains(body, []byte("response_replayed")):
				replays.Add(1)
			default:
				t.Errorf("%d %s", hr.StatusCode, body)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, wins.Load())
	require.EqualValues(t, 15, replays.Load())
	res, err := a.Client.GetPresentationResult(bank, &verifierpb.GetPresentationResultRequest{TransactionId: req.TransactionId})
	require.NoError(t, err)
	require.True(t, res.Verified, res.Reason)
}
