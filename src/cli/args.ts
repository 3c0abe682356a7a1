/** What the commands share beside their flags (./flags.ts): the usage error, number and duration formats, the command's name. */
import type { ModelConfig } from '../index.js';
import { relative } from 'node:path';

/** A usage error: the command line itself is wrong (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError' as const;
}

/** "1:02:03" / "2:05" for a number of seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** 12345.6 → "12,346". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * How the user can run this command again: `lstm` when installed as a bin, else the node
 * invocation that was used (in a checkout, `node dist/src/cli/main.js`).
 */
export function commandName(): string {
  const script = process.argv[1] ?? '';
  if (/(^|[/\\])lstm$/.test(script) || script.includes(`node_modules`)) return 'lstm';
  const relativePath = relative(process.cwd(), script);
  return `node ${relativePath.startsWith('..') || relativePath === '' ? script : relativePath}`;
}

/** A language model's network in a few words: "GRU, 2 layer(s) × 128, dropout 0.2, output dropout 0.2". */
export function describeNetwork(config: ModelConfig): string {
  const parts = [`${(config.cell ?? 'lstm').toUpperCase()}, ${config.numLayers} layer(s) × ${config.hiddenSize}`];
  if ((config.projSize ?? 0) > 0) parts.push(`projection ${config.projSize}`);
  if ((config.dropout ?? 0) > 0) parts.push(`dropout ${config.dropout}`);
  if ((config.outputDropout ?? 0) > 0) parts.push(`output dropout ${config.outputDropout}`);
  if ((config.recurrentDropout ?? 0) > 0) parts.push(`recurrent dropout ${config.recurrentDropout}`);
  return parts.join(', ');
}
