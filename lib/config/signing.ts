// Key material that seals an evidence set (option group `signing`). Read here because only lib/config
// reads the environment; the key stays inside the returned object and no message ever quotes it.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.js';
import type { Config } from './types.js';

/** RFC 2104 advises at least the hash length; 16 bytes is the floor we accept. */
export const MIN_HMAC_KEY_BYTES = 16;

export type SigningKey =
  | { method: 'hmac'; key: Buffer; source: string }
  | { method: 'ed25519' | 'ecdsa-p256'; key: KeyObject; source: string };

function privateKey(pem: string, source: string, method: 'ed25519' | 'ecdsa-p256'): KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem)) {
    throw new ConfigError(`signing: ${source} holds an encrypted private key; give an unencrypted PKCS#8 or SEC1 PEM (keep it out of the repository)`, { key: 'signing.key_file' });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    // The crypto error names the decoder failure, never the key bytes.
    throw new ConfigError(`signing: ${source} is not a PEM private key: ${(err as Error).message}`, { key: 'signing.key_file' });
  }
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const ok = method === 'ed25519' ? type === 'ed25519' : type === 'ec' && curve === 'prime256v1';
  if (!ok) {
    const got = type === 'ec' ? `an EC key on ${curve ?? 'an unknown curve'}` : `a key of type ${type ?? 'unknown'}`;
    const want = method === 'ed25519' ? 'an Ed25519 key (openssl genpkey -algorithm ed25519)' : 'an EC P-256 key (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)';
    throw new ConfigError(`signing: ${source} holds ${got}, but signing.method "${method}" needs ${want}`, { key: 'signing.method' });
  }
  return key;
}

/** The configured key, or undefined for method "none". Throws a ConfigError naming what is missing. */
export function readSigningKey(signing: Config['signing'], opts: { cwd: string; env?: NodeJS.ProcessEnv }): SigningKey | undefined {
  const env = opts.env ?? process.env;
  const { method } = signing;
  if (method === 'none') return undefined;
  if (method === 'hmac') {
    if (!signing.key_env) throw new ConfigError('signing: method "hmac" needs signing.key_env, the NAME of the variable holding the key', { key: 'signing.key_env' });
    const value = env[signing.key_env];
    const source = `environment variable ${signing.key_env}`;
    if (value === undefined || value === '') throw new ConfigError(`signing: ${source} (signing.key_env) is unset or empty`, { key: 'signing.key_env' });
    const key = Buffer.from(value, 'utf8');
    if (key.length < MIN_HMAC_KEY_BYTES) throw new ConfigError(`signing: the HMAC key in ${source} has ${key.length} bytes; use at least ${MIN_HMAC_KEY_BYTES} (e.g. openssl rand -hex 32)`, { key: 'signing.key_env' });
    return { method, key, source };
  }
  if (signing.key_file) {
    const abs = path.resolve(opts.cwd, signing.key_file);
    let pem: string;
    try {
      pem = readFileSync(abs, 'utf8');
    } catch (err) {
      throw new ConfigError(`signing: cannot read signing.key_file ${signing.key_file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { key: 'signing.key_file' });
    }
    return { method, key: privateKey(pem, `key file ${signing.key_file}`, method), source: `key file ${signing.key_file}` };
  }
  if (signing.key_env) {
    const value = env[signing.key_env];
    const source = `environment variable ${signing.key_env}`;
    if (value === undefined || value === '') throw new ConfigError(`signing: ${source} (signing.key_env) is unset or empty`, { key: 'signing.key_env' });
    return { method, key: privateKey(value, source, method), source };
  }
  throw new ConfigError(`signing: method "${method}" needs signing.key_file (a PEM private key) or signing.key_env`, { key: 'signing.key_file' });
}

/** The HMAC key for verifying, from the variable NAMED by the caller (never printed). */
export function hmacKeyFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : Buffer.from(v, 'utf8');
}
