// Command dispatch for `llm-report`. Each command owns its help text.
import { foldCommand, FOLD_HELP } from './fold.js';
import { TOOL_NAME, TOOL_VERSION } from '../generated/version.js';
import type { CommandIO } from './io.js';

const COMMANDS: Record<string, { run: (args: string[], io: CommandIO) => number | Promise<number>; summary: string; help: string }> = {
  fold: { run: foldCommand, summary: 'fold saved NDJSON streams into report.json (recovers truncated journals)', help: FOLD_HELP },
};

export function mainHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: llm-report <command> [options]

${TOOL_NAME} ${TOOL_VERSION}: evidence-grade reports for node:test.
As a reporter: node --test --test-reporter=${TOOL_NAME}

Commands:
${rows.join('\n')}

Run 'llm-report <command> --help' for a command's options.`;
}

export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    const topic = cmd === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) io.stdout(COMMANDS[topic].help + '\n');
    else io.stdout(mainHelp() + '\n');
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.stdout(`${TOOL_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[cmd];
  if (!command) {
    io.stderr(`llm-report: unknown command "${cmd}"\n\n${mainHelp()}\n`);
    return 2;
  }
  return command.run(rest, io);
}
