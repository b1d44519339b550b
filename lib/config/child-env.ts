// Environment of a `node --test` run the CLI starts for its own purposes (the inventory): the user's
// environment and configuration, with our outputs sent to a scratch directory and everything a
// listing must not do turned off (per-test coverage, journal, LLM calls, GitHub annotations).
export function inventoryRunEnv(outputDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  // A CLI started from inside a test must not make its run look like a test child, nor annotate a CI job.
  delete out.NODE_TEST_CONTEXT;
  delete out.GITHUB_ACTIONS;
  delete out.GITHUB_STEP_SUMMARY;
  return {
    ...out,
    LLM_REPORT_OUTPUT_DIR: outputDir,
    LLM_REPORT_COVERAGE__MODE: 'off',
    LLM_REPORT_JOURNAL: 'false',
    LLM_REPORT_HUMAN: 'never',
    LLM_REPORT_LLM__PROVIDER: 'none',
  };
}

/**
 * The module the inventory's test children import (as a data: URL: no file to ship or find): a root
 * beforeEach that throws, so no test body and no beforeEach hook of the suite runs. Inert outside a
 * test child (NODE_TEST_CONTEXT unset), i.e. in the `node --test` parent that imports it too.
 */
export function inventoryHookUrl(message: string): string {
  const code = `import{beforeEach}from'node:test';if(process.env.NODE_TEST_CONTEXT)beforeEach(()=>{throw new Error(${JSON.stringify(message)})});`;
  return `data:text/javascript,${encodeURIComponent(code)}`;
}
