// The CI environment: the only place that reads GITHUB_ACTIONS, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE and
// the run's address (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID), and a pull request's base
// branch (GITHUB_EVENT_NAME, GITHUB_BASE_REF).
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
  /**
   * The workflow run's page, `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`,
   * where its artifacts are listed; undefined when any part is missing or malformed.
   */
  runUrl: string | undefined;
}

/** https://github.com or a GitHub Enterprise host: an http(s) origin, nothing after it. */
function serverUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password || u.search || u.hash) return undefined;
    return u.origin + u.pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

export function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  const server = serverUrl(env.GITHUB_SERVER_URL);
  const repo = env.GITHUB_REPOSITORY ?? '';
  const id = env.GITHUB_RUN_ID ?? '';
  if (!server || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) || !/^\d{1,20}$/.test(id)) return undefined;
  return `${server}/${repo}/actions/runs/${id}`;
}

export function githubEnv(cwd: string, env: NodeJS.ProcessEnv = process.env): GithubEnv {
  const workspace = env.GITHUB_WORKSPACE;
  let pathPrefix = '';
  if (workspace) {
    const rel = path.relative(path.resolve(workspace), path.resolve(cwd));
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) pathPrefix = rel.split(path.sep).join('/') + '/';
  }
  return { enabled: env.GITHUB_ACTIONS === 'true', stepSummary: env.GITHUB_STEP_SUMMARY || undefined, pathPrefix, runUrl: runUrl(env) };
}

/** Where the base of a change comes from, and the ref. */
export interface ChangesBase {
  base: string;
  from: 'cli' | 'option' | 'github';
}

/**
 * The base a change is measured from: --base, else option changes.base ('none': off), else on a GitHub
 * pull request `origin/<GITHUB_BASE_REF>` (actions/checkout names the remote origin), for a directory
 * inside the job's checkout (GITHUB_WORKSPACE). A branch name that is not plainly one (spaces, a
 * leading '-', control characters) is not used.
 */
export function changesBase(cli: string | undefined, option: string, cwd: string, env: NodeJS.ProcessEnv = process.env): ChangesBase | undefined {
  if (cli !== undefined) return { base: cli, from: 'cli' };
  if (option === 'none') return undefined;
  if (option) return { base: option, from: 'option' };
  const event = env.GITHUB_EVENT_NAME ?? '';
  const ref = env.GITHUB_BASE_REF ?? '';
  const ws = env.GITHUB_WORKSPACE ? path.relative(path.resolve(env.GITHUB_WORKSPACE), path.resolve(cwd)) : '..';
  if (ws.startsWith('..') || path.isAbsolute(ws)) return undefined;
  if (env.GITHUB_ACTIONS === 'true' && /^pull_request/.test(event) && /^[A-Za-z0-9_.][A-Za-z0-9_./-]{0,200}$/.test(ref)) return { base: `origin/${ref}`, from: 'github' };
  return undefined;
}
