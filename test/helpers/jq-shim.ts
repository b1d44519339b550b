// `jq` for machines without it: the real jq compiled to WebAssembly (jq-wasm, a devDependency), run with
// the same arguments. jq-wasm reads its input from a string and has no files, so this reads the files
// (or stdin) and passes --slurpfile / --rawfile as --argjson / --arg. Used by the runnable-docs test
// (test/helpers/prereq.ts puts it on PATH as `jq` when the system has none).
import { readFileSync } from 'node:fs';
import * as jq from 'jq-wasm';

const TAKES_TWO = new Set(['--arg', '--argjson', '--slurpfile', '--rawfile']);
const TAKES_ONE = new Set(['--indent']);

async function main(argv: string[]): Promise<number> {
  const flags: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (TAKES_TWO.has(a)) {
      const [name, value] = [argv[++i]!, argv[++i]!];
      if (a === '--slurpfile') flags.push('--argjson', name, `[${(await jq.raw(readFileSync(value, 'utf8'), '.', ['-c'])).split('\n').filter(Boolean).join(',')}]`);
      else if (a === '--rawfile') flags.push('--arg', name, readFileSync(value, 'utf8'));
      else flags.push(a, name, value);
    } else if (TAKES_ONE.has(a)) flags.push(a, argv[++i]!);
    else if (a.startsWith('-') && a !== '-') flags.push(a);
    else positional.push(a);
  }
  const [filter = '.', ...files] = positional;
  const nullInput = flags.some((f) => f === '-n' || f === '--null-input' || /^-[a-zA-Z]*n/.test(f));
  const input = nullInput ? '' : files.length ? files.map((f) => readFileSync(f === '-' ? 0 : f, 'utf8')).join('\n') : readFileSync(0, 'utf8');
  let out: string;
  try {
    out = await jq.raw(input, filter, flags);
  } catch (err) {
    process.stderr.write(`${(err as Error).message.replace(/^Failed to execute raw query: /, '')}\n`);
    return 5;
  }
  if (out) process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
  if (flags.some((f) => f === '-e' || f === '--exit-status')) {
    const last = out.trimEnd().split('\n').pop();
    if (!out.trim()) return 4;
    if (last === 'null' || last === 'false') return 1;
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
