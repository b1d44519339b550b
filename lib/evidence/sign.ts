// Signatures over SHA256SUMS with node:crypto only. ECDSA P-256 (DER, SHA-256) and Ed25519 (pure)
// verify with plain openssl; HMAC-SHA256 is an integrity check, never called a signature: whoever can
// check it holds the key and can forge it.
import { createHmac, createPublicKey, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { SigningKey } from '../config/signing.js';
import { HMAC_FILE, PUBLIC_KEY, SIGNATURE, sha256Hex } from './files.js';
import type { ManifestSignature, SignatureAlgorithm } from './manifest.js';

const NOTES: Record<SignatureAlgorithm, string> = {
  'ecdsa-p256-sha256': 'ECDSA P-256 signature (SHA-256, DER) over SHA256SUMS; check the key fingerprint against the one you trust',
  ed25519: 'Ed25519 signature over SHA256SUMS; check the key fingerprint against the one you trust',
  'hmac-sha256': 'HMAC-SHA256 over SHA256SUMS: an integrity check for a closed system, NOT a signature (anyone who can check it holds the key and could forge it)',
};

export function algorithmOf(method: SigningKey['method']): SignatureAlgorithm {
  return method === 'hmac' ? 'hmac-sha256' : method === 'ed25519' ? 'ed25519' : 'ecdsa-p256-sha256';
}

/** sha256 (hex) of the DER SubjectPublicKeyInfo: `openssl pkey -pubin -in key.pem -outform DER | sha256sum`. */
export function publicKeyFingerprint(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}

/** Identifies an HMAC key without revealing it: HMAC(key, this label). */
export function hmacKeyId(key: Uint8Array): string {
  return createHmac('sha256', key).update('llm-report hmac key id v1').digest('hex');
}

export function publicKeyPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** What manifest.json and report.json say about the seal; known before anything is signed. */
export function describeSeal(key: SigningKey): ManifestSignature {
  const algorithm = algorithmOf(key.method);
  if (key.method === 'hmac') return { algorithm, file: HMAC_FILE, key_fingerprint: hmacKeyId(key.key), note: NOTES[algorithm] };
  return { algorithm, file: SIGNATURE, public_key: PUBLIC_KEY, key_fingerprint: publicKeyFingerprint(createPublicKey(key.key)), note: NOTES[algorithm] };
}

/** The detached file's bytes: the raw signature, or the HMAC as hex plus newline. */
export function signSums(key: SigningKey, sums: Uint8Array): Buffer {
  if (key.method === 'hmac') return Buffer.from(createHmac('sha256', key.key).update(sums).digest('hex') + '\n');
  return key.method === 'ed25519' ? sign(null, sums, key.key) : sign('sha256', sums, key.key);
}

export type SignatureCheck = { ok: true; fingerprint: string } | { ok: false; file: string; reason: string };

/** Checks an asymmetric signature with the public key PEM; names the file at fault. */
export function verifySignature(algorithm: SignatureAlgorithm, sums: Uint8Array, signature: Uint8Array, pem: Uint8Array, pemName: string): SignatureCheck {
  let pub: KeyObject;
  try {
    pub = createPublicKey({ key: Buffer.from(pem), format: 'pem' });
  } catch (err) {
    return { ok: false, file: pemName, reason: `not a PEM public key (${(err as Error).message})` };
  }
  const type = pub.asymmetricKeyType;
  const expected = algorithm === 'ed25519' ? type === 'ed25519' : type === 'ec' && pub.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (!expected) return { ok: false, file: pemName, reason: `holds a ${type ?? 'unknown'} key, not one for ${algorithm}` };
  let good = false;
  try {
    good = algorithm === 'ed25519' ? verify(null, sums, pub, signature) : verify('sha256', sums, pub, signature);
  } catch {
    good = false; // a malformed DER signature is simply a bad signature
  }
  return good ? { ok: true, fingerprint: publicKeyFingerprint(pub) } : { ok: false, file: SIGNATURE, reason: 'the signature does not verify over SHA256SUMS' };
}

export function verifyHmac(key: Uint8Array, sums: Uint8Array, file: Uint8Array): boolean {
  const want = Buffer.from(createHmac('sha256', key).update(sums).digest('hex') + '\n');
  return file.length === want.length && timingSafeEqual(Buffer.from(file), want);
}
