// Helpers of the interop scripts that a third-party verifier needs and that are not part of the
// OpenWallet Foundation libraries: resolving an Amanah issuer key from a node's DID resolution
// endpoint (GET /1.0/identifiers/{did}, Universal Resolver driver shape), turning it into a
// signature verifier for @sd-jwt/*, and fetching + verifying an IETF Token Status List token.
// Nothing here trusts Amanah code: keys come from the DID document the node serves.
import crypto from 'node:crypto'
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose'
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list'

// fail throws: the script ends with the message on stderr and exit code 1 (runNode reports both).
export function fail(msg) {
  throw new Error(msg)
}

export function env(name) {
  const v = process.env[name]
  if (!v) fail(`environment variable ${name} is required`)
  return v
}

// fetchWithTimeout fetches with a deadline (10 s) and returns the response.
export async function fetchWithTimeout(url, init = {}) {
  const ac = new AbortController()
  const t = setTimeout(() => ac.abort(), 10_000)
  try {
    return await fetch(url, { ...init, signal: ac.signal })
  } finally {
    clearTimeout(t)
  }
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

function base58btcDecode(s) {
  let n = 0n
  for (const c of s) {
    const d = B58.indexOf(c)
    if (d < 0) fail(`invalid base58btc character ${JSON.stringify(c)}`)
    n = n * 58n + BigInt(d)
  }
  const bytes = []
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn))
    n >>= 8n
  }
  for (const c of s) {
    if (c !== '1') break
    bytes.unshift(0)
  }
  return Uint8Array.from(bytes)
}

// multikeyToJwk converts a Multikey publicKeyMultibase (base58btc, multicodec ed25519-pub 0xed01
// or p256-pub 0x8024) to a public JWK.
export function multikeyToJwk(mb) {
  if (!mb.startsWith('z')) fail(`publicKeyMultibase ${mb} is not base58btc`)
  const b = base58btcDecode(mb.slice(1))
  if (b[0] === 0xed && b[1] === 0x01 && b.length === 34) {
    return { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(b.slice(2)).toString('base64url') }
  }
  if (b[0] === 0x80 && b[1] === 0x24 && b.length === 35) {
    // SPKI of a compressed P-256 point; node:crypto decompresses it.
    const spki = Buffer.concat([Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'), Buffer.from(b.slice(2))])
    return crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' })
  }
  fail(`publicKeyMultibase ${mb}: unsupported multicodec ${b[0].toString(16)} ${b[1].toString(16)}`)
}

function algOf(jwk) {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256'
  fail(`unsupported key ${jwk.kty}/${jwk.crv}`)
}

// resolveAssertionKey resolves the DID of kid (a DID URL) at the node's resolver base URL and
// returns the key of that verification method, which must be one of the document's
// assertionMethod keys: {did, kid, jwk, alg, document}.
export async function resolveAssertionKey(resolverBase, kid) {
  const hash = kid.indexOf('#')
  if (!kid.startsWith('did:') || hash < 0) fail(`kid ${kid} is not a DID URL`)
  const did = kid.slice(0, hash)
  const url = `${resolverBase.replace(/\/$/, '')}/1.0/identifiers/${encodeURIComponent(did)}`
  const res = await fetchWithTimeout(url, { headers: { Accept: 'application/did-resolution+json' } })
  const body = await res.text()
  if (!res.ok) fail(`resolve ${did}: HTTP ${res.status} ${body}`)
  const result = JSON.parse(body)
  const doc = result.didDocument
  if (!doc || doc.id !== did) fail(`resolve ${did}: no DID document for it in ${body.slice(0, 300)}`)
  const abs = (id) => (id.startsWith('#') ? did + id : id)
  const inAssertion = (doc.assertionMethod || []).some((m) => abs(typeof m === 'string' ? m : m.id) === kid)
  if (!inAssertion) fail(`${kid} is not an assertionMethod of ${did}`)
  const vms = [...(doc.verificationMethod || []), ...(doc.assertionMethod || []).filter((m) => typeof m === 'object')]
  const vm = vms.find((m) => abs(m.id) === kid)
  if (!vm) fail(`${kid}: no such verification method in the document of ${did}`)
  const jwk = vm.publicKeyJwk ? vm.publicKeyJwk : vm.publicKeyMultibase ? multikeyToJwk(vm.publicKeyMultibase) : fail(`${kid}: no public key`)
  return { did, kid, jwk, alg: algOf(jwk), document: doc, resolutionMetadata: result.didResolutionMetadata }
}

// signatureVerifier returns an @sd-jwt Verifier (data, base64url signature) => boolean for one
// public JWK. It checks the signature only; which key is the right one is the caller's choice.
export function signatureVerifier(jwk) {
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' })
  const alg = algOf(jwk)
  return async (data, sig) => {
    const s = Buffer.from(sig, 'base64url')
    if (alg === 'EdDSA') return crypto.verify(null, Buffer.from(data), key, s)
    return crypto.verify('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }, s)
  }
}

// fetchStatus fetches the status list token at uri as a third-party relying party does (IETF
// Token Status List: Accept application/statuslist+jwt), verifies it with the key its kid names
// (resolved from the node) and the issuer's DID, checks typ, sub, iat, exp and ttl, and
// returns the status at idx as read by @sd-jwt/jwt-status-list.
export async function fetchStatus(resolverBase, uri, idx, issuerDid) {
  const res = await fetchWithTimeout(uri, { headers: { Accept: 'application/statuslist+jwt' } })
  const body = (await res.text()).trim()
  if (!res.ok) fail(`GET ${uri}: HTTP ${res.status} ${body}`)
  const ctype = res.headers.get('content-type') || ''
  if (!ctype.startsWith('application/statuslist+jwt')) fail(`GET ${uri}: content type ${ctype}, want application/statuslist+jwt`)
  const hdr = decodeProtectedHeader(body)
  if (hdr.typ !== 'statuslist+jwt') fail(`status list token typ ${hdr.typ}, want statuslist+jwt`)
  if (!hdr.kid || !hdr.kid.startsWith(issuerDid + '#')) fail(`status list token kid ${hdr.kid} is not a key of ${issuerDid}`)
  const k = await resolveAssertionKey(resolverBase, hdr.kid)
  if (hdr.alg !== k.alg) fail(`status list token alg ${hdr.alg} does not match the ${k.alg} key ${hdr.kid}`)
  const { payload } = await compactVerify(body, await importJWK(k.jwk, k.alg), { algorithms: [k.alg] })
  const claims = JSON.parse(Buffer.from(payload).toString('utf8'))
  const now = Math.floor(Date.now() / 1000)
  if (claims.sub !== uri) fail(`status list token sub ${claims.sub}, want the URI ${uri}`)
  if (typeof claims.iat !== 'number' || claims.iat > now + 60) fail(`status list token iat ${claims.iat} missing or in the future`)
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp <= now)) fail(`status list token expired (exp ${claims.exp})`)
  if (claims.exp === undefined && claims.ttl === undefined) fail('status list token has neither exp nor ttl')
  if (claims.ttl !== undefined && !(Number.isInteger(claims.ttl) && claims.ttl > 0)) fail(`status list token ttl ${claims.ttl} is not a positive integer`)
  if (claims.iss !== undefined && claims.iss !== issuerDid) fail(`status list token iss ${claims.iss}, want ${issuerDid}`)
  const list = getListFromStatusListJWT(body)
  return {
    idx,
    uri,
    status: list.getStatus(idx),
    bits: list.getBitsPerStatus(),
    kid: hdr.kid,
    alg: hdr.alg,
    content_type: ctype,
    iat: claims.iat,
    exp: claims.exp,
    ttl: claims.ttl,
    sub: claims.sub,
  }
}
