// The one place that defines warning codes. Every code has a cause and a fix in
// docs/troubleshooting.md; a test keeps the two in step.
import type { Warning } from './types.js';

export const WARNING_CODES = {
  LLMR_NDJSON_BAD_LINE: 'A line of an NDJSON input is not valid JSON or does not match the line schema.',
  LLMR_NDJSON_NO_RUN_END: 'The stream has no run_end line: the run crashed or was killed before it finished.',
  LLMR_NDJSON_NO_RUN_START: 'The stream has no run_start line; run metadata is unknown.',
  LLMR_NDJSON_DUPLICATE: 'The same test line appears more than once in the input; the first is kept.',
  LLMR_TEST_INCOMPLETE: 'A test started but its result never arrived (process killed, process.exit, signal).',
  LLMR_RESULT_RECOVERED: "A test's result was lost between the test process and the reporter and was recovered from the in-child journal.",
  LLMR_FILE_EXITED_EARLY: 'A test file process ended before all of its tests reported; tests declared after that point are unknown.',
  LLMR_FILE_FAILED: 'A test file failed outside any test (syntax error, throwing import, non-zero exit).',
  LLMR_OUTPUT_UNWRITABLE: 'An output file could not be written; the NDJSON stream is still complete.',
  LLMR_OUTPUT_TRUNCATED: 'Captured output exceeded its cap and was truncated.',
  LLMR_CHILD_JOURNAL_UNREADABLE: 'An in-child journal could not be read; results it held may be missing.',
  LLMR_EVENT_UNEXPECTED: 'An event did not fit the test tree (unexpected nesting or name); it was kept as reported.',
  LLMR_CONFIG_ENV_IGNORED: 'An LLM_REPORT_* environment variable does not name a configuration option.',
  LLMR_REDACT_DISABLED: 'Redaction is turned off (redact.disabled): outputs may contain secrets. For debugging only.',
} as const;

export type WarningCode = keyof typeof WARNING_CODES;

export function warning(code: WarningCode, message: string, where: Omit<Warning, 'code' | 'message'> = {}): Warning {
  return { code, message, ...where };
}
