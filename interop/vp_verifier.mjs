// Their verifier asks our wallet: the @openid4vc/openid4vp verifier API creates the
// authorization request with a DCQL query (checked with dcql), signs it as a JAR with the
// relying party's DID key (client id prefix decentralized_identifier) and this script serves it
// by reference; it writes the openid4vp:// URI to URI_FILE for our wallet, receives the
// response (direct_post, or direct_post.jwt encrypted to an ephemeral ECDH-ES P-256 key),
// parses and validates it with the same API, verifies the SD-JWT VC presentation with
// @sd-jwt/sd-jwt-vc (issuer signature, KB-JWT signature, sd_hash, nonce) and its aud, and
// checks the DCQL result with dcql. The ledger's status list is not consulted here (our
// verifier does that; direction (a)).
//
// Environment: RP_DID, RP_KID, RP_PRIVATE_JWK (the relying party's request-signing key),
// ISSUER_KID + ISSUER_JWK (the issuer key, from the ledger), VCT, RESPONSE_MODE, URI_FILE,
// TX_DATA (optional: add transaction_data). POST /abort ends the wait (the wallet refused).
// Prints one JSON line with what it checked.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as jose from 'jose';
import { Openid4vpVerifier } from '@openid4vc/openid4vp';
import { DcqlQuery, DcqlPresentationResult } from 'dcql';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { callbacks, env, sdHasher, sdVerifier } from './vp_common.mjs';

const rpDid = env('RP_DID');
const rpKid = env('RP_KID');
const rpJwk = JSON.parse(env('RP_PRIVATE_JWK'));
const issuerJwk = JSON.parse(env('ISSUER_JWK'));
const vct = env('VCT');
const mode = env('RESPONSE_MODE');
const clientId = `decentralized_identifier:${rpDid}`;

setTimeout(() => { console.error('no response within 100 s'); process.exit(2); }, 100_000).unref();

// An ephemeral encryption key for direct_post.jwt.
const { publicKey, privateKey } = await jose.generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
const encJwk = { ...(await jose.exportJWK(publicKey)), kid: 'enc-1', use: 'enc', alg: 'ECDH-ES' };

const dcqlQuery = DcqlQuery.parse({
  credentials: [{ id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, claims: [{ path: ['age_over_18'] }, { path: ['given_name'] }] }],
});
DcqlQuery.validate(dcqlQuery);

const cb = callbacks({ signingKeys: { [rpKid]: rpJwk }, decryptionKey: { privateKey, publicJwk: encJwk } });
const verifier = new Openid4vpVerifier({ callbacks: cb });

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const nonce = randomBytes(16).toString('base64url');
const state = randomBytes(16).toString('base64url');
const created = await verifier.createOpenId4vpAuthorizationRequest({
  authorizationRequestPayload: {
    response_type: 'vp_token',
    client_id: clientId,
    response_uri: `${base}/response`,
    response_mode: mode,
    nonce,
    state,
    dcql_query: dcqlQuery,
    // TX_DATA: a transaction_data entry (OpenID4VP 1.0 §8.4), which an Amanah wallet must refuse.
    ...(process.env.TX_DATA ? { transaction_data: [Buffer.from(JSON.stringify({ type: 'payment_confirmation', credential_ids: ['pid'], amount: '389.00' })).toString('base64url')] } : {}),
    client_metadata: {
      vp_formats_supported: { 'dc+sd-jwt': { 'sd-jwt_alg_values': ['EdDSA', 'ES256'], 'kb-jwt_alg_values': ['EdDSA', 'ES256'] } },
      ...(mode === 'direct_post.jwt' ? { jwks: { keys: [encJwk] }, encrypted_response_enc_values_supported: ['A128GCM'] } : {}),
    },
  },
  jar: {
    requestUri: `${base}/request`,
    jwtSigner: { method: 'did', didUrl: rpKid, alg: 'EdDSA' },
    expiresInSeconds: 300,
    additionalJwtPayload: { aud: 'https://self-issued.me/v2' },
  },
});
const request = created.authorizationRequestPayload;

let requestFetched = false;
const result = await new Promise((resolve) => {
  server.on('request', async (req, res) => {
    try {
      if (req.method === 'POST' && req.url === '/abort') { // the test: the wallet refused, no response will come
        res.writeHead(204).end();
        resolve({ aborted: true, request_fetched: requestFetched });
        return;
      }
      if (req.method === 'GET' && req.url === '/request') {
        requestFetched = true;
        res.writeHead(200, { 'Content-Type': 'application/oauth-authz-req+jwt' });
        res.end(created.jar.authorizationRequestJwt);
        return;
      }
      if (req.method === 'POST' && req.url === '/response') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const form = Object.fromEntries(new URLSearchParams(body));
        const out = await check(form);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
        resolve(out);
        return;
      }
      res.writeHead(404).end();
    } catch (e) {
      console.error(e);
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: String(e.message) }));
      resolve({ error: String(e.message) });
    }
  });
  writeFileSync(env('URI_FILE'), created.authorizationRequest + '\n');
});
server.close();
console.log(JSON.stringify(result));

async function check(form) {
  const parsed = await verifier.parseOpenid4vpAuthorizationResponse({ authorizationResponse: form, authorizationRequestPayload: request, callbacks: cb });
  if (parsed.type !== 'dcql') throw new Error(`response type ${parsed.type}`);
  const sdjwt = new SDJwtVcInstance({
    hasher: sdHasher,
    verifier: sdVerifier(issuerJwk),
    kbVerifier: async (data, sig, payload) => sdVerifier(payload.cnf.jwk)(data, sig),
  });
  // The credential's status list lives on the Amanah ledger, which this verifier does not read
  // (our verifier checks it, direction (a)): skip @sd-jwt/sd-jwt-vc's status fetch.
  sdjwt.verifyStatus = async () => {};
  const presented = {};
  let kb;
  for (const [id, presentations] of Object.entries(parsed.dcql.presentations)) {
    const v = await sdjwt.verify(presentations[0], { keyBindingNonce: request.nonce, requiredClaimKeys: ['vct', 'iss'] });
    kb = v.kb.payload;
    presented[id] = { credential_format: 'dc+sd-jwt', vct: v.payload.vct, claims: await sdjwt.getClaims(presentations[0]), cryptographic_holder_binding: true };
  }
  const dcqlResult = DcqlPresentationResult.fromDcqlPresentation(presented, { dcqlQuery });
  DcqlPresentationResult.validate(dcqlResult);
  const claims = {};
  for (const name of ['age_over_18', 'given_name', 'family_name', 'birthdate']) {
    if (presented.pid?.claims[name] !== undefined) claims[name] = presented.pid.claims[name];
  }
  return {
    response_mode: mode,
    encrypted: Boolean(parsed.jarm),
    state_matched: parsed.authorizationResponsePayload.state === state,
    query_ids: Object.keys(parsed.dcql.presentations),
    sd_jwt_verified: true,
    kb_nonce: kb.nonce,
    kb_aud: kb.aud,
    nonce: request.nonce,
    client_id: request.client_id,
    dcql_satisfied: dcqlResult.can_be_satisfied,
    claims,
  };
}
