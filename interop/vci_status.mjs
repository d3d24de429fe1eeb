// A third-party verifier checks the status of the batch vci_wallet.mjs received (run again by
// interop/vci_test.go after the issuer revoked the batch): @sd-jwt/jwt-status-list reads each
// credential's entry in the status list token at its status_list.uri (the token verified with
// the issuer key resolved from the node), and @sd-jwt/sd-jwt-vc's verify() (which runs its own
// status check) says whether it still accepts the first credential.
//
// Environment: STATE_FILE (written by vci_wallet.mjs), RESOLVER_URL. Prints one JSON line.
import fs from 'node:fs'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs'
import { env, resolveAssertionKey, signatureVerifier, fetchStatus } from './lib/amanah.mjs'

const resolver = env('RESOLVER_URL')
const state = JSON.parse(fs.readFileSync(env('STATE_FILE'), 'utf8'))
const sdjwt = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt })

const statuses = []
for (const raw of state.credentials) {
  const d = await sdjwt.decode(raw)
  const ref = d.jwt.payload.status.status_list
  statuses.push(await fetchStatus(resolver, ref.uri, ref.idx, state.issuer_did))
}

const first = await sdjwt.decode(state.credentials[0])
const key = await resolveAssertionKey(resolver, first.jwt.header.kid)
const vc = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt, verifier: signatureVerifier(key.jwk) })
let sdjwtvc
try {
  await vc.verify(state.credentials[0])
  sdjwtvc = { ok: true }
} catch (e) {
  sdjwtvc = { ok: false, error: String(e.message || e) }
}

console.log(JSON.stringify({ statuses, sdjwtvc_verify: sdjwtvc }))
