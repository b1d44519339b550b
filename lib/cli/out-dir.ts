// A command's --out directory: claimed before anything is written (lib/output/output-dir.ts), so `/`, the
// home directory, the project and directories of other tools are refused with a coded error.
import path from 'node:path';
import { claimOutputDir, OutputDirError } from '../output/output-dir.js';
import type { CommandIO } from './io.js';

/** undefined when `dir` may be written (it is then claimed), else the exit status after the error was said. */
export function claimOut(io: CommandIO, command: string, dir: string, option = '--out', newReport = false): number | undefined {
  try {
    claimOutputDir(path.resolve(io.cwd, dir), { option, cwd: io.cwd, newReport });
    return undefined;
  } catch (err) {
    io.stderr(`llm-report ${command}: ${err instanceof OutputDirError ? `${err.code}: ` : `cannot write to ${dir}: `}${(err as Error).message}\n`);
    return 2;
  }
}
