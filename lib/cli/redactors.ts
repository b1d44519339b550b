// The redactors of a command that writes what it read (fold, aggregate, render, trace): its inputs are
// usually our own, already redacted, outputs (then this changes nothing), but may come from an older
// version or another tool. Configured like the reporter's (env secret values, redact.patterns); with a
// configuration that cannot be loaded, the built-in rules still apply.
import { loadConfig } from '../config/index.js';
import { createRedactor, pathRedactor, type RecordRedactors } from '../redact/index.js';

export function cliRedactors(cwd: string): RecordRedactors {
  let text;
  try {
    const loaded = loadConfig({ cwd });
    text = createRedactor({ secretValues: loaded.secret_values, patterns: loaded.config.redact.patterns, disabled: loaded.config.redact.disabled });
  } catch {
    text = createRedactor();
  }
  return { text, path: pathRedactor(text) };
}
