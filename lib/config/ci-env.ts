// The CI environment: the only place that reads GITHUB_ACTIONS, GITHUB_STEP_SUMMARY and GITHUB_WORKSPACE.
import path from 'node:path';

export interface GithubEnv {
  /** GITHUB_ACTIONS=true: the run is a GitHub Actions step. */
  enabled: boolean;
  /** The file the job summary is appended to; unset outside a step (or in old runners). */
  stepSummary: string | undefined;
  /**
   * What to put before our cwd-relative paths so annotations name repository paths: the working
   * directory relative to GITHUB_WORKSPACE ('' at the root, or when the workspace is unknown).
   */
  pathPrefix: string;
}

export function githubEnv(cwd: string, env: NodeJS.ProcessEnv = process.env): GithubEnv {
  const workspace = env.GITHUB_WORKSPACE;
  let pathPrefix = '';
  if (workspace) {
    const rel = path.relative(path.resolve(workspace), path.resolve(cwd));
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) pathPrefix = rel.split(path.sep).join('/') + '/';
  }
  return { enabled: env.GITHUB_ACTIONS === 'true', stepSummary: env.GITHUB_STEP_SUMMARY || undefined, pathPrefix };
}
