/** The `lstm` command as the CLI tests run it: a child process on the built entry point. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join('dist', 'src', 'cli', 'main.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `lstm ARGS…` to completion (default limit 120 s); env adds to the test's environment. */
export function runCli(
  args: readonly string[],
  opts: { timeoutMs?: number; env?: Record<string, string> } = {},
): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    env: { ...process.env, ...opts.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
