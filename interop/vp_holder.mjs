// Their holder answers our verifier: the @openid4vc/openid4vp client resolves the openid4vp://
// request URI (fetches our signed request object and verifies it against the relying party's
// DID key), dcql evaluates the DCQL query against the wallet's credential, @sd-jwt/sd-jwt-vc
// builds the presentation with a KB-JWT (aud = client_id, nonce = the request's nonce), and the
// client posts the response (direct_post, or direct_post.jwt encrypted to the verifier's key).
//
// Environment: REQUEST_URI, CREDENTIAL (SD-JWT VC, issuance form), HOLDER_JWK (private JWK),
// RP_KID and RP_JWK (the relying party's request-signing key and its public JWK, from the
// ledger), TAMPER (optional: "nonce" or "aud" puts a wrong value in the KB-JWT).
// Prints one JSON line: what was resolved, presented and what the verifier answered.
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { DcqlQuery } from 'dcql';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { callbacks, env, sdHasher, sdSigner } from './vp_common.mjs';

const requestUri = env('REQUEST_URI');
const credential = env('CREDENTIAL');
const holderJwk = JSON.parse(env('HOLDER_JWK'));
const tamper = process.env.TAMPER || '';

const client = new Openid4vpClient({ callbacks: callbacks({ didKeys: { [env('RP_KID')]: JSON.parse(env('RP_JWK')) } }) });
const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: requestUri });
const resolved = await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
const request = resolved.authorizationRequestPayload;

// The DCQL query against the wallet's one credential.
const { signer, alg } = sdSigner(holderJwk);
const sdjwt = new SDJwtVcInstance({ hasher: sdHasher, hashAlg: 'sha-256', kbSigner: signer, kbSignAlg: alg });
const claims = await sdjwt.getClaims(credential);
const query = DcqlQuery.parse(resolved.dcql.query);
DcqlQuery.validate(query);
const queryResult = DcqlQuery.query(query, [{ credential_format: 'dc+sd-jwt', vct: claims.vct, claims, cryptographic_holder_binding: true }]);
if (!queryResult.can_be_satisfied) throw new Error('the DCQL query cannot be satisfied: ' + JSON.stringify(queryResult));

// Disclose exactly the claims each credential query names.
const vpToken = {};
const disclosed = {};
for (const cq of query.credentials) {
  const frame = {};
  for (const c of cq.claims ?? []) frame[c.path[0]] = true;
  disclosed[cq.id] = Object.keys(frame);
  const kb = { aud: resolved.client.effective, nonce: request.nonce, iat: Math.floor(Date.now() / 1000) };
  if (tamper === 'nonce') kb.nonce = 'not-the-request-nonce';
  if (tamper === 'aud') kb.aud = 'decentralized_identifier:did:example:someone-else';
  vpToken[cq.id] = [await sdjwt.present(credential, frame, { kb: { payload: kb } })];
}

const jarm = request.response_mode === 'direct_post.jwt'
  ? { encryption: {}, serverMetadata: { authorization_encryption_alg_values_supported: ['ECDH-ES'], authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'] } }
  : undefined;
const response = await client.createOpenid4vpAuthorizationResponse({ authorizationRequestPayload: request, authorizationResponsePayload: { vp_token: vpToken }, jarm });
const submitted = await client.submitOpenid4vpAuthorizationResponse({ authorizationRequestPayload: request, authorizationResponsePayload: response.authorizationResponsePayload, jarm: response.jarm });
const text = await submitted.response.text();
let body;
try { body = JSON.parse(text); } catch { body = text; }

console.log(JSON.stringify({
  client_id_prefix: resolved.client.prefix,
  client_id: resolved.client.effective,
  signer_did_url: resolved.jar?.signer?.didUrl,
  version: resolved.version,
  response_mode: request.response_mode,
  dcql_satisfied: queryResult.can_be_satisfied,
  disclosed,
  encrypted: Boolean(response.jarm),
  status: submitted.response.status,
  body,
}));
