// A third-party wallet receives a batch from amanah-issuer over OpenID4VCI 1.0, and a
// third-party verifier checks one of its credentials (interop/vci_test.go runs this script).
//
//   @openid4vc/openid4vci (the wallet): resolves the credential offer (by reference), reads the
//     issuer and authorization server metadata, redeems the pre-authorized code with the
//     tx_code, fetches a c_nonce, builds one jwt key proof per holder key (batch_size keys) and
//     receives the batch.
//   @sd-jwt/sd-jwt-vc (the verifier): verifies a credential with the issuer key resolved from
//     the node's DID resolution endpoint (kid = DID URL of an assertionMethod key), including
//     its own status list check, and a presentation with a key binding JWT by the holder key.
//   @sd-jwt/jwt-status-list: reads each credential's status in the status list token at its
//     status_list.uri (signature, typ, sub, iat, exp/ttl checked in lib/amanah.mjs).
//
// Environment: OFFER_URI, TX_CODE (optional), WRONG_TX_CODE (optional: tried once first),
// RESOLVER_URL (node REST base URL), STATE_FILE (where the batch and the holder keys are kept
// for vci_status.mjs), EXPECT_CREDENTIAL_ERROR (probe: report the credential endpoint's error
// and stop). Prints one JSON line.
import fs from 'node:fs'
import crypto from 'node:crypto'
import { Openid4vciClient, setGlobalConfig } from '@openid4vc/openid4vci'
import { clientAuthenticationAnonymous, calculateJwkThumbprint, HashAlgorithm } from '@openid4vc/oauth2'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs'
import { env, fail, fetchWithTimeout, resolveAssertionKey, signatureVerifier, fetchStatus } from './lib/amanah.mjs'

// The test serves everything on http://127.0.0.1: the libraries refuse plain http otherwise.
setGlobalConfig({ allowInsecureUrls: true })

const offerUri = env('OFFER_URI')
const txCode = process.env.TX_CODE || undefined
const resolver = env('RESOLVER_URL')
const stateFile = env('STATE_FILE')
const b64u = (x) => Buffer.from(x).toString('base64url')

// Holder keys: ES256, generated here, one per credential.
const holderKeys = new Map() // thumbprint -> private JWK
const hash = (data, alg) => {
  if (alg !== HashAlgorithm.Sha256) fail(`hash ${alg} not supported`)
  return new Uint8Array(crypto.createHash('sha256').update(data).digest())
}
const thumb = (jwk) => calculateJwkThumbprint({ jwk, hashAlgorithm: HashAlgorithm.Sha256, hashCallback: hash })

const client = new Openid4vciClient({
  callbacks: {
    hash,
    generateRandom: (n) => new Uint8Array(crypto.randomBytes(n)),
    clientAuthentication: clientAuthenticationAnonymous(),
    fetch: (url, init) => fetch(url, init),
    signJwt: async (signer, { header, payload }) => {
      if (signer.method !== 'jwk') fail(`signJwt: signer method ${signer.method} not used by this wallet`)
      const priv = holderKeys.get(await thumb(signer.publicJwk))
      if (!priv) fail('signJwt: unknown holder key')
      const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`
      const sig = await (await ES256.getSigner(priv))(input)
      return { jwt: `${input}.${sig}`, signerJwk: signer.publicJwk }
    },
  },
})

// 1. The offer and the metadata.
const credentialOffer = await client.resolveCredentialOffer(offerUri)
const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer)
const ci = issuerMetadata.credentialIssuer
const configId = credentialOffer.credential_configuration_ids[0]
const config = ci.credential_configurations_supported[configId]
if (!config) fail(`offered configuration ${configId} not in the issuer metadata`)
const batchSize = ci.batch_credential_issuance?.batch_size
if (!Number.isInteger(batchSize) || batchSize < 1) fail(`issuer metadata has no batch_credential_issuance.batch_size: ${JSON.stringify(ci)}`)
const grant = credentialOffer.grants?.['urn:ietf:params:oauth:grant-type:pre-authorized_code']

// errorOf runs f, which must fail, and returns the OAuth / OpenID4VCI error code the library
// read from our error response (or its message when it read none).
async function errorOf(f) {
  try {
    await f()
  } catch (e) {
    const code = e.errorResponse?.error ?? e.response?.credentialErrorResponseResult?.data?.error
    const status = e.response?.status ?? e.response?.response?.status
    return { code: code ?? null, status: status ?? null, www_authenticate: e.response?.wwwAuthenticate?.[0]?.scheme ?? null, message: String(e.message).slice(0, 300) }
  }
  fail('expected a failure, got a success')
}

// 2. Token (pre-authorized code + tx_code), nonce. With WRONG_TX_CODE, one wrong attempt first
// (the offer allows 3): the library must read invalid_grant from our token error response.
const wrongTxCode = process.env.WRONG_TX_CODE
  ? await errorOf(() => client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata, txCode: process.env.WRONG_TX_CODE }))
  : null
const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata, txCode })
const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata })

// 3. One key proof per holder key, the whole batch in one credential request.
const publicJwks = []
const proofs = []
for (let i = 0; i < batchSize; i++) {
  const { publicKey, privateKey } = await ES256.generateKeyPair()
  const pub = { kty: publicKey.kty, crv: publicKey.crv, x: publicKey.x, y: publicKey.y }
  holderKeys.set(await thumb(pub), privateKey)
  publicJwks.push(pub)
  const { jwt } = await client.createCredentialRequestJwtProof({ issuerMetadata, credentialConfigurationId: configId, nonce, signer: { method: 'jwk', alg: 'ES256', publicJwk: pub } })
  proofs.push(jwt)
}
// A request whose proofs carry a nonce we never got: invalid_nonce, and the token stays usable.
const { jwt: badProof } = await client.createCredentialRequestJwtProof({ issuerMetadata, credentialConfigurationId: configId, nonce: 'not-a-nonce-of-this-issuer', signer: { method: 'jwk', alg: 'ES256', publicJwk: publicJwks[0] } })
const badNonce = await errorOf(() => client.retrieveCredentials({ issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: configId, proofs: { jwt: [badProof] } }))
const proofHeader = JSON.parse(Buffer.from(proofs[0].split('.')[0], 'base64url'))
if (process.env.EXPECT_CREDENTIAL_ERROR) {
  // Probe mode (the offer is for fewer credentials than the metadata's batch_size, which a
  // wallet cannot see): report what the issuer answers to a standard batch_size request.
  const e = await errorOf(() => client.retrieveCredentials({ issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: configId, proofs: { jwt: proofs } }))
  console.log(JSON.stringify({ batch_size: batchSize, proofs: proofs.length, credential_error: e }))
  process.exit(0)
}
const creds = await client.retrieveCredentials({ issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: configId, proofs: { jwt: proofs } })
const issued = (creds.credentialResponse.credentials || []).map((c) => c.credential)
// The access token is spent with its batch: a second request is refused.
const { c_nonce: nonce2 } = await client.requestNonce({ issuerMetadata })
const { jwt: again } = await client.createCredentialRequestJwtProof({ issuerMetadata, credentialConfigurationId: configId, nonce: nonce2, signer: { method: 'jwk', alg: 'ES256', publicJwk: publicJwks[0] } })
const reusedToken = await errorOf(() => client.retrieveCredentials({ issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: configId, proofs: { jwt: [again] } }))

// 4. What each credential carries: holder key, status reference, salts, signature.
const sdjwt = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt })
const items = []
for (const [i, raw] of issued.entries()) {
  if (typeof raw !== 'string') fail(`credential ${i} is not a compact SD-JWT: ${JSON.stringify(raw).slice(0, 200)}`)
  const d = await sdjwt.decode(raw)
  const cnf = d.jwt.payload.cnf?.jwk
  items.push({
    holder_thumbprint: cnf ? await thumb(cnf) : '',
    holder_is_proof_key: cnf ? (await thumb(cnf)) === (await thumb(publicJwks[i])) : false,
    status_idx: d.jwt.payload.status?.status_list?.idx,
    status_uri: d.jwt.payload.status?.status_list?.uri,
    salts: d.disclosures.map((x) => x.salt),
    digests: d.disclosures.map((x) => x._digest),
    signature: d.jwt.signature,
    kid: d.jwt.header.kid,
    iat: d.jwt.payload.iat ?? null,
    nbf: d.jwt.payload.nbf ?? null,
    exp: d.jwt.payload.exp ?? null,
    typ: d.jwt.header.typ,
    alg: d.jwt.header.alg,
  })
}

// 5. Verify one credential as a third-party verifier: the issuer key from the node's DID
// resolution endpoint, sd-jwt-vc's own status check (it fetches the status list token), then
// a presentation with a key binding JWT by the holder key.
const first = await sdjwt.decode(issued[0])
const key = await resolveAssertionKey(resolver, first.jwt.header.kid)
if (first.jwt.payload.iss !== key.did) fail(`iss ${first.jwt.payload.iss} is not the DID of kid ${key.kid}`)
if (first.jwt.header.alg !== key.alg) fail(`credential alg ${first.jwt.header.alg} does not match the ${key.alg} key`)
const verifier = signatureVerifier(key.jwk)
const kbVerifier = async (data, sig, payload) => (await ES256.getVerifier(payload.cnf.jwk))(data, sig)
const holder0 = holderKeys.get(items[0].holder_thumbprint)
const vcVerifier = new SDJwtVcInstance({
  hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt,
  verifier, kbVerifier, kbSigner: await ES256.getSigner(holder0), kbSignAlg: 'ES256',
})
const verified = await vcVerifier.verify(issued[0])
const claims = await vcVerifier.getClaims(issued[0])
const kbNonce = b64u(crypto.randomBytes(16))
const presentation = await vcVerifier.present(issued[0], { given_name: true, age_over_18: true },
  { kb: { payload: { aud: 'https://bank.example', nonce: kbNonce, iat: Math.floor(Date.now() / 1000) } } })
const shown = await vcVerifier.verify(presentation, { keyBindingNonce: kbNonce, requiredClaimKeys: ['given_name'] })
const shownClaims = await vcVerifier.getClaims(presentation)

// 6. Type metadata (SD-JWT VC section 6): sd-jwt-vc resolves the vct and checks the document.
// The vct (https://amanah.gov.example/...) is not reachable from the test: the fetcher maps its
// path onto the node (every node serves the type metadata at the vct URL's path) and checks
// vct#integrity as W3C SRI defines it (sha256-<base64>). What the library's own integrity check says about the
// same bytes is recorded separately (docs/interop.md: it compares hex).
const sri = (bytes) => 'sha256-' + crypto.createHash('sha256').update(bytes).digest('base64')
let libraryIntegrity = null
const vctFetcher = async (uri, integrity) => {
  const res = await fetchWithTimeout(resolver.replace(/\/$/, '') + new URL(uri).pathname)
  if (!res.ok) fail(`type metadata of ${uri}: HTTP ${res.status}`)
  const bytes = Buffer.from(await res.arrayBuffer())
  if (integrity && sri(bytes) !== integrity) fail(`type metadata of ${uri}: vct#integrity ${integrity}, document hashes to ${sri(bytes)}`)
  try {
    await vcVerifier.validateIntegrity(new Response(bytes), uri, integrity)
    libraryIntegrity = { ok: true }
  } catch (e) {
    libraryIntegrity = { ok: false, error: String(e.message).slice(0, 300) }
  }
  return JSON.parse(bytes.toString('utf8'))
}
const tmVerifier = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', verifier, vctFetcher, loadTypeMetadataFormat: true })
const withType = await tmVerifier.verify(issued[0])
const tm = withType.typeMetadata?.mergedTypeMetadata

// 7. Each credential's status through @sd-jwt/jwt-status-list.
const statuses = []
for (const it of items) statuses.push(await fetchStatus(resolver, it.status_uri, it.status_idx, key.did))

fs.writeFileSync(stateFile, JSON.stringify({ issuer_did: key.did, credentials: issued, holder_keys: items.map((it) => holderKeys.get(it.holder_thumbprint)) }), { mode: 0o600 })

console.log(JSON.stringify({
  offer: { credential_issuer: credentialOffer.credential_issuer, configuration_id: configId, tx_code: grant?.tx_code ?? null },
  metadata: { format: config.format, vct: config.vct, batch_size: batchSize, nonce_endpoint: ci.nonce_endpoint,
    token_endpoint: issuerMetadata.authorizationServers?.[0]?.token_endpoint, proof_algs: config.proof_types_supported?.jwt?.proof_signing_alg_values_supported },
  token_type: accessTokenResponse.token_type,
  proof: { count: proofs.length, typ: proofHeader.typ, alg: proofHeader.alg, has_jwk: !!proofHeader.jwk },
  count: issued.length,
  credentials: items,
  verify: {
    ok: true, kid: key.kid, did: key.did, key_alg: key.alg, header_typ: verified.header?.typ, iss: verified.payload.iss, vct: verified.payload.vct,
    vct_integrity: verified.payload['vct#integrity'] ?? null, exp: verified.payload.exp, claims,
  },
  presentation: { ok: !!shown.kb, kb_aud: shown.kb?.payload.aud, kb_typ: shown.kb?.header.typ, claims: shownClaims },
  type_metadata: tm ? { vct: tm.vct, name: tm.name, display: tm.display?.[0]?.name ?? null, claims: (tm.claims || []).map((c) => ({ path: c.path, sd: c.sd ?? null, label: c.display?.[0]?.label ?? null })) } : null,
  library_integrity_check: libraryIntegrity,
  errors: { wrong_tx_code: wrongTxCode, bad_nonce: badNonce, reused_token: reusedToken },
  statuses,
}))
