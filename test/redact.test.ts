// lib/redact: every rule on generated fake tokens in many contexts, a false-positive corpus,
// exact env values and their encodings, argv, ReDoS budgets and fast-check properties.
// Tokens are generated at run time (seeded) so no secret-shaped literal sits in the repository.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { createRedactor, pathRedactor, redactRecord, sanitizeArgv } from '../lib/redact/index.js';

const redact = createRedactor();
const SEED = 20240611;
const sample = (arb: fc.Arbitrary<string>, n = 20): string[] => fc.sample(arb, { seed: SEED, numRuns: n });
const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');
/** Markers become NUL, a character no generated secret contains, so a check cannot match across them. */
const outsideMarkers = (s: string): string => s.replace(/\[REDACTED:[a-z0-9-]+\]/g, '\u0000');
/** The secret parts of a token: for a PEM block its body lines, not the public BEGIN/END lines. */
const secretParts = (token: string): string[] => token.split('\n').filter((l) => !l.startsWith('-----'));

const base64Body = (lines: number): fc.Arbitrary<string> =>
  fc.array(fc.stringMatching(/^[A-Za-z0-9+/]{64}$/), { minLength: lines, maxLength: lines }).map((l) => l.join('\n'));
const pemHeader = (kind: string): string => `-----BEGIN ${kind}PRIVATE KEY-----`;
const pemFooter = (kind: string): string => `-----END ${kind}PRIVATE KEY-----`;

/** Fake tokens per rule, shaped like the real ones. */
const TOKENS: Record<string, fc.Arbitrary<string>> = {
  'private-key': fc.tuple(fc.constantFrom('RSA ', 'EC ', 'OPENSSH ', ''), base64Body(4)).map(([k, body]) => `${pemHeader(k)}\n${body}\n${pemFooter(k)}`),
  'aws-access-key': fc.stringMatching(/^(?:AKIA|ASIA)[A-Z2-7]{16}$/),
  'github-token': fc.oneof(fc.stringMatching(/^gh[pousr]_[A-Za-z0-9]{36}$/), fc.stringMatching(/^github_pat_[A-Za-z0-9_]{82}$/)),
  'gitlab-token': fc.stringMatching(/^glpat-[A-Za-z0-9_-]{20}$/),
  'openai-key': fc.stringMatching(/^sk-(?:proj-)?[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}$/),
  'anthropic-key': fc.stringMatching(/^sk-ant-api03-[A-Za-z0-9_-]{93}AA$/),
  'slack-token': fc.stringMatching(/^xox[bp]-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}$/),
  'google-api-key': fc.stringMatching(/^AIza[0-9A-Za-z_-]{35}$/),
  'npm-token': fc.stringMatching(/^npm_[A-Za-z0-9]{36}$/),
  'stripe-key': fc.stringMatching(/^[sr]k_live_[A-Za-z0-9]{24}$/),
  jwt: fc
    .tuple(fc.stringMatching(/^[a-z0-9]{8,20}$/), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/))
    .map(([sub, sig]) => `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify({ sub, iat: 1700000000 }))}.${sig}`),
};

/** Where secrets turn up in test output (compliance-trust.md 3.3). */
const CONTEXTS: Array<(t: string) => string> = [
  (t) => t,
  (t) => `value: ${t}\nnext line`,
  (t) => JSON.stringify({ value: t, n: 1 }),
  (t) => JSON.stringify(JSON.stringify({ value: t })),
  (t) => inspect({ headers: { 'x-thing': t }, list: [t] }),
  (t) => new Error(`request failed for ${t}`).stack ?? '',
  (t) => `Expected values to be strictly equal:\n+ actual - expected\n\n+ '${t}'\n- 'expected'`,
  (t) => `<value>${t}</value>`,
  (t) => `config(${t}), more`,
  (t) => `  multi\n  line ${t}\n  string`,
];

describe('built-in rules', () => {
  for (const [rule, arb] of Object.entries(TOKENS)) {
    test(`${rule}: every generated token is masked in every context`, () => {
      for (const token of sample(arb)) {
        for (const ctx of CONTEXTS) {
          const input = ctx(token);
          const out = redact(input);
          assert.ok(out.includes(`[REDACTED:${rule}]`), `${rule} marker in ${JSON.stringify(out)}`);
          for (const part of secretParts(token)) assert.ok(!out.includes(part), `${JSON.stringify(part)} survived in ${JSON.stringify(out)}`);
        }
      }
    });
  }

  test('a private key block cut off before its END line still loses its body', () => {
    const [body] = sample(base64Body(3), 1);
    const out = redact(`log: ${pemHeader('RSA ')}\n${body}\n`);
    assert.equal(out, 'log: [REDACTED:private-key]\n');
  });

  test('back-to-back key blocks are two blocks (the END label does not run into the next BEGIN)', () => {
    const [a, b] = sample(TOKENS['private-key'] as fc.Arbitrary<string>, 2) as [string, string];
    assert.equal(redact(`${a}${b}\nafter`), '[REDACTED:private-key][REDACTED:private-key]\nafter');
    assert.equal(redact(`${pemHeader('RSA ')}x${pemFooter('RSA ')}${b}`), '[REDACTED:private-key][REDACTED:private-key]');
  });

  test('authorization headers keep the header and scheme', () => {
    const [t] = sample(fc.stringMatching(/^[A-Za-z0-9._~+/-]{30}$/), 1) as [string];
    assert.equal(redact(`Authorization: Bearer ${t}`), 'Authorization: Bearer [REDACTED:authorization]');
    assert.equal(redact(`{"authorization":"Basic ${b64url('u:p')}"}`), '{"authorization":"Basic [REDACTED:authorization]"}');
    assert.equal(redact(`proxy-authorization= Digest ${t}`), 'proxy-authorization= Digest [REDACTED:authorization]');
    assert.equal(redact(`headers: { authorization: '${t}' }`), "headers: { authorization: '[REDACTED:authorization]' }");
  });

  test('bearer and basic credentials outside a header', () => {
    const [t] = sample(fc.stringMatching(/^[A-Za-z0-9]{40}$/), 1) as [string];
    assert.equal(redact(`sent Bearer ${t} upstream`), 'sent Bearer [REDACTED:bearer-token] upstream');
    const basic = Buffer.from('admin:pa55word').toString('base64');
    assert.equal(redact(`using Basic ${basic}`), 'using Basic [REDACTED:basic-auth]');
  });

  test('cookies', () => {
    assert.equal(redact('Cookie: sid=8f2k3j4h5g; theme=dark'), 'Cookie: [REDACTED:cookie]');
    assert.equal(redact("'set-cookie': [ 'sid=abc123xyz; Path=/; HttpOnly' ]"), "'set-cookie': [ '[REDACTED:cookie]' ]");
  });

  test('credentials in URLs: scheme and host are kept', () => {
    assert.equal(redact('clone https://user:s3cr3t@github.com/org/repo.git'), 'clone https://[REDACTED:url-credentials]@github.com/org/repo.git');
    assert.equal(redact('postgres://app:p@ss:w0rd@db.internal:5432/x'), 'postgres://[REDACTED:url-credentials]@db.internal:5432/x');
    assert.equal(redact('redis://:hunter22@cache:6379'), 'redis://[REDACTED:url-credentials]@cache:6379');
    assert.equal(redact('"https://x-access-token:abcdef@h/"'), '"https://[REDACTED:url-credentials]@h/"');
  });

  test('secret query parameters', () => {
    assert.equal(redact('GET https://blob.example/f?sv=2020&sig=AbC%2Bd9&se=1'), 'GET https://blob.example/f?sv=2020&sig=[REDACTED:url-query-secret]&se=1');
    assert.equal(redact('/cb?code=1&access_token=xyz.123&x=2'), '/cb?code=1&access_token=[REDACTED:url-query-secret]&x=2');
  });

  test('slack webhooks keep the host', () => {
    const [path] = sample(fc.stringMatching(/^T[A-Z0-9]{8}\/B[A-Z0-9]{8}\/[A-Za-z0-9]{24}$/), 1);
    assert.equal(redact(`post to https://hooks.slack.com/services/${path}`), 'post to https://hooks.slack.com/services/[REDACTED:slack-webhook]');
  });

  test('generic assignments lose the value only', () => {
    const cases: Array<[string, string]> = [
      ['password=hunter22', 'password=[REDACTED:generic-secret]'],
      ['DB_PASSWORD: s3cr3t!', 'DB_PASSWORD: [REDACTED:generic-secret]'],
      ['{"api_key": "abc123xyz", "n": 1}', '{"api_key": "[REDACTED:generic-secret]", "n": 1}'],
      ["{ clientSecret: 'correct horse battery' }", "{ clientSecret: '[REDACTED:generic-secret]' }"],
      ['accessToken = "a\\"b\\\\c"', 'accessToken = "[REDACTED:generic-secret]"'],
      ['{\\"password\\":\\"escaped1\\"}', '{\\"password\\":\\"[REDACTED:generic-secret]\\"}'],
      ['x-api-key: k-12345678', 'x-api-key: [REDACTED:generic-secret]'],
      ['secretary: Bob password=hunter22', 'secretary: Bob password=[REDACTED:generic-secret]'],
      ['OAUTH_TOKEN=abc.def-ghi', 'OAUTH_TOKEN=[REDACTED:generic-secret]'],
    ];
    for (const [input, expected] of cases) assert.equal(redact(input), expected, input);
  });
});

describe('false positives: ordinary text is untouched', () => {
  const CLEAN = [
    'adds two numbers',
    'rejects an empty password',
    'token refresh › handles expiry',
    'auth module › logs in with a valid session',
    'Basic usage of the API',
    'the bearer of bad news arrived',
    'secretary: Bob',
    'tokens: 512',
    'max_tokens: 1024',
    'author=Jane Doe',
    'passwordless: true',
    'password: undefined',
    'token: null',
    'password: ${PASSWORD}',
    'api_key: process.env.API_KEY',
    'secret: ********',
    'test/auth.test.js',
    '/home/jane/project/test/secret-store.test.ts:12:5',
    'file:///C:/repo/src/token-store.ts:3:1',
    '    at Object.<anonymous> (/repo/test/password.test.js:10:3)',
    '    at async TestContext.<anonymous> (file:///repo/test/auth.test.mjs:44:7)',
    'node:internal/test_runner/harness:123:45',
    '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    'f47ac10b-58cc-4372-a567-0e02b2c3d479',
    '1.2.3-beta.4+build.5',
    'git@github.com:org/repo.git',
    'ssh://git@github.com/org/repo.git',
    'https://example.com:8443/path?q=1&page=2#frag',
    'http://[::1]:8080/health',
    '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  report.json',
    '{"config_sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","run_id":"f47ac10b-58cc-4372-a567-0e02b2c3d479","status":"passed"}',
    'ok 1 - sk-learn compat layer',
    'risk-assessment-for-class-ii-device-software-2024-revision-a',
    'sk-kebab-case-test-name-that-is-quite-long-1',
    'AKIA is a prefix, ASIA is a continent',
    'hey there.eyeball test',
    'Expected values to be strictly deep-equal:\n+ actual - expected\n\n  {\n+   a: 1\n-   a: 2\n  }',
    'const key = map.get(id); // key: lookup',
    'VGhpcyBpcyBqdXN0IHNvbWUgYmFzZTY0IHRleHQgdGhhdCBpcyBub3QgYSBzZWNyZXQ=',
    'TAP version 13\n# Subtest: login\nok 1 - login\n  ---\n  duration_ms: 1.5\n  ...',
    'Cookie policy accepted',
  ];
  for (const text of CLEAN) {
    test(JSON.stringify(text).slice(0, 70), () => assert.equal(redact(text), text));
  }
});

describe('exact secret values', () => {
  const secret = 'Zq8-v3ry s3cret/p@ss+"w\\rd';
  const r = createRedactor({ secretValues: [secret] });

  test('plain, JSON-escaped and URL-encoded forms', () => {
    assert.equal(r(`pw is ${secret}!`), 'pw is [REDACTED:env]!');
    assert.equal(r(JSON.stringify({ a: secret })), '{"a":"[REDACTED:env]"}');
    assert.equal(r(`https://h/x?q=${encodeURIComponent(secret)}&y=1`), 'https://h/x?q=[REDACTED:env]&y=1');
  });

  test('base64 at every byte alignment inside a longer base64 string', () => {
    for (const prefix of ['', 'u', 'us', 'use', 'user:', 'x'.repeat(7)]) {
      const encoded = Buffer.from(`${prefix}${secret}tail`).toString('base64');
      const out = r(`blob ${encoded} end`);
      assert.ok(out.includes('[REDACTED:env]'), `${prefix}: ${out}`);
      assert.ok(!out.includes(encoded), `${prefix}: ${out}`);
    }
    assert.equal(r(Buffer.from(secret).toString('base64url')), '[REDACTED:env]');
  });

  test('overlapping secrets are masked as one span; the longer wins', () => {
    assert.equal(createRedactor({ secretValues: ['abcdef123', '123xyz789'] })('[abcdef123xyz789]'), '[[REDACTED:env]]');
    assert.equal(createRedactor({ secretValues: ['hunter22', 'hunter2222'] })('pw hunter2222 end'), 'pw [REDACTED:env] end');
    assert.equal(createRedactor({ secretValues: ['aaaaaa'] })('a'.repeat(20)), '[REDACTED:env]');
  });

  test('a multi-line value and its trimmed form', () => {
    const pem = 'line-one-secret\nline-two-secret\n';
    assert.equal(createRedactor({ secretValues: [pem] })('x line-one-secret\nline-two-secret y'), 'x [REDACTED:env] y');
  });

  test('empty values are ignored', () => {
    assert.equal(createRedactor({ secretValues: ['', ''] })('text'), 'text');
  });

  test('disabled is the identity, even with secrets and tokens', () => {
    const raw = `pw ${secret} password=hunter22`;
    assert.equal(createRedactor({ secretValues: [secret], disabled: true })(raw), raw);
  });
});

describe('user patterns', () => {
  test('matches become [REDACTED:pattern]; (?i) makes one case-insensitive', () => {
    const r = createRedactor({ patterns: ['PATIENT-\\d{6}', '(?i)mrn-\\d+', '(?<=patient_id=)\\d+'] });
    assert.equal(r('record PATIENT-123456 ok, MRN-42, patient_id=777'), 'record [REDACTED:pattern] ok, [REDACTED:pattern], patient_id=[REDACTED:pattern]');
  });

  test('a pattern that can match empty text neither loops nor inserts markers', () => {
    assert.equal(createRedactor({ patterns: ['x*'] })('abc xx d'), 'abc [REDACTED:pattern] d');
  });

  test('a pattern never eats into markers or into tokens the built-ins caught', () => {
    const [token] = sample(TOKENS['github-token'] as fc.Arbitrary<string>, 1) as [string];
    const r = createRedactor({ patterns: ['[A-Z]{3,}', '\\d{2}'] });
    const out = r(`t=${token} [REDACTED:env]`);
    assert.equal(out, 't=[REDACTED:github-token] [REDACTED:env]');
  });

  test('an invalid pattern throws', () => {
    assert.throws(() => createRedactor({ patterns: ['(unclosed'] }), SyntaxError);
  });
});

describe('sanitizeArgv', () => {
  test('values of secret-looking flags go; everything else is redacted normally', () => {
    const argv = [
      '/usr/bin/node', '--test', '--token=abc', '--api-key', 'xyz', '--password=p=w', '-p', 'kept', '--author', 'Jane',
      'GITHUB_TOKEN=ghx', '--no-auth', 'test/a.test.js', 'https://u:pw@host/x', '--client-secret', '--other', '--auth-header=Bearer x',
    ];
    assert.deepEqual(sanitizeArgv(argv, redact), [
      '/usr/bin/node', '--test', '--token=[REDACTED:argv]', '--api-key', '[REDACTED:argv]', '--password=[REDACTED:argv]', '-p', 'kept', '--author', 'Jane',
      'GITHUB_TOKEN=[REDACTED:argv]', '--no-auth', 'test/a.test.js', 'https://[REDACTED:url-credentials]@host/x', '--client-secret', '--other',
      '--auth-header=[REDACTED:argv]',
    ]);
  });

  test('flag values are masked even when redaction is disabled', () => {
    assert.deepEqual(sanitizeArgv(['--secret', '-abc'], createRedactor({ disabled: true })), ['--secret', '[REDACTED:argv]']);
  });
});

describe('performance (ReDoS)', () => {
  const MB = 1 << 20;
  const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const r = createRedactor({ secretValues: ['hunter2222', 'aaaaaa'], patterns: ['(?i)customer-\\d{4}'] });
  const time = (text: string): number => {
    r(text.slice(0, 4096)); // warm up the compiled regexes
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      r(text);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  // A guard against catastrophic backtracking, not a speed target (those live in bench/): a quadratic
  // rule needs about 10^12 steps on 1 MB (minutes); a linear one takes milliseconds (under 200 ms here
  // even on a loaded machine with coverage on). The ceiling leaves a margin of ten and more.
  const CEILING_MS = 2000;

  test('1 MB of realistic test output: no catastrophic backtracking', () => {
    const [gh] = sample(TOKENS['github-token'] as fc.Arbitrary<string>, 1);
    const chunk =
      'ok 12 - adds numbers (/home/u/project/test/math.test.js:10:5) sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n' +
      `    at Object.<anonymous> (file:///repo/test/auth.test.mjs:44:7) {"status":"passed","token":"${gh}"}\n` +
      'GET https://api.example.com/v1/items?page=2 200 12ms password=hunter2222 Authorization: Bearer abcdefghijklmnop\n';
    const ms = time(fill(chunk));
    assert.ok(ms < CEILING_MS, `${ms.toFixed(1)} ms`);
  });

  // One adversarial input per rule shape: dense near-misses that would be quadratic with unbounded
  // or overlapping quantifiers. A quadratic rule takes seconds here; linear ones take milliseconds.
  const ADVERSARIAL: Record<string, string> = {
    'a-run': 'a'.repeat(MB),
    'pem-begin': fill(pemHeader('RSA ')),
    'pem-begin-dashes': fill('-----BEGIN ' + '-'.repeat(90)),
    authorization: fill('authorization: '),
    'authorization-bearer': fill('Authorization: Bearer'),
    bearer: fill('bearer '),
    basic: fill('basic AAAAAAAAAA '),
    cookie: fill('cookie='),
    'url-dense': fill('a://a:aaaa'),
    'url-colons': 'x://' + 'a:'.repeat(MB / 2),
    'url-no-at': fill('https://user:' + 'p'.repeat(50) + ' '),
    query: fill('?sig=&'),
    aws: fill('AKIA'),
    github: fill('ghp_'),
    'github-long': 'ghp_' + 'a'.repeat(MB),
    openai: fill('sk-'),
    'openai-kebab': fill('sk-aaaa-'),
    slack: fill('xoxb-'),
    'jwt-dashes': fill('ey-'),
    'jwt-segments': fill('eyAAAAAAAAAAAAAAAAAAAAAAA.eyAAAAAAAAAAAAAAAAAAAAA'),
    'generic-keyword': fill('token'),
    'generic-tail': fill('tokenaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
    'generic-assign': fill('password='),
    'generic-quote': fill('password: "'),
    'generic-escape': fill('password="\\'),
    markers: fill('[REDACTED:env]aaaaaa'),
    'env-dense': fill('hunter2222 '),
    pattern: fill('customer-12'),
  };
  for (const [name, text] of Object.entries(ADVERSARIAL)) {
    test(`adversarial 1 MB: ${name}: no catastrophic backtracking`, () => {
      const ms = time(text);
      assert.ok(ms < CEILING_MS, `${ms.toFixed(1)} ms`);
    });
  }
});

describe('properties', () => {
  const secretChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/+=@!$%'.split(''));
  const secretArb = fc.string({ unit: secretChars, minLength: 6, maxLength: 40 });
  const noise = fc.string({ unit: 'binary', maxLength: 60 });
  const fragments = fc.constantFrom(
    'password=', 'token: ', '"api_key": "', 'Authorization: Bearer ', 'Basic ', 'https://u:p@', '://', '@', ':', '=', '"', "'", '\\',
    ' ', '\n', '[REDACTED:env]', '[REDACTED:', ']', 'ghp_', 'AKIA', 'sk-', 'eyJ', '.ey', '-----BEGIN RSA PRIVATE KEY-----',
    '-----END RSA PRIVATE KEY-----', 'cookie: ', '?sig=', 'xoxb-', 'secret', 'auth',
  );
  const mixedText = fc.array(fc.oneof(noise, fragments, secretArb), { maxLength: 12 }).map((parts) => parts.join(''));

  test('a planted secret value never survives, whatever surrounds it', () => {
    fc.assert(
      fc.property(secretArb, mixedText, mixedText, (secret, before, after) => {
        const out = createRedactor({ secretValues: [secret] })(before + secret + after);
        return !outsideMarkers(out).includes(secret);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('idempotent where a marker changes its neighbourhood (cases found by fuzzing)', () => {
    const r = createRedactor({ patterns: ['PATIENT-\\d{3}'] });
    for (const text of ['PATIENT-123cookie: password=', '://password=aaaaae"@aaaaaa', 'https://u:p@password=https://u:p@']) {
      const once = r(text);
      assert.equal(r(once), once, text);
    }
    // The pattern's marker gives "cookie" a word boundary; the next pass finds the cookie value.
    assert.equal(r('PATIENT-123cookie: sid=abcdef'), '[REDACTED:pattern]cookie: [REDACTED:cookie]');
  });

  test('redaction is idempotent', () => {
    fc.assert(
      fc.property(mixedText, fc.array(secretArb, { maxLength: 3 }), (text, secrets) => {
        const r = createRedactor({ secretValues: secrets, patterns: ['PATIENT-\\d{3}'] });
        const once = r(text);
        return r(once) === once;
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  test('a token never survives, whatever surrounds it', () => {
    // Tokens whose rules need no word boundary: any text at all may touch them.
    const unbounded = fc.oneof(...['private-key', 'github-token', 'gitlab-token', 'slack-token', 'google-api-key', 'npm-token'].map((k) => TOKENS[k] as fc.Arbitrary<string>));
    fc.assert(
      fc.property(unbounded, mixedText, mixedText, (token, before, after) => {
        const out = outsideMarkers(redact(before + token + after));
        return secretParts(token).every((part) => !out.includes(part));
      }),
      { seed: SEED, numRuns: 300 },
    );
    // Word-bounded rules (AKIA..., sk-..., JWT, Stripe) need a non-word character on each side.
    const bounded = fc.oneof(...['aws-access-key', 'openai-key', 'anthropic-key', 'jwt', 'stripe-key'].map((k) => TOKENS[k] as fc.Arbitrary<string>));
    fc.assert(
      fc.property(bounded, mixedText, mixedText, fc.constantFrom(' ', '"', "'", '\n', '(', ','), (token, before, after, sep) => {
        return !outsideMarkers(redact(before + sep + token + sep + after)).includes(token);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('paths and whole records', () => {
  const token = (c: string): string => 'ghp_' + c.repeat(36);
  const paths = pathRedactor(redact);

  test('a clean path is unchanged; a secret path keeps a tag of the whole path in its marker', () => {
    assert.equal(paths('test/math.test.js'), 'test/math.test.js');
    const p = `test/${token('a')}.test.js`;
    assert.match(paths(p), /^test\/\[REDACTED:github-token-[0-9a-f]{8}\]\.test\.js$/);
  });

  test('deterministic (a fresh redactor gives the same path), unique, idempotent', () => {
    const a = `test/${token('a')}.test.js`;
    const b = `test/${token('b')}.test.js`;
    assert.equal(pathRedactor(createRedactor())(a), paths(a));
    assert.notEqual(paths(a), paths(b), 'two secret files do not collide');
    assert.equal(paths(paths(a)), paths(a));
    assert.equal(redact(paths(a)), paths(a), 'still a marker for the text redactor');
  });

  test('disabled redaction leaves paths alone', () => {
    const p = `test/${token('c')}.test.js`;
    assert.equal(pathRedactor(createRedactor({ disabled: true }))(p), p);
  });

  test('a record: every string redacted, path fields through the path redactor, suite paths as names, keys too', () => {
    const secret = token('d');
    const rec = {
      type: 'test',
      file: `test/${secret}.js`,
      entry_file: `test/${secret}.js`,
      name: `uses ${secret}`,
      path: [`suite ${secret}`],
      duration_ms: 1.5,
      skip: null,
      failure: { message: `bad ${secret}`, location: { file: `test/${secret}.js`, line: 3 } },
      provenance: { git: { dirty_files: [`src/${secret}.ts`] } },
      custom_metadata: { [secret]: [secret, 1, true] },
    };
    const out = redactRecord(rec, { text: redact, path: paths });
    assert.ok(!JSON.stringify(out).includes(secret), JSON.stringify(out));
    assert.equal(out.file, paths(rec.file));
    assert.equal(out.entry_file, out.file);
    assert.equal(out.failure.location.file, out.file);
    assert.deepEqual(out.path, ['suite [REDACTED:github-token]']);
    assert.equal(out.name, 'uses [REDACTED:github-token]');
    assert.match(out.provenance.git.dirty_files[0]!, /^src\/\[REDACTED:github-token-[0-9a-f]{8}\]\.ts$/);
    assert.equal(out.duration_ms, 1.5);
    assert.equal(out.skip, null);
    assert.deepEqual(Object.values(out.custom_metadata), [['[REDACTED:github-token]', 1, true]]);
    assert.deepEqual(redactRecord(out, { text: redact, path: paths }), out, 'a redacted record is a fixed point');
    assert.equal(rec.name, `uses ${secret}`, 'the input is not modified');
  });
});
