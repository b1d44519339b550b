// Every relative link and #anchor in docs/**/*.md and README.md resolves, as GitHub renders them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO } from './helpers/run.js';
import { anchors, brokenLinks, docPages, links, slug } from './helpers/docs.js';

test('every relative link and anchor of the docs resolves', () => {
  const pages = docPages(REPO);
  assert.ok(pages.includes('README.md') && pages.includes('docs/getting-started.md') && pages.includes('docs/reference/line.md'), pages.join(', '));
  assert.deepEqual(brokenLinks(REPO, pages), []);
});

test('slugs follow GitHub: lower case, punctuation dropped, spaces to hyphens, duplicates numbered', () => {
  assert.equal(slug('`llm-report aggregate`'), 'llm-report-aggregate');
  assert.equal(slug('Coexistence with c8, NODE_V8_COVERAGE and --experimental-test-coverage'), 'coexistence-with-c8-node_v8_coverage-and---experimental-test-coverage');
  assert.equal(slug('Inventory: list tests without running them'), 'inventory-list-tests-without-running-them');
  assert.equal(slug('[Linked](x.md) heading'), 'linked-heading');
  assert.deepEqual([...anchors('# A\n## A\n```\n# not a heading\n```\n## A\n<a id="custom"></a>\n')], ['a', 'a-1', 'a-2', 'custom']);
});

test('links in code are not links', () => {
  const found = links('p.md', '[a](a.md) `[b](b.md)`\n\n    [c](c.md)\n\n```md\n[d](d.md)\n```\n![e](img/e.png)\n');
  assert.deepEqual(found.map((l) => l.target), ['a.md', 'img/e.png']);
});

test('the checker reports a missing file, a missing anchor, a link out of the repository, and accepts good links', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'llmr-links-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  mkdirSync(path.join(tmp, 'docs'));
  writeFileSync(path.join(tmp, 'README.md'), '# Top\n\n[ok](docs/a.md#a-heading) [self](#top) [gone](docs/missing.md)\n');
  writeFileSync(
    path.join(tmp, 'docs', 'a.md'),
    '# A heading\n\n[bad anchor](../README.md#nowhere) [outside](../../elsewhere.md) [dir](../docs) [web](https://nodejs.org/api/test.html#x)\n',
  );
  assert.deepEqual(brokenLinks(tmp, docPages(tmp)), [
    'README.md:3: docs/missing.md: no such file docs/missing.md',
    'docs/a.md:3: ../README.md#nowhere: no heading with anchor #nowhere in README.md',
    'docs/a.md:3: ../../elsewhere.md points outside the repository',
  ]);
});
