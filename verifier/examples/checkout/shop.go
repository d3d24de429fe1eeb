package main

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/metadata"

	"github.com/amanah-id/amanah/verifier/auth"
	"github.com/amanah-id/amanah/verifier/verifierpb"
)

// NationalIDVCT is the national identity credential's type.
const NationalIDVCT = "https://amanah.gov.example/credentials/national-id"

// askedClaims are all the checkout asks for: the age predicate it needs and
// the name for the receipt (never the birthdate). The bank's registration on
// the ledger must allow them; the wallet refuses to disclose anything else.
var askedClaims = []string{"age_over_18", "given_name"}

const (
	sessionCookie = "checkout_session"
	orderTTL      = 15 * time.Minute
)

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("page").Parse(pageHTML))

// Shop serves the checkout page.
type Shop struct {
	rpc                  verifierpb.VerifierClient
	apiKey, baseURL, vct string
	mux                  *http.ServeMux

	mu     sync.Mutex
	orders map[string]*order // by session cookie
}

// order is one checkout's two presentation requests: the QR code's
// (cross-device: the page polls for the result) and the link's (same-device:
// the wallet sends the browser back to /done with a response code).
type order struct {
	cross, same *verifierpb.CreatePresentationRequestResponse
	created     time.Time
}

// NewShop returns the checkout calling the verifier rpc as the bank (apiKey);
// baseURL is the checkout's own URL (the same-device redirect comes back to it).
func NewShop(rpc verifierpb.VerifierClient, apiKey, baseURL, vct string) *Shop {
	s := &Shop{rpc: rpc, apiKey: apiKey, baseURL: baseURL, vct: vct, orders: map[string]*order{}}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.HandleFunc("POST /prove", s.startProof)
	s.mux.HandleFunc("GET /prove", s.showRequest)
	s.mux.HandleFunc("GET /done", s.done)
	s.mux.HandleFunc("GET /status", s.status)
	return s
}

func (s *Shop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	s.mux.ServeHTTP(w, r)
}

// view is what page.html renders.
type view struct {
	Step       string // cart, prove or done
	QR         template.URL
	RequestURI string       // the QR code's openid4vp:// URI, shown as text too
	SameDevice template.URL // the link for a wallet on this device
	Expires    time.Time
}

func (s *Shop) render(w http.ResponseWriter, v view) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := page.Execute(w, v); err != nil {
		log.Printf("checkout: page: %v", err)
	}
}

func (s *Shop) home(w http.ResponseWriter, _ *http.Request) { s.render(w, view{Step: "cart"}) }

// bank returns ctx carrying the bank's API key, with a deadline.
func (s *Shop) bank(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	return metadata.AppendToOutgoingContext(ctx, auth.APIKeyHeader, s.apiKey), cancel
}

// startProof asks the verifier for the two presentation requests and
// remembers them under a new session cookie.
func (s *Shop) startProof(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.bank(r.Context())
	defer cancel()
	ask := func(redirect string) (*verifierpb.CreatePresentationRequestResponse, error) {
		return s.rpc.CreatePresentationRequest(ctx, &verifierpb.CreatePresentationRequestRequest{
			VctValues: []string{s.vct}, Claims: askedClaims, ResponseMode: "direct_post.jwt", RedirectUri: redirect})
	}
	cross, err := ask("")
	var same *verifierpb.CreatePresentationRequestResponse
	if err == nil {
		same, err = ask(s.baseURL + "/done")
	}
	if err != nil {
		log.Printf("checkout: CreatePresentationRequest: %v", err)
		http.Error(w, "the verifier is unavailable, try again", http.StatusBadGateway)
		return
	}
	sid := randomID()
	s.mu.Lock()
	for id, o := range s.orders {
		if time.Since(o.created) > orderTTL {
			delete(s.orders, id)
		}
	}
	s.orders[sid] = &order{cross: cross, same: same, created: time.Now()}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sid, Path: "/", HttpOnly: true,
		Secure: strings.HasPrefix(s.baseURL, "https:"), SameSite: http.SameSiteLaxMode, MaxAge: int(orderTTL.Seconds())})
	http.Redirect(w, r, "/prove", http.StatusSeeOther)
}

func (s *Shop) order(r *http.Request) *order {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.orders[c.Value]
}

// showRequest shows the QR code and the same-device link.
func (s *Shop) showRequest(w http.ResponseWriter, r *http.Request) {
	o := s.order(r)
	if o == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, view{Step: "prove", QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(o.cross.QrPng)),
		RequestURI: o.cross.RequestUri, SameDevice: template.URL(o.same.RequestUri), Expires: time.Unix(o.cross.ExpiresAtUnix, 0).UTC()})
}

// done is where the wallet sends the browser back (same-device), with
// #response_code=... which the page's script passes to /status.
func (s *Shop) done(w http.ResponseWriter, _ *http.Request) { s.render(w, view{Step: "done"}) }

// statusJSON is /status's answer to the page's script.
type statusJSON struct {
	Status   string  `json:"status"`   // pending, complete, expired or unknown
	Approved bool    `json:"approved"` // the purchase may go ahead
	Verdict  string  `json:"verdict"`  // "verified: over 18" or "refused: <reason>"
	Claims   []claim `json:"claims,omitempty"`
}

type claim struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// status reads the result from the verifier: the QR code's transaction, or
// with ?code= (the wallet's same-device redirect) the link's.
func (s *Shop) status(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	o := s.order(r)
	if o == nil {
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(statusJSON{Status: "unknown", Verdict: "no checkout in progress: start again"})
		return
	}
	req := &verifierpb.GetPresentationResultRequest{TransactionId: o.cross.TransactionId}
	if code := r.URL.Query().Get("code"); code != "" {
		req = &verifierpb.GetPresentationResultRequest{TransactionId: o.same.TransactionId, ResponseCode: code}
	}
	ctx, cancel := s.bank(r.Context())
	defer cancel()
	res, err := s.rpc.GetPresentationResult(ctx, req)
	if err != nil {
		log.Printf("checkout: GetPresentationResult: %v", err)
		w.WriteHeader(http.StatusBadGateway)
		_ = json.NewEncoder(w).Encode(statusJSON{Status: "pending"})
		return
	}
	_ = json.NewEncoder(w).Encode(decide(res))
}

// decide turns the verifier's verdict into the checkout's.
func decide(res *verifierpb.GetPresentationResultResponse) statusJSON {
	out := statusJSON{Status: res.Status}
	switch {
	case res.Status == "expired":
		out.Verdict = "expired: start again"
		return out
	case res.Status != "complete":
		return out
	case !res.Verified:
		out.Verdict = "refused: " + res.Reason
		return out
	}
	over18 := false
	for _, c := range res.Credentials {
		for name, raw := range c.Verdict.DisclosedClaims {
			var v any
			if json.Unmarshal([]byte(raw), &v) != nil {
				continue
			}
			out.Claims = append(out.Claims, claim{Name: name, Value: fmt.Sprint(v)})
			over18 = over18 || (name == "age_over_18" && v == true)
		}
	}
	sort.Slice(out.Claims, func(i, j int) bool { return out.Claims[i].Name < out.Claims[j].Name })
	out.Approved = over18
	out.Verdict = "verified: over 18"
	if !over18 {
		out.Verdict = "refused: not over 18"
	}
	return out
}

func randomID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
