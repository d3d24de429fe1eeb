// Shared by vp_holder.mjs and vp_verifier.mjs: the callbacks the @openid4vc libraries ask
// for (JOSE with jose, hashing and randomness with node:crypto), and SD-JWT helpers.
import { createHash, randomBytes, sign, createPrivateKey, createPublicKey, verify } from 'node:crypto';
import * as jose from 'jose';
import { setGlobalConfig } from '@openid4vc/utils';

// The test's endpoints are http on loopback.
setGlobalConfig({ allowInsecureUrls: true });

export const b64u = (buf) => Buffer.from(buf).toString('base64url');

export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is required`);
  return v;
}

// callbacks for Openid4vpClient / Openid4vpVerifier. didKeys maps a DID URL to its public JWK
// (the Go test resolves it on the ledger: a did:amanah resolver is not part of these libraries).
export function callbacks({ didKeys = {}, signingKeys = {}, decryptionKey } = {}) {
  const publicJwk = (signer) => {
    if (signer.method === 'did') {
      const jwk = didKeys[signer.didUrl];
      if (!jwk) throw new Error(`unknown DID URL ${signer.didUrl}`);
      return jwk;
    }
    if (signer.method === 'jwk') return signer.publicJwk;
    throw new Error(`unsupported signer method ${signer.method}`);
  };
  return {
    fetch,
    hash: (data, alg) => createHash(String(alg).toLowerCase().replace('-', '')).update(data).digest(),
    generateRandom: (n) => randomBytes(n),
    verifyJwt: async (signer, { compact }) => {
      const jwk = publicJwk(signer);
      try {
        await jose.compactVerify(compact, await jose.importJWK(jwk, signer.alg));
        return { verified: true, signerJwk: jwk };
      } catch (e) {
        console.error('verifyJwt:', e.message);
        return { verified: false, signerJwk: jwk };
      }
    },
    signJwt: async (signer, { header, payload }) => {
      const priv = signingKeys[signer.didUrl];
      if (!priv) throw new Error(`no signing key for ${signer.didUrl}`);
      const jwt = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader(header).sign(await jose.importJWK(priv, signer.alg));
      const { d, ...pub } = priv;
      return { jwt, signerJwk: pub };
    },
    encryptJwe: async (encryptor, data) => {
      const enc = new jose.CompactEncrypt(new TextEncoder().encode(data))
        .setProtectedHeader({ alg: encryptor.alg, enc: encryptor.enc, ...(encryptor.publicJwk.kid ? { kid: encryptor.publicJwk.kid } : {}) });
      const kmp = {};
      if (encryptor.apu) kmp.apu = Buffer.from(encryptor.apu, 'base64url');
      if (encryptor.apv) kmp.apv = Buffer.from(encryptor.apv, 'base64url');
      if (Object.keys(kmp).length) enc.setKeyManagementParameters(kmp);
      const jwe = await enc.encrypt(await jose.importJWK(encryptor.publicJwk, encryptor.alg));
      return { jwe, encryptionJwk: encryptor.publicJwk };
    },
    decryptJwe: async (jwe) => {
      if (!decryptionKey) return { decrypted: false };
      try {
        const { plaintext } = await jose.compactDecrypt(jwe, decryptionKey.privateKey);
        return { decrypted: true, decryptionJwk: decryptionKey.publicJwk, payload: new TextDecoder().decode(plaintext) };
      } catch (e) {
        console.error('decryptJwe:', e.message);
        return { decrypted: false };
      }
    },
  };
}

// SD-JWT signer and verifier functions for @sd-jwt (EdDSA with Ed25519, ES256 with P-256).
export function sdSigner(privateJwk) {
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const alg = privateJwk.kty === 'OKP' ? 'EdDSA' : 'ES256';
  return {
    alg,
    signer: async (data) => b64u(sign(alg === 'EdDSA' ? null : 'sha256', Buffer.from(data), alg === 'EdDSA' ? key : { key, dsaEncoding: 'ieee-p1363' })),
  };
}

export function sdVerifier(publicJwk) {
  const key = createPublicKey({ key: publicJwk, format: 'jwk' });
  const eddsa = publicJwk.kty === 'OKP';
  return async (data, sig) => verify(eddsa ? null : 'sha256', Buffer.from(data), eddsa ? key : { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
}

export const sdHasher = (data, alg) => createHash(String(alg || 'sha-256').toLowerCase().replace('-', '')).update(data).digest();
