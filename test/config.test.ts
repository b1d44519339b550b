// lib/config against real files in temp directories and explicit env objects (never process.env).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, configDefaults, listOptions, loadConfig, type Config } from '../lib/config/index.js';
import { schemas } from '../lib/generated/schemas.js';
import { WARNING_CODES } from '../lib/warnings.js';

const root = mkdtempSync(path.join(tmpdir(), 'llmr-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A fresh directory holding exactly `files`. */
function project(files: Record<string, string> = {}): string {
  const dir = path.join(root, String(n++));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

/** Defaults read straight from the schema, independently of lib/config's own walk. */
function defaultsFromSchema(node: Record<string, unknown>): unknown {
  const props = node.properties as Record<string, Record<string, unknown>> | undefined;
  if (node.type !== 'object' || !props) return node.default;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(props)) {
    const v = defaultsFromSchema(child);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const FROM_SCHEMA = defaultsFromSchema(schemas.config as Record<string, unknown>) as Config;
/** Options owned elsewhere (coverage, most of llm) come from the schema; these are pinned here. */
const DEFAULTS: Config = {
  ...FROM_SCHEMA,
  output_dir: 'llm-report',
  human: 'auto',
  capture_output: false,
  output_cap_bytes: 65536,
  stack_frames: 20,
  journal: true,
  redact: { patterns: [], env_names: [], disabled: false },
  llm: { ...FROM_SCHEMA.llm, provider: 'none', api_key_env: 'OPENAI_API_KEY' },
};

describe('defaults', () => {
  test('no file and no variables gives the schema defaults', () => {
    const loaded = loadConfig({ cwd: project(), env: {} });
    assert.deepEqual(loaded.config, DEFAULTS);
    assert.deepEqual(loaded.sources, []);
    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(loaded.env_names, []);
    assert.deepEqual(loaded.secret_values, []);
    assert.match(loaded.sha256, /^[0-9a-f]{64}$/);
  });

  test('configDefaults matches the Config type and returns a fresh object each time', () => {
    const a = configDefaults();
    assert.deepEqual(a, DEFAULTS);
    a.redact.patterns.push('x');
    assert.deepEqual(configDefaults().redact.patterns, []);
  });

  test('an empty YAML file means defaults', () => {
    const loaded = loadConfig({ cwd: project({ 'llm-report.config.yaml': '# nothing yet\n' }), env: {} });
    assert.deepEqual(loaded.config, DEFAULTS);
    assert.deepEqual(loaded.sources, ['llm-report.config.yaml']);
  });
});

describe('config files', () => {
  test('llm-report.config.yaml', () => {
    const cwd = project({
      'llm-report.config.yaml': 'output_dir: evidence\nhuman: never\nredact:\n  patterns: ["PATIENT-\\\\d{6}"]\nllm:\n  provider: openai\n  model: gpt-x\n',
    });
    const { config, sources } = loadConfig({ cwd, env: {} });
    assert.equal(config.output_dir, 'evidence');
    assert.equal(config.human, 'never');
    assert.deepEqual(config.redact, { patterns: ['PATIENT-\\d{6}'], env_names: [], disabled: false });
    assert.equal(config.llm.provider, 'openai');
    assert.equal(config.llm.model, 'gpt-x');
    assert.equal(config.llm.base_url, undefined);
    assert.deepEqual(sources, ['llm-report.config.yaml']);
  });

  test('llm-report.config.yml', () => {
    const { config, sources } = loadConfig({ cwd: project({ 'llm-report.config.yml': 'stack_frames: 5\n' }), env: {} });
    assert.equal(config.stack_frames, 5);
    assert.deepEqual(sources, ['llm-report.config.yml']);
  });

  test('llm-report.config.json', () => {
    const cwd = project({ 'llm-report.config.json': '{ "capture_output": true, "output_cap_bytes": 1024 }' });
    const { config, sources } = loadConfig({ cwd, env: {} });
    assert.equal(config.capture_output, true);
    assert.equal(config.output_cap_bytes, 1024);
    assert.deepEqual(sources, ['llm-report.config.json']);
  });

  test('the llmReport key of package.json', () => {
    const cwd = project({ 'package.json': JSON.stringify({ name: 'x', llmReport: { journal: false } }) });
    const { config, sources } = loadConfig({ cwd, env: {} });
    assert.equal(config.journal, false);
    assert.deepEqual(sources, ['package.json']);
  });

  test('package.json without the key, or unparseable without it, is not configuration', () => {
    assert.deepEqual(loadConfig({ cwd: project({ 'package.json': '{"name":"x"}' }), env: {} }).sources, []);
    assert.deepEqual(loadConfig({ cwd: project({ 'package.json': '{"name":' }), env: {} }).sources, []);
  });

  test('a broken package.json that holds the key is a located error', () => {
    const err = configError(() => loadConfig({ cwd: project({ 'package.json': '{"name":"x",\n"llmReport": {"journal": false}' }), env: {} }));
    assert.equal(err.file, 'package.json');
    assert.equal(err.line, 2);
    assert.match(err.message, /^package\.json:2:\d+: JSON syntax error: /);
  });

  test('two configuration files at once is an error naming both', () => {
    const cwd = project({ 'llm-report.config.yaml': 'journal: true\n', 'llm-report.config.json': '{}' });
    const err = configError(() => loadConfig({ cwd, env: {} }));
    assert.match(err.message, /llm-report\.config\.yaml and llm-report\.config\.json; keep exactly one/);
  });

  test('a config file plus the package.json key is also ambiguous', () => {
    const cwd = project({ 'llm-report.config.yml': 'journal: true\n', 'package.json': '{"llmReport":{}}' });
    const err = configError(() => loadConfig({ cwd, env: {} }));
    assert.match(err.message, /llm-report\.config\.yml and package\.json#llmReport/);
  });

  test('only the working directory is searched', () => {
    const parent = project({ 'llm-report.config.yaml': 'journal: false\n' });
    const child = path.join(parent, 'sub');
    mkdirSync(child);
    assert.equal(loadConfig({ cwd: child, env: {} }).config.journal, true);
  });
});

describe('errors', () => {
  test('unknown option: file, key and the closest known key', () => {
    const err = configError(() => loadConfig({ cwd: project({ 'llm-report.config.yaml': 'ouput_dir: out\n' }), env: {} }));
    assert.equal(err.message, 'llm-report.config.yaml: unknown option "ouput_dir" (did you mean "output_dir"?)');
    assert.equal(err.file, 'llm-report.config.yaml');
    assert.equal(err.key, 'ouput_dir');
    assert.equal(err.suggestion, 'output_dir');
  });

  test('unknown nested option and a right name at the wrong level', () => {
    const nested = configError(() => loadConfig({ cwd: project({ 'llm-report.config.yaml': 'redact:\n  env_name: [X]\n' }), env: {} }));
    assert.equal(nested.message, 'llm-report.config.yaml: unknown option "redact.env_name" (did you mean "redact.env_names"?)');
    const misplaced = configError(() => loadConfig({ cwd: project({ 'llm-report.config.json': '{"patterns": []}' }), env: {} }));
    assert.equal(misplaced.message, 'llm-report.config.json: unknown option "patterns" (did you mean "redact.patterns"?)');
  });

  test('an unknown option nothing resembles lists the known ones', () => {
    const err = configError(() => loadConfig({ cwd: project({ 'llm-report.config.yaml': 'redact:\n  zzzzzz: 0\n' }), env: {} }));
    assert.equal(err.message, 'llm-report.config.yaml: unknown option "redact.zzzzzz" (known options here: patterns, env_names, disabled)');
    assert.equal(err.suggestion, undefined);
  });

  test('__proto__ is an unknown option, not a way into the object', () => {
    const err = configError(() => loadConfig({ cwd: project({ 'llm-report.config.json': '{"__proto__": {"journal": false}}' }), env: {} }));
    assert.match(err.message, /unknown option "__proto__"/);
    assert.equal(({} as Record<string, unknown>).journal, undefined);
  });

  test('type errors name file, key, expected type and value; every problem is listed, in schema order', () => {
    const err = configError(() => loadConfig({ cwd: project({ 'llm-report.config.yaml': 'output_cap_bytes: 64k\nhuman: sometimes\n' }), env: {} }));
    assert.equal(
      err.message,
      'llm-report.config.yaml: option "human" must be one of "auto", "always", "never", got string "sometimes"\n' +
        'llm-report.config.yaml: option "output_cap_bytes" must be an integer, got string "64k"',
    );
    assert.equal(err.key, 'human');
  });

  test('wrong types inside lists and groups', () => {
    const item = configError(() => loadConfig({ cwd: project({ 'llm-report.config.yaml': 'redact:\n  patterns: [a, 5]\n' }), env: {} }));
    assert.equal(item.message, 'llm-report.config.yaml: option "redact.patterns[1]" must be a string, got number 5');
    const group = configError(() => loadConfig({ cwd: project({ 'llm-report.config.yaml': 'llm: openai\n' }), env: {} }));
    assert.equal(group.message, 'llm-report.config.yaml: option "llm" must be a mapping of option names to values, got string "openai"');
    const nul = configError(() => loadConfig({ cwd: project({ 'llm-report.config.yaml': 'output_dir:\n' }), env: {} }));
    assert.equal(nul.message, 'llm-report.config.yaml: option "output_dir" must be a string, got null');
  });

  test('a document that is not a mapping', () => {
    const err = configError(() => loadConfig({ cwd: project({ 'llm-report.config.yaml': '- a\n- b\n' }), env: {} }));
    assert.equal(err.message, 'llm-report.config.yaml: the configuration must be a mapping of option names to values, got list ["a","b"]');
  });

  test('YAML syntax errors give file:line:column', () => {
    const err = configError(() => loadConfig({ cwd: project({ 'llm-report.config.yaml': 'journal: true\nredact:\n  patterns: [a, b\nhuman: auto\n' }), env: {} }));
    assert.equal(err.file, 'llm-report.config.yaml');
    assert.equal(err.line, 4);
    assert.equal(err.column, 1);
    assert.match(err.message, /^llm-report\.config\.yaml:4:1: YAML syntax error: \S/);
  });

  test('duplicate YAML keys are syntax errors, not silently last-wins', () => {
    const err = configError(() => loadConfig({ cwd: project({ 'llm-report.config.yaml': 'journal: true\njournal: false\n' }), env: {} }));
    assert.match(err.message, /^llm-report\.config\.yaml:2:1: YAML syntax error: Map keys must be unique/);
  });

  test('JSON syntax errors give file:line:column on every Node version', () => {
    const err = configError(() => loadConfig({ cwd: project({ 'llm-report.config.json': '{\n  "journal": true,\n  "human": }\n' }), env: {} }));
    assert.equal(err.line, 3);
    assert.equal(err.column, 12);
    assert.match(err.message, /^llm-report\.config\.json:3:12: JSON syntax error: /);
  });

  test('an invalid regular expression in redact.patterns is located', () => {
    const err = configError(() => loadConfig({ cwd: project({ 'llm-report.config.json': '{"redact": {"patterns": ["ok", "(unclosed"]}}' }), env: {} }));
    assert.equal(err.key, 'redact.patterns[1]');
    assert.match(err.message, /^llm-report\.config\.json: option "redact\.patterns\[1\]" is not a valid regular expression: /);
  });

  test('an API key where its variable name belongs is rejected without being echoed', () => {
    const key = 'sk-' + 'Ab1'.repeat(12);
    const err = configError(() => loadConfig({ cwd: project({ 'llm-report.config.json': JSON.stringify({ llm: { api_key_env: key } }) }), env: {} }));
    assert.equal(err.key, 'llm.api_key_env');
    assert.ok(!err.message.includes(key), err.message);
  });
});

describe('environment variables', () => {
  test('override the file, option by option', () => {
    const cwd = project({ 'llm-report.config.yaml': 'stack_frames: 3\noutput_dir: from-file\nredact:\n  patterns: [a]\n' });
    const { config, sources } = loadConfig({ cwd, env: { LLM_REPORT_STACK_FRAMES: '7', LLM_REPORT_REDACT__PATTERNS: 'b, c' } });
    assert.equal(config.stack_frames, 7);
    assert.equal(config.output_dir, 'from-file');
    assert.deepEqual(config.redact.patterns, ['b', 'c'], 'a list from env replaces the file list');
    assert.deepEqual(sources, ['llm-report.config.yaml', 'env']);
  });

  test('every option has its variable, named from its path', () => {
    for (const opt of listOptions()) {
      assert.equal(opt.env, 'LLM_REPORT_' + opt.path.map((s) => s.toUpperCase()).join('__'), opt.key);
    }
  });

  test('value syntax: booleans, integers, strings, JSON and comma lists', () => {
    const env = {
      LLM_REPORT_CAPTURE_OUTPUT: 'TRUE',
      LLM_REPORT_JOURNAL: '0',
      LLM_REPORT_REDACT__DISABLED: 'false',
      LLM_REPORT_OUTPUT_CAP_BYTES: '4096',
      LLM_REPORT_HUMAN: 'always',
      LLM_REPORT_REDACT__PATTERNS: '["\\\\d{1,3}", "x"]',
      LLM_REPORT_REDACT__ENV_NAMES: 'MY_*,OTHER_*',
      LLM_REPORT_LLM__BASE_URL: 'http://localhost:11434/v1',
    };
    const { config } = loadConfig({ cwd: project(), env });
    assert.equal(config.capture_output, true);
    assert.equal(config.journal, false);
    assert.equal(config.redact.disabled, false);
    assert.equal(config.output_cap_bytes, 4096);
    assert.equal(config.human, 'always');
    assert.deepEqual(config.redact.patterns, ['\\d{1,3}', 'x']);
    assert.deepEqual(config.redact.env_names, ['MY_*', 'OTHER_*']);
    assert.equal(config.llm.base_url, 'http://localhost:11434/v1');
  });

  test('an empty value counts as unset', () => {
    const loaded = loadConfig({ cwd: project({ 'llm-report.config.yaml': 'output_dir: kept\n' }), env: { LLM_REPORT_OUTPUT_DIR: '' } });
    assert.equal(loaded.config.output_dir, 'kept');
    assert.deepEqual(loaded.sources, ['llm-report.config.yaml']);
  });

  test('a bad value names the variable, the option, the expected type and the value', () => {
    const bool = configError(() => loadConfig({ cwd: project(), env: { LLM_REPORT_CAPTURE_OUTPUT: 'maybe' } }));
    assert.equal(bool.message, 'environment variable LLM_REPORT_CAPTURE_OUTPUT: option "capture_output" must be a boolean (true or false), got string "maybe"');
    assert.equal(bool.file, undefined);
    const int = configError(() => loadConfig({ cwd: project(), env: { LLM_REPORT_STACK_FRAMES: '2.5' } }));
    assert.equal(int.message, 'environment variable LLM_REPORT_STACK_FRAMES: option "stack_frames" must be an integer, got string "2.5"');
    const min = configError(() => loadConfig({ cwd: project(), env: { LLM_REPORT_STACK_FRAMES: '-1' } }));
    assert.equal(min.message, 'environment variable LLM_REPORT_STACK_FRAMES: option "stack_frames" must be >= 0, got number -1');
  });

  test('an LLM_REPORT_ variable that names no option is a warning with a suggestion', () => {
    const loaded = loadConfig({ cwd: project(), env: { LLM_REPORT_OUTPUTDIR: 'x', LLM_REPORT_REDACT_PATTERNS: 'y', LLM_REPORT_ZZZ: '1' } });
    assert.deepEqual(loaded.warnings, [
      { code: 'LLMR_CONFIG_ENV_IGNORED', message: 'LLM_REPORT_OUTPUTDIR does not name a configuration option and was ignored (did you mean LLM_REPORT_OUTPUT_DIR?)' },
      { code: 'LLMR_CONFIG_ENV_IGNORED', message: 'LLM_REPORT_REDACT_PATTERNS does not name a configuration option and was ignored (did you mean LLM_REPORT_REDACT__PATTERNS?)' },
      { code: 'LLMR_CONFIG_ENV_IGNORED', message: 'LLM_REPORT_ZZZ does not name a configuration option and was ignored' },
    ]);
    assert.deepEqual(loaded.config, DEFAULTS);
    assert.deepEqual(loaded.sources, []);
  });

  test('a variable naming a group says how to set its options', () => {
    const { warnings } = loadConfig({ cwd: project(), env: { LLM_REPORT_LLM: '{}' } });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? '', /it names a group; set its options one by one: LLM_REPORT_LLM__PROVIDER, /);
  });

  test('reserved variables of the reporter itself are skipped silently', () => {
    const env = { LLM_REPORT_WORK_DIR: '/tmp/x', LLM_REPORT_CHILD: '1', LLM_REPORT_INTERNAL_ANYTHING: 'y' };
    assert.deepEqual(loadConfig({ cwd: project(), env }).warnings, []);
  });

  test('env_names lists names of LLM_REPORT_* and NODE_* variables, sorted, never values', () => {
    const env = { NODE_OPTIONS: '--import=x', LLM_REPORT_CHILD: '1', PATH: '/bin', NODE_AUTH_TOKEN: 'tok-secret-value', LLM_REPORT_JOURNAL: 'true' };
    const loaded = loadConfig({ cwd: project(), env });
    assert.deepEqual(loaded.env_names, ['LLM_REPORT_CHILD', 'LLM_REPORT_JOURNAL', 'NODE_AUTH_TOKEN', 'NODE_OPTIONS']);
  });

  test('warning codes exist in lib/warnings.ts', () => {
    const loaded = loadConfig({ cwd: project(), env: { LLM_REPORT_NOPE: '1', LLM_REPORT_REDACT__DISABLED: '1' } });
    assert.deepEqual(loaded.warnings.map((w) => w.code), ['LLMR_CONFIG_ENV_IGNORED', 'LLMR_REDACT_DISABLED']);
    for (const w of loaded.warnings) assert.ok(w.code in WARNING_CODES, w.code);
  });
});

describe('secret values for the redactor', () => {
  test('values of secret-looking names, at least 6 long, longest first', () => {
    const env = {
      GITHUB_TOKEN: 'gho-abcdef',
      DB_PASSWORD: 'correct horse battery',
      aws_secret_access_key: 'lower-case-name-123',
      SHORT_SECRET: 'abc',
      GIT_AUTHOR_NAME: 'Jane Q. Public',
      SSH_AUTH_SOCK: '/tmp/ssh-agent.sock',
      HOME: '/home/jane',
      SAME_TOKEN: 'gho-abcdef',
    };
    const { secret_values } = loadConfig({ cwd: project(), env });
    assert.deepEqual(secret_values, ['correct horse battery', 'lower-case-name-123', 'gho-abcdef']);
  });

  test('redact.env_names adds names; llm.api_key_env names a secret whatever it is called', () => {
    const cwd = project({ 'llm-report.config.yaml': 'redact:\n  env_names: ["MY_SERVICE_*"]\nllm:\n  api_key_env: LLM_KEY_VAR\n' });
    const env = { MY_SERVICE_URL: 'https://internal.example', LLM_KEY_VAR: 'key-value-123', OTHER: 'plain-value' };
    assert.deepEqual(loadConfig({ cwd, env }).secret_values, ['https://internal.example', 'key-value-123']);
  });
});

describe('hash and schema', () => {
  test('sha256 depends on the resolved configuration, not on key order or source', () => {
    const a = loadConfig({ cwd: project({ 'llm-report.config.yaml': 'journal: false\nredact:\n  disabled: false\n  patterns: [x]\nhuman: never\n' }), env: {} });
    const b = loadConfig({ cwd: project({ 'llm-report.config.json': '{"human":"never","redact":{"patterns":["x"],"disabled":false},"journal":false}' }), env: {} });
    const c = loadConfig({ cwd: project(), env: { LLM_REPORT_HUMAN: 'never', LLM_REPORT_JOURNAL: 'false', LLM_REPORT_REDACT__PATTERNS: 'x' } });
    assert.equal(a.sha256, b.sha256);
    assert.equal(a.sha256, c.sha256);
    const d = loadConfig({ cwd: project({ 'llm-report.config.yaml': 'journal: false\nredact:\n  patterns: [y]\nhuman: never\n' }), env: {} });
    assert.notEqual(a.sha256, d.sha256);
    assert.equal(loadConfig({ cwd: project(), env: {} }).sha256, loadConfig({ cwd: project(), env: {} }).sha256);
  });

  test('the schema defines every option with description and x-env, and closes every object', () => {
    const optional = new Set(['llm.model', 'llm.base_url']);
    const envs = new Set<string>();
    for (const opt of listOptions()) {
      assert.ok(opt.description.length > 10, `${opt.key} has a description`);
      assert.ok(optional.has(opt.key) || opt.default !== undefined, `${opt.key} has a default`);
      assert.ok(!envs.has(opt.env), `${opt.env} is unique`);
      envs.add(opt.env);
    }
    const walk = (node: Record<string, unknown>, where: string): void => {
      if (node.type !== 'object') return;
      assert.equal(node.additionalProperties, false, `${where} has additionalProperties: false`);
      for (const [k, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) walk(child, `${where}.${k}`);
    };
    walk(schemas.config as Record<string, unknown>, 'config');
    assert.ok(listOptions().length >= 13);
  });
});

describe('secret variable names (issue #16: matched without compiling globs at every start)', () => {
  test('nameMatcher decides exactly as picomatch(globs, { nocase, dot }) for the built-in globs and for user globs', async () => {
    const picomatch = (await import('picomatch')).default;
    const { nameMatcher, BUILTIN_SECRET_ENV_NAMES: builtin } = await import('../lib/config/env.js');
    const globSets: string[][] = [[...builtin], ['*AUTHOR*', '*AUTH_SOCK*'], ['MY_*_PASS', '*token*', 'DB?URL'], ['*X*']];
    // Names as environments hold them, and the edges where a regular expression and a glob could differ.
    const names = ['GITHUB_TOKEN', 'github_token', 'GIT_AUTHOR_NAME', 'SSH_AUTH_SOCK', 'XAUTHORITY', 'PATH', 'HOME', 'AWS_SECRET_ACCESS_KEY',
      'a/TOKEN', 'TOKEN/', '/TOKEN', './TOKEN', '../TOKEN', '.TOKEN', '..', '.', '', 'TOKEN\n', 'x\nTOKEN', 'a\\TOKEN', '*TOKEN*',
      'TOKEı', 'toKEN', 'ſecret', 'SECRET', 'MY_DB_PASS', 'MY_/_PASS', 'DB_URL', 'DB/URL', 'x', 'X', 'ſ', 'ÅUTH', 'COOKIE_JAR', 'hmac'];
    let seed = 16;
    const chars = 'aTOKENsecretAUTH_/.\\-xXı ';
    for (let i = 0; i < 400; i++) {
      let n = '';
      for (let j = (seed = (seed * 1103515245 + 12345) >>> 0) % 12; j > 0; j--) n += chars[(seed = (seed * 1103515245 + 12345) >>> 0) % chars.length];
      names.push(n);
    }
    for (const globs of globSets) {
      const fast = nameMatcher(globs);
      const slow = picomatch(globs, { nocase: true, dot: true });
      for (const n of names) assert.equal(fast(n), slow(n), `${JSON.stringify(n)} against ${globs.join(', ')}`);
    }
  });
});
