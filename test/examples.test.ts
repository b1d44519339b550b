// Every example under examples/ runs as its README says, on a copy installed as npm would install it,
// and produces a real report with the figures the README promises. The commands come from the README's
// labelled shell blocks (and the workflow file for sharded-ci), never from this file, so docs and
// examples cannot drift from what is tested.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import picomatch from 'picomatch';
import { cleanEnv, NODE, REPO } from './helpers/run.js';
import { EXAMPLES, exampleNames, installExample, output, readmeBlocks, readPackage, removeInstalled, runBlock, shBlocks } from './helpers/examples.js';
import { matrixEntries, parseWorkflow, runWorkflow, stepRun, type WorkflowRun } from './helpers/github-workflow.js';
import { readOutputs, statuses, type Outputs } from './helpers/aggregate.js';
import { flipByte } from './helpers/evidence.js';
import type { Report, TestLine } from '../lib/types.js';

const readReport = (dir: string, out = 'llm-report'): Report => JSON.parse(readFileSync(path.join(dir, out, 'report.json'), 'utf8')) as Report;
const byName = (r: Report, name: string): TestLine => {
  const t = r.tests.find((x) => x.name === name);
  assert.ok(t, `test "${name}" in the report`);
  return t;
};
/** 1-based line of the only line of `file` containing `text`. */
const lineOf = (file: string, text: string): number => {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  assert.equal(at.length, 1, `exactly one line of ${file} holds ${JSON.stringify(text)}`);
  return at[0]!;
};
/** The lines a test executed in `file`, expanded from its ranges. */
const ranLines = (t: TestLine, file: string): Set<number> =>
  new Set((t.coverage ?? []).filter((c) => c.file === file).flatMap((c) => c.lines.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i))));

after(removeInstalled);

/** Labels of the blocks each example's test runs (plus `install`, which installExample stands for). */
const RUNS: Record<string, string[]> = {
  minimal: ['run'],
  typescript: ['run', 'strip-types'],
  traceability: ['run', 'audit'],
  'sharded-ci': ['run'],
};

it('every example has a README whose shell blocks this file runs, all of them', () => {
  assert.deepEqual(exampleNames(), Object.keys(RUNS).sort());
  for (const [name, labels] of Object.entries(RUNS)) {
    const blocks = readmeBlocks(name);
    assert.deepEqual([...blocks.keys()].sort(), ['install', ...labels].sort(), `examples/${name}/README.md`);
    // What installExample emulates: the reporter and the package's other dev dependencies.
    assert.equal(blocks.get('install')!.text, 'npm install\n', `examples/${name}/README.md install block`);
  }
});

it('an unlabelled shell block in a README is an error naming its line, so no command goes untested', () => {
  assert.throws(() => shBlocks('# x\n\n```sh\nnpm test\n```\n', 'examples/x/README.md'), /^Error: examples\/x\/README\.md:3: a sh block needs a label/);
  assert.deepEqual(shBlocks('```yaml\na: 1\n```\n```sh run\nnpm test\n```\n', 'R'), [{ label: 'run', text: 'npm test\n', line: 4 }]);
});

describe('examples/minimal', () => {
  it('npm test writes a report: 3 passed tests, each with the lines of src/dose.js it ran', () => {
    const dir = installExample('minimal');
    const r = runBlock(dir, readmeBlocks('minimal').get('run')!.text);
    assert.equal(r.status, 0, output(r));
    assert.match(r.stdout, /ℹ pass 3/, 'node\'s spec reporter on the terminal');
    const report = readReport(dir);
    assert.equal(report.run.status, 'passed');
    assert.deepEqual(report.warnings, []);
    assert.equal(report.summary.tests, 3);
    assert.equal(report.summary.passed, 3);
    const src = path.join(dir, 'src', 'dose.js');
    const guard = lineOf(src, 'throw new RangeError');
    const dose = lineOf(src, 'return Math.min');
    for (const name of ['scales with weight', 'caps at the maximum dose']) {
      const ran = ranLines(byName(report, name), 'src/dose.js');
      assert.ok(ran.has(guard) && ran.has(dose), `${name}: ${[...ran].join(", ")}`);
    }
    const threw = ranLines(byName(report, 'rejects a non-positive weight'), 'src/dose.js');
    assert.ok(threw.has(guard) && !threw.has(dose), `it threw at the guard: ${[...threw].join(", ")}`);
    assert.ok(readFileSync(path.join(dir, 'llm-report', 'report.html'), 'utf8').includes('rejects a non-positive weight'));
    assert.match(readFileSync(path.join(dir, 'llm-report', 'coverage', 'lcov.info'), 'utf8'), /^SF:src\/dose\.js$/m);
  });
});

describe('examples/typescript', () => {
  const src = 'src/glucose.ts';
  /** Per-test coverage on .ts lines, told apart by the branch each test took. */
  const checkTs = (dir: string, report: Report): void => {
    assert.deepEqual(report.warnings, []);
    assert.equal(report.summary.passed, 4);
    assert.equal(report.summary.tests, 4);
    const keep = lineOf(path.join(dir, src), 'return reading.value;');
    const convert = lineOf(path.join(dir, src), 'const mmol: number');
    const normal = lineOf(path.join(dir, src), "return 'normal';");
    const kept = ranLines(byName(report, 'keeps mmol/L as is'), src);
    const converted = ranLines(byName(report, 'converts mg/dL'), src);
    assert.ok(kept.has(keep) && !kept.has(convert), `keeps mmol/L: ${[...kept].join(", ")}`);
    assert.ok(converted.has(convert) && !converted.has(keep), `converts mg/dL: ${[...converted].join(", ")}`);
    for (const t of report.tests) {
      assert.equal(t.file, 'test/glucose.test.ts', `${t.name}: located in the .ts test file`);
      assert.deepEqual(t.coverage?.map((c) => c.file), [src], `${t.name}: coverage of .ts files only`);
      assert.ok(!ranLines(t, src).has(normal), `no test reaches line ${normal}`);
    }
    assert.ok(report.coverage!.files.every((f) => f.file.endsWith('.ts')), JSON.stringify(report.coverage!.files.map((f) => f.file)));
    const file = report.coverage!.files.find((f) => f.file === src)!;
    // As c8 counts it (v8-to-istanbul): the return no test reached, and the closing brace after it.
    assert.equal(file.lines.total - file.lines.covered, 2, `only lines ${normal} and ${normal + 1} are uncovered`);
  };

  it('npm test compiles with tsc and reports the .ts lines each test ran (through source maps)', () => {
    const dir = installExample('typescript');
    const r = runBlock(dir, readmeBlocks('typescript').get('run')!.text);
    assert.equal(r.status, 0, output(r));
    checkTs(dir, readReport(dir));
    assert.match(readFileSync(path.join(dir, 'llm-report', 'coverage', 'lcov.info'), 'utf8'), /^SF:src\/glucose\.ts$/m);
  });

  it('a failing assertion is located on its .ts line (--enable-source-maps in the test script)', () => {
    const dir = installExample('typescript');
    const test = path.join(dir, 'test', 'glucose.test.ts');
    writeFileSync(test, readFileSync(test, 'utf8').replace('assert.equal(toMmolPerL(fasting), 5);', 'assert.equal(toMmolPerL(fasting), 6);'));
    const r = runBlock(dir, readmeBlocks('typescript').get('run')!.text);
    assert.notEqual(r.status, 0, 'npm test fails');
    const failed = byName(readReport(dir), 'converts mg/dL');
    assert.equal(failed.status, 'failed');
    assert.deepEqual([failed.failure?.location?.file, failed.failure?.location?.line], ['test/glucose.test.ts', lineOf(test, 'toMmolPerL(fasting), 6')]);
  });

  const strips = spawnSync(NODE, ['-p', 'process.features.typescript ?? false'], { encoding: 'utf8', env: cleanEnv() }).stdout.trim();
  it('with node\'s type stripping: the same .ts lines, no build step', { skip: !['strip', 'transform'].includes(strips) && `node ${process.version} does not strip types` }, () => {
    const dir = installExample('typescript');
    const r = runBlock(dir, readmeBlocks('typescript').get('strip-types')!.text);
    assert.equal(r.status, 0, output(r));
    checkTs(dir, readReport(dir));
  });
});

describe('examples/traceability', () => {
  let dir: string;
  let run: ReturnType<typeof runBlock>;
  let report: Report;
  const blocks = readmeBlocks('traceability');
  before(() => {
    dir = installExample('traceability');
    run = runBlock(dir, blocks.get('run')!.text);
    report = readReport(dir);
  });

  it('npm test, signed with a fresh key, passes; the trace matrix lists each requirement with its tests and statuses', () => {
    assert.equal(run.status, 0, output(run));
    assert.equal(report.run.status, 'passed');
    assert.deepEqual(report.warnings.map((w) => `${w.code} ${w.message}`), ['LLMR_TRACE_UNTESTED 1 requirement(s) of the catalogue have no test: REQ-106']);
    const csv = readFileSync(path.join(dir, 'trace.csv'), 'utf8');
    assert.equal(csv, readFileSync(path.join(dir, 'llm-report', 'requirements.csv'), 'utf8'), 'llm-report trace gives the sealed requirements.csv');
    const [head, ...rows] = csv.trimEnd().split('\n').map((l) => l.split(','));
    assert.deepEqual(head, ['requirement', 'title', 'requirement_status', 'test_id', 'test_name', 'test_file', 'test_line', 'test_status', 'requirement_coverage', 'in_catalogue']);
    const matrix: Record<string, string[]> = {};
    for (const r of rows) (matrix[`${r[0]} ${r[2]}`] ??= []).push(r[4] ? `${r[4]}: ${r[7]}` : '(no test)');
    assert.deepEqual(matrix, {
      'REQ-101 passed': ['rate is volume over time: passed', 'rate is capped at the pump maximum: passed'],
      'REQ-102 passed': ['rate is capped at the pump maximum: passed'],
      'REQ-103 passed': ['rejects a zero infusion time: passed', 'rejects a negative volume: passed'],
      'REQ-104 passed': ['display > rounds to 0.1 mL/h: passed', 'display > keeps a trailing zero: passed'],
      'REQ-105 untested': ['occlusion raises an alarm: todo'],
      'REQ-106 untested': ['(no test)'],
    });
    // The same matrix in report.json, each test id pointing at a test of the run.
    assert.deepEqual(report.requirements!.map((q) => [q.id, q.status, q.tests.length]), [['REQ-101', 'passed', 2], ['REQ-102', 'passed', 1], ['REQ-103', 'passed', 2], ['REQ-104', 'passed', 2], ['REQ-105', 'untested', 1], ['REQ-106', 'untested', 0]]);
    const ids = new Set(report.tests.map((t) => t.id));
    assert.ok(report.requirements!.every((q) => q.tests.every((id) => ids.has(id))));
    assert.deepEqual(report.provenance?.inputs?.map((i) => i.path), ['requirements/catalogue.csv', 'requirements/mapping.yaml']);
    assert.deepEqual(report.provenance?.responsible, { name: 'Dana Reviewer', role: 'V&V engineer' });
  });

  it('is signed with the key whose fingerprint was recorded, and no key material reaches the output', () => {
    const fingerprint = readFileSync(path.join(dir, 'key-fingerprint.txt'), 'utf8').trim();
    assert.match(fingerprint, /^[0-9a-f]{64}$/);
    assert.deepEqual(report.integrity?.signature, { algorithm: 'ecdsa-p256-sha256', key_fingerprint: fingerprint });
    for (const f of readdirSync(path.join(dir, 'llm-report'), { recursive: true }) as string[]) {
      const p = path.join(dir, 'llm-report', f);
      if (statSync(p).isFile()) assert.doesNotMatch(readFileSync(p, 'utf8'), /PRIVATE KEY/, f);
    }
  });

  it('the audit passes: verify with the pinned fingerprint, bundle, sha256sum -c and openssl on the unpacked bundle', () => {
    const r = runBlock(dir, blocks.get('audit')!.text);
    assert.equal(r.status, 0, output(r));
    assert.match(r.stdout, /^PASS {2}llm-report \(directory/m);
    assert.match(r.stdout, /^PASS {2}evidence\.tar \(bundle/m);
    assert.match(r.stdout, /trusted fingerprint/);
    assert.match(r.stdout, /^results\.ndjson: OK$/m);
    assert.match(r.stdout, /^Verified OK$/m);
  });

  it('the same audit fails after one byte of the evidence changed, naming the file', () => {
    const tampered = installExample('traceability');
    cpSync(path.join(dir, 'llm-report'), path.join(tampered, 'llm-report'), { recursive: true });
    cpSync(path.join(dir, 'key-fingerprint.txt'), path.join(tampered, 'key-fingerprint.txt'));
    flipByte(path.join(tampered, 'llm-report', 'report.json'));
    const r = runBlock(tampered, blocks.get('audit')!.text);
    assert.equal(r.status, 1, output(r));
    assert.match(r.stdout + r.stderr, /^FAIL {2}report\.json: /m);
    assert.ok(!existsSync(path.join(tampered, 'evidence.tar')), 'stopped at the first command');
    // And in the unpacked bundle, sha256sum -c (the audit block's own line) names the changed file.
    const check = blocks.get('audit')!.text.split('\n').find((l) => l.startsWith('sha256sum'))!;
    flipByte(path.join(dir, 'audit', 'results.ndjson'));
    const c = runBlock(path.join(dir, 'audit'), check);
    assert.notEqual(c.status, 0);
    assert.match(c.stdout, /^results\.ndjson: FAILED$/m);
  });
});

describe('examples/sharded-ci', () => {
  const exampleDir = path.join(EXAMPLES, 'sharded-ci');
  const wf = parseWorkflow(readFileSync(path.join(exampleDir, '.github', 'workflows', 'test.yml'), 'utf8'));
  let ran: WorkflowRun;
  let whole: Outputs;
  let agg: Outputs;
  let unsharded: string;
  const installs: string[] = [];
  // Where the workflow puts things, read from it: the shard step, the aggregate step and its --out.
  const shardStep = wf.jobs.test!.steps.find((s) => s.run?.includes('--test-shard='))!;
  const aggStep = wf.jobs.report!.steps.find((s) => s.run?.includes('llm-report aggregate'))!;
  const aggOut = /--out\s+(\S+)/.exec(aggStep?.run ?? '')?.[1] ?? '';
  const download = wf.jobs.report!.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
  before(() => {
    ran = runWorkflow(wf, {
      checkout: () => installExample('sharded-ci'),
      install: (run) => {
        if (run.trim() !== 'npm install') return false;
        installs.push(run);
        return true;
      },
      // What GitHub sets: the reporter then writes the job summary (and annotations).
      env: (dir) => ({ GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: path.join(dir, 'job-summary.md') }),
    });
    const failed = ran.steps.find((x) => x.status !== 0);
    assert.ok(!failed, failed && `${failed.job} ${JSON.stringify(failed.matrix)}: ${failed.step}: exit ${failed.status}\n${failed.stdout}\n${failed.stderr}`);
    unsharded = installExample('sharded-ci');
    const r = runBlock(unsharded, readmeBlocks('sharded-ci').get('run')!.text);
    assert.equal(r.status, 0, output(r));
    whole = readOutputs(path.join(unsharded, 'llm-report'));
    agg = readOutputs(path.join(ran.checkouts.get('report')!, aggOut));
  });
  after(() => ran && rmSync(ran.store, { recursive: true, force: true }));

  it('the workflow parses, shards 1..4 with npm test\'s own command plus --test-shard=N/4, and every job installs', () => {
    assert.ok(shardStep && aggStep && aggOut && download, 'a shard step, an aggregate step with --out, a download step');
    const commands = matrixEntries(wf.jobs.test!).map((m) => stepRun(shardStep, m)!);
    assert.deepEqual(commands.map((c) => /--test-shard=(\S+)/.exec(c)![1]), ['1/4', '2/4', '3/4', '4/4']);
    // The shard command is the unsharded `npm test` script plus the shard: both runs compare like with like.
    const words = (c: string) => c.trim().split(/\s+/).filter((w) => !w.startsWith('--test-shard=')).sort();
    for (const c of commands) assert.deepEqual(words(c), words(readPackage(exampleDir).scripts!.test!));
    assert.equal(installs.length, 5, '4 shard jobs and the report job');
    assert.deepEqual([...ran.checkouts.keys()], ['test (1)', 'test (2)', 'test (3)', 'test (4)', 'report']);
  });

  it('runs every step of every job successfully, each shard a part of the suite', () => {
    for (const s of ran.steps) assert.equal(s.status, 0, `${s.job} ${JSON.stringify(s.matrix)}: ${s.step}\n${s.stdout}\n${s.stderr}`);
    assert.deepEqual([...ran.artifacts.keys()], ['llm-report-shard-1', 'llm-report-shard-2', 'llm-report-shard-3', 'llm-report-shard-4', 'llm-report']);
    const perShard = [1, 2, 3, 4].map((i) => readOutputs(ran.artifacts.get(`llm-report-shard-${i}`)!).report.tests.length);
    assert.ok(perShard.every((n) => n > 0 && n < whole.report.tests.length), `tests per shard: ${perShard.join(", ")}`);
    assert.equal(perShard.reduce((a, b) => a + b), whole.report.tests.length);
  });

  it('the aggregate equals the unsharded npm test run: ids, statuses, counts, line coverage', () => {
    assert.equal(agg.report.run.status, 'passed');
    // The figures examples/sharded-ci/README.md gives.
    assert.deepEqual([whole.report.summary.tests, whole.report.summary.passed, whole.report.summary.skipped, whole.report.summary.suites], [14, 13, 1, 2]);
    assert.deepEqual(statuses(agg.report), statuses(whole.report));
    assert.deepEqual(agg.report.summary, whole.report.summary);
    // Whole-run line coverage: the aggregate's lcov is the unsharded run's, byte for byte.
    const lcov = (d: string) => readFileSync(path.join(d, 'coverage', 'lcov.info'), 'utf8');
    assert.match(lcov(path.join(unsharded, 'llm-report')), /^SF:src\/specimen\.js$/m);
    assert.equal(lcov(path.join(ran.checkouts.get('report')!, aggOut)), lcov(path.join(unsharded, 'llm-report')));
    const info = agg.report.aggregate!;
    assert.equal(info.policy, 'merge');
    assert.deepEqual(info.groups.map((g) => g.shards), [['1/4', '2/4', '3/4', '4/4']]);
    // One source per downloaded shard artifact: <download path>/<artifact name>/results.ndjson.
    const isShard = picomatch(String(download.with!.pattern));
    const shardArtifacts = [...ran.artifacts.keys()].filter((n) => isShard(n)).sort();
    assert.equal(shardArtifacts.length, 4);
    assert.deepEqual(info.sources.map((x) => x.path), shardArtifacts.map((n) => `${download.with!.path}/${n}/results.ndjson`));
  });

  it('writes the job summaries GitHub shows: each shard\'s, and the aggregate\'s with its four sources', () => {
    for (const [job, dir] of ran.checkouts) assert.ok(existsSync(path.join(dir, 'job-summary.md')), job);
    // Markdown-escaped text (\- \.) read as it renders.
    const summary = readFileSync(path.join(ran.checkouts.get('report')!, 'job-summary.md'), 'utf8').replace(/\\(.)/g, '$1');
    assert.match(summary, /Aggregate: policy merge, 4 runs in 1 group/);
    for (const x of agg.report.aggregate!.sources) assert.ok(summary.includes(`| ${x.path} | ${x.shard} | passed |`), summary);
  });
});

describe('npm run example (the README\'s first command)', () => {
  it('runs on a checkout without an llm-report directory and writes the report', () => {
    // The script runs against its own checkout: give it one (its files, the built dist, our node_modules).
    const root = mkdtempSync(path.join(os.tmpdir(), 'llmr-example-'));
    try {
      mkdirSync(path.join(root, 'scripts'));
      cpSync(path.join(REPO, 'scripts', 'example.mjs'), path.join(root, 'scripts', 'example.mjs'));
      cpSync(path.join(REPO, 'examples', 'minimal'), path.join(root, 'examples', 'minimal'), { recursive: true, filter: (f) => !f.includes(`${path.sep}llm-report`) });
      cpSync(path.join(REPO, 'package.json'), path.join(root, 'package.json'));
      for (const d of ['dist', 'node_modules', 'schemas', 'templates']) symlinkSync(path.join(REPO, d), path.join(root, d), 'dir');
      const r = spawnSync(NODE, [path.join(root, 'scripts', 'example.mjs'), '--no-build'], { cwd: root, env: cleanEnv(), encoding: 'utf8' });
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      const report = JSON.parse(readFileSync(path.join(root, 'llm-report', 'report.json'), 'utf8')) as { summary: { passed: number; tests: number } };
      assert.deepEqual([report.summary.passed, report.summary.tests], [3, 3]);
      assert.ok(readFileSync(path.join(root, 'llm-report', 'stream.ndjson'), 'utf8').includes('"type":"run_end"'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
