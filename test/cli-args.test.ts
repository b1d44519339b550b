// lib/cli/args.ts: the one option parser of every command (node:util parseArgs, strict) and the usage
// errors it makes of parseArgs' errors: named command, the bad option, "did you mean", exit status 2.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { commandArgs, parseCommandArgs, UsageError, type CliOptions, type CommandSpec } from '../lib/cli/args.js';
import { cliInProcess } from './helpers/evidence.js';

const HELP = 'Usage: llm-report demo <input...> [--out DIR] [--policy NAME] [--no-annotations] [--pdf]';
const SPEC = {
  command: 'demo',
  help: HELP,
  options: {
    out: { type: 'string', needs: 'a directory' },
    policy: { type: 'string' },
    pdf: { type: 'boolean' },
    'no-annotations': { type: 'boolean' },
    tag: { type: 'string', short: 't', multiple: true },
  },
} as const satisfies CommandSpec<CliOptions>;

/** The UsageError message parseCommandArgs throws for args. */
function error(args: string[], spec: CommandSpec<typeof SPEC.options> = SPEC): string {
  try {
    parseCommandArgs(args, spec);
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    return err.message;
  }
  assert.fail(`no usage error for ${args.join(' ')}`);
}

function run(args: string[], spec: CommandSpec<typeof SPEC.options> = SPEC): { result: unknown; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const result = commandArgs(args, { cwd: os.tmpdir(), stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, spec);
  return { result, stdout, stderr };
}

describe('parseCommandArgs', () => {
  it('parses every form the commands accept: --opt value, --opt=value, --no-x, short flags, repeats, positionals', () => {
    const p = parseCommandArgs(['a', '--out', 'o1', '--policy=latest', 'b', '--no-annotations', '--pdf', '-t', 'x', '--tag=y', '--out=o2'], SPEC);
    assert.notEqual(p, 'help');
    if (p === 'help') return;
    assert.deepEqual(p.positionals, ['a', 'b']);
    assert.equal(p.values.out, 'o2', 'the last of a repeated option wins');
    assert.equal(p.values.policy, 'latest');
    assert.equal(p.values['no-annotations'], true);
    assert.equal(p.values.pdf, true);
    assert.deepEqual(p.values.tag, ['x', 'y'], 'a multiple option collects every occurrence');
    assert.equal('help' in p.values, false);
    assert.deepEqual(p.rest, []);
    // An explicitly empty value is the command's to judge (e.g. "--out needs a directory").
    const empty = parseCommandArgs(['--out='], SPEC);
    assert.ok(empty !== 'help' && empty.values.out === '');
  });

  it('--help and -h win over other problems, unless they are a value or come after --', () => {
    assert.equal(parseCommandArgs(['--bogus', '--help'], SPEC), 'help');
    assert.equal(parseCommandArgs(['-h'], SPEC), 'help');
    assert.match(error(['--out', '--help']), /^--out needs a directory/);
    const after = parseCommandArgs(['a', '--', '--help'], SPEC);
    assert.ok(after !== 'help' && after.positionals.join() === 'a,--help');
  });

  it('an unknown option is named, with the option meant when it is a likely typo', () => {
    assert.equal(error(['--outt', 'dir']), 'unknown option --outt (did you mean --out?)');
    assert.equal(error(['--polcy=all']), 'unknown option --polcy (did you mean --policy?)');
    assert.equal(error(['--no-anotations']), 'unknown option --no-anotations (did you mean --no-annotations?)');
    assert.equal(error(['x', '--bogus-flag']), 'unknown option --bogus-flag');
    // A single-dash long option is named whole (parseArgs reads it as the short options -o -u -t).
    assert.equal(error(['-out', 'dir']), 'unknown option -out (did you mean --out?)');
    assert.equal(error(['-x']), 'unknown option -x');
  });

  it('a missing value says what the option needs; a value that looks like an option is not taken silently', () => {
    assert.equal(error(['a', '--out']), '--out needs a directory');
    assert.equal(error(['a', '--policy']), '--policy needs a value');
    assert.match(error(['--out', '--pdf']), /^--out needs a directory \(got the option-like --pdf; a value starting with "-" is written --out=--pdf\)$/);
    assert.equal(error(['--pdf=yes']), '--pdf takes no value');
  });

  it('unexpected positional arguments are named, with the hint of the command', () => {
    assert.equal(error(['a', 'b'], { ...SPEC, maxPositionals: 1 }), 'unexpected argument b');
    assert.equal(error(['a'], { ...SPEC, maxPositionals: 0, positionalHint: 'node --test arguments go after --' }), 'unexpected argument a (node --test arguments go after --)');
  });

  it('passthrough: everything after the first -- is returned unparsed', () => {
    const p = parseCommandArgs(['--out', 'o', '--', '--test-only', 'x.test.js', '--', '--bogus'], { ...SPEC, maxPositionals: 0, passthrough: true });
    assert.ok(p !== 'help');
    assert.equal(p.values.out, 'o');
    assert.deepEqual(p.positionals, []);
    assert.deepEqual(p.rest, ['--test-only', 'x.test.js', '--', '--bogus']);
  });
});

describe('commandArgs: the CLI edge', () => {
  it('prints the help to stdout and exits 0', () => {
    const r = run(['--help']);
    assert.equal(r.result, 0);
    assert.equal(r.stdout, HELP + '\n');
    assert.equal(r.stderr, '');
  });

  it('prints a usage error naming the command and the option, then the help, and exits 2', () => {
    const r = run(['a', '--outt', 'd']);
    assert.equal(r.result, 2);
    assert.equal(r.stderr, `llm-report demo: unknown option --outt (did you mean --out?)\n\n${HELP}\n`);
    assert.equal(r.stdout, '');
  });

  it('every command reports its bad options the same way (exit 2, "llm-report <command>: ...")', async () => {
    const cases: Array<[string[], string]> = [
      [['fold', 'a.ndjson', '--outt', 'x'], 'llm-report fold: unknown option --outt (did you mean --out?)'],
      [['aggregate', 'a', '--polcy', 'all'], 'llm-report aggregate: unknown option --polcy (did you mean --policy?)'],
      [['aggregate', 'a', '--policy'], 'llm-report aggregate: --policy needs a policy (merge, latest, all)'],
      [['annotate', 'run', '--concurency', '2'], 'llm-report annotate: unknown option --concurency (did you mean --concurrency?)'],
      [['annotate', 'run', '--model'], 'llm-report annotate: --model needs a name'],
      [['render', 'r.json', '--no-htm'], 'llm-report render: unknown option --no-htm (did you mean --no-html?)'],
      [['render', 'r.json', '--pdf=yes'], 'llm-report render: --pdf takes no value'],
      [['verify', 'd', '--fingerprnt', 'ab'], 'llm-report verify: unknown option --fingerprnt (did you mean --fingerprint?)'],
      [['verify', 'd', '--key'], 'llm-report verify: --key needs a PEM public key file'],
      [['bundle', 'd', '--out'], 'llm-report bundle: --out needs a file name'],
      [['trace', '--ot', 'x.csv'], 'llm-report trace: unknown option --ot (did you mean --out?)'],
      [['inventory', 'test/'], 'llm-report inventory: unexpected argument test/ (node --test arguments go after --)'],
      [['seal', 'a', 'b'], 'llm-report seal: unexpected argument b'],
      [['seal', '--force'], 'llm-report seal: unknown option --force'],
      [['cache', 'prune', '--dry-rn'], 'llm-report cache: unknown option --dry-rn (did you mean --dry-run?)'],
      [['cache', 'prune', '--max-age-days'], 'llm-report cache: --max-age-days needs a whole number'],
    ];
    for (const [args, first] of cases) {
      const r = await cliInProcess(args, os.tmpdir());
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.split('\n')[0], first, args.join(' '));
      assert.match(r.stderr, new RegExp(`\\n\\nUsage: llm-report ${args[0]} `), `${args.join(' ')}: the help follows`);
    }
  });

  it('annotate still refuses an API key on the command line without echoing it', async () => {
    const r = await cliInProcess(['annotate', 'run', '--api-key=sk-secret-value'], os.tmpdir());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^llm-report annotate: --api-key is not accepted: the key comes only from the environment variable named by llm\.api_key_env/);
    assert.doesNotMatch(r.stderr, /sk-secret-value/);
  });
});
