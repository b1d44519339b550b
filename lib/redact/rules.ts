// Built-in redaction rules, in the order they run (after exact env values, before user patterns).
// Quantifiers are bounded (or, in the PEM body, consume at least two characters per repetition),
// every rule has a keyword prefilter, and rules whose body could be re-entered from many start
// positions anchor their start so scans never overlap: no ReDoS (test/redact.test.ts times them).
import { marker, MARKER_SOURCE } from './marker.js';

export interface Rule {
  id: string;
  /** Lower-case strings, one of which must occur (case-insensitively) for the rule to run at all. */
  keywords?: readonly string[];
  /** Like keywords, but case-sensitive. */
  exactKeywords?: readonly string[];
  apply(text: string): string;
}

interface RegexRuleSpec {
  id: string;
  re: RegExp;
  keywords?: readonly string[];
  exactKeywords?: readonly string[];
  /** Capture groups that may hold the secret (the first one set wins); it always ends the match. Default: the whole match. */
  secret?: readonly number[];
  /** Rejects a candidate (false) or renames its rule (a string). */
  check?: (secret: string, m: RegExpExecArray) => boolean | string;
}

/**
 * A rule from a global regex. Everything in the match before the secret (a header name,
 * "password=") is kept. Numbered groups and an exec loop: named groups cost an object per match.
 */
function regexRule(spec: RegexRuleSpec): Rule {
  const { re } = spec;
  return {
    id: spec.id,
    keywords: spec.keywords,
    exactKeywords: spec.exactKeywords,
    apply(text) {
      let out = '';
      let pos = 0;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const matchEnd = m.index + m[0].length;
        let secret = m[0];
        for (const g of spec.secret ?? []) {
          if (m[g] !== undefined) {
            secret = m[g];
            break;
          }
        }
        const secretStart = matchEnd - secret.length;
        const verdict = spec.check ? spec.check(secret, m) : true;
        if (verdict === false) {
          // A rejected value can still hold a secret ("secretary: password=x"): rescan from it.
          // A rejected whole-match token is skipped, so dense near-misses stay linear.
          if (secretStart > m.index) re.lastIndex = secretStart;
          continue;
        }
        out += text.slice(pos, secretStart) + marker(typeof verdict === 'string' ? verdict : spec.id);
        pos = matchEnd;
      }
      return pos === 0 ? text : out + text.slice(pos);
    },
  };
}

const NOT_REDACTED = '(?!\\[REDACTED:)';

/** PEM private key blocks, whole; a block cut off before its END line loses its base64 body too. */
function privateKeyRule(): Rule {
  // Lazy labels: a greedy one would run on through "-----END RSA PRIVATE KEY----------BEGIN RSA PRIVATE KEY-----".
  const begin = /-----BEGIN[ A-Z0-9_-]{0,100}?PRIVATE KEY(?: BLOCK)?-----/g;
  const end = /-----END[ A-Z0-9_-]{0,100}?PRIVATE KEY(?: BLOCK)?-----/g;
  const nl = '(?:\\r?\\n|\\\\r?\\\\n)[ \\t]{0,8}';
  const body = new RegExp(`(?:${nl}[A-Za-z-]{1,40}:[^\\r\\n]{0,200}|${nl}[A-Za-z0-9+/=]{1,256}|[ \\t]{1,8}[A-Za-z0-9+/=]{16,256})*`, 'y');
  return {
    id: 'private-key',
    keywords: ['private key'],
    apply(text) {
      let out = '';
      let pos = 0;
      let noEnd = false; // once no END follows a BEGIN, none follows a later one: stop searching (linear)
      begin.lastIndex = 0;
      for (let m = begin.exec(text); m; m = begin.exec(text)) {
        let stop = -1;
        if (!noEnd) {
          end.lastIndex = m.index + m[0].length;
          const e = end.exec(text);
          if (e) stop = e.index + e[0].length;
          else noEnd = true;
        }
        if (stop < 0) {
          body.lastIndex = m.index + m[0].length;
          body.exec(text);
          stop = body.lastIndex;
        }
        out += text.slice(pos, m.index) + marker('private-key');
        pos = stop;
        begin.lastIndex = stop;
      }
      return pos === 0 ? text : out + text.slice(pos);
    },
  };
}

const ASSIGN = '(?:\\\\?["\'])?[ \\t]{0,5}(?:=>|:=|[:=])[ \\t]{0,5}';

/** A value after "key: " / "key=": double-, single-, escaped-quoted or bare. Never a marker. */
const VALUE =
  `(?:"${NOT_REDACTED}((?:[^"\\\\\\r\\n]|\\\\.){1,500})` +
  `|'${NOT_REDACTED}((?:[^'\\\\\\r\\n]|\\\\.){1,500})` +
  `|\\\\["']${NOT_REDACTED}([^"'\\\\\\r\\n]{1,500})` +
  `|${NOT_REDACTED}([^\\s"'\`,;&)}\\[\\]\\\\<>]{1,500}))`;

const STOPWORDS = new Set([
  'true', 'false', 'null', 'undefined', 'none', 'nil', 'yes', 'no', 'required', 'optional', 'string',
  'number', 'boolean', 'object', 'function', 'redacted', 'hidden', 'masked', 'missing', 'empty', 'unset', 'invalid',
]);

/** Values that are placeholders or references rather than secrets. */
function looksLikeValue(v: string): boolean {
  if (v.length < 3) return false;
  if (/^[\d:.]+$/.test(v)) return false; // counts, ports, file:line:column
  if (STOPWORDS.has(v.toLowerCase())) return false;
  if (/^(?:\$|%|\{\{|<|process\.env\b|env\.)/.test(v)) return false;
  if (/^(.)\1*$/s.test(v)) return false; // "****", "xxxxxx"
  return true;
}

function basicCredentials(b64: string): boolean {
  const decoded = Buffer.from(b64, 'base64').toString('latin1');
  return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
}

const mixedCase = (s: string): boolean => /[0-9]/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s);

export const BUILTIN_RULES: readonly Rule[] = [
  privateKeyRule(),
  regexRule({
    id: 'authorization',
    keywords: ['authorization'],
    // The scheme word is matched atomically (lookahead + backreference) so it is never taken as the secret.
    re: new RegExp(
      `\\b(?:proxy-)?authorization${ASSIGN}\\\\?["']?(?=((?:bearer|basic|token|digest|negotiate|ntlm|apikey)[ \\t]{1,5})?)\\1${NOT_REDACTED}([^\\s"'\\\\,;]{1,4096})`,
      'gi',
    ),
    secret: [2],
  }),
  regexRule({ id: 'bearer-token', keywords: ['bearer'], re: new RegExp(`\\bbearer[ \\t]{1,5}${NOT_REDACTED}([A-Za-z0-9\\-._~+/]{16,4096}={0,2})`, 'gi'), secret: [1] }),
  regexRule({ id: 'basic-auth', keywords: ['basic'], re: /\bbasic[ \t]{1,5}([A-Za-z0-9+/]{8,4096}={0,2})/gi, secret: [1], check: basicCredentials }),
  regexRule({
    id: 'cookie',
    keywords: ['cookie'],
    re: new RegExp(`\\b(?:set-)?cookie${ASSIGN}${NOT_REDACTED}\\[?[ \\t]{0,3}\\\\?["']?${NOT_REDACTED}([^\\s"'\\\\][^\\r\\n"'\\\\]{0,4095})`, 'gi'),
    secret: [1],
    check: (s) => looksLikeValue(s.trim()),
  }),
  // scheme://user:password@host -> scheme://[REDACTED:url-credentials]@host (the password may hold '@').
  // The user is a whole marker (an env secret) or holds no '[': the colon inside a marker is no separator.
  regexRule({
    id: 'url-credentials',
    keywords: ['://'],
    re: new RegExp(`://((?:${MARKER_SOURCE}|[^/\\s:@[]{0,256}):[^/\\s]{0,1024}(?=@))`, 'g'),
    secret: [1],
  }),
  regexRule({
    id: 'url-query-secret',
    keywords: ['='],
    re: new RegExp(
      `[?&](?:sig|signature|key|x-amz-signature|x-amz-credential|x-amz-security-token|access_token|refresh_token|id_token|client_secret|password|token|secret|api_key|apikey)=${NOT_REDACTED}([^&\\s#"'<>]{1,4096})`,
      'gi',
    ),
    secret: [1],
  }),
  regexRule({ id: 'aws-access-key', keywords: ['a3t', 'akia', 'asia', 'abia', 'acca'], re: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g }),
  regexRule({ id: 'github-token', keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], re: /(?:gh[pousr]_[A-Za-z0-9_]{36,255}|github_pat_[A-Za-z0-9_]{22,255})/g }),
  regexRule({ id: 'gitlab-token', keywords: ['glpat-'], re: /glpat-[A-Za-z0-9_-]{20,255}/g }),
  regexRule({ id: 'openai-key', keywords: ['sk-'], re: /\bsk-[A-Za-z0-9_-]{32,300}/g, check: (s) => mixedCase(s) && (s.startsWith('sk-ant-') ? 'anthropic-key' : true) }),
  regexRule({ id: 'slack-token', keywords: ['xox'], re: /xox[abposre]-[A-Za-z0-9-]{10,250}/g }),
  regexRule({ id: 'slack-webhook', keywords: ['hooks.slack.com'], re: /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9+/_-]{10,250})/g, secret: [1] }),
  regexRule({ id: 'google-api-key', keywords: ['aiza'], re: /AIza[0-9A-Za-z_-]{35}/g }),
  regexRule({ id: 'npm-token', keywords: ['npm_'], re: /npm_[A-Za-z0-9]{36}/g }),
  regexRule({ id: 'stripe-key', keywords: ['k_live_', 'k_test_', 'k_prod_'], re: /\b[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,255}/g }),
  regexRule({
    id: 'jwt',
    exactKeywords: ['.ey'],
    // The lookbehind allows one start per run of base64url characters, keeping the scan linear.
    re: /(?<![A-Za-z0-9_-])ey[A-Za-z0-9_-]{15,4096}\.ey[A-Za-z0-9_-]{15,8192}\.[A-Za-z0-9_-]{0,4096}/g,
  }),
  regexRule({
    id: 'generic-secret',
    keywords: ['pass', 'secret', 'token', 'key', 'auth', 'credential'],
    re: new RegExp(
      `(?:passw(?:or)?d|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|signing[_-]?key|credentials?|auth)([A-Za-z0-9_-]{0,30})${ASSIGN}${VALUE}`,
      'gi',
    ),
    // "tokens: 5", "secretary: x", "author=y": a lower-case continuation makes it another word.
    secret: [2, 3, 4, 5],
    check: (s, m) => !/^[a-z0-9]/.test(m[1] ?? '') && looksLikeValue(s),
  }),
];
