/**
 * The shard files of a TensorFlow.js model, looked at before they are read: each must be a
 * regular file (not a folder, a device such as /dev/zero, or a pipe) no longer than the bytes its
 * weight group needs, so a manifest that points at something huge or endless is refused at once.
 */
import { statSync } from 'node:fs';
import { ModelFileError } from '../errors.js';

/** Refuse a shard that is not a regular file, or is longer than `maxBytes` (its group's weights). */
export function checkShardFile(path: string, shown: string, maxBytes: number, who: string): void {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new ModelFileError(who, `weight shard '${shown}' is not a regular file.`);
    size = stat.size;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    const code = (e as { code?: string }).code;
    throw new ModelFileError(
      who,
      code === 'ENOENT' ? `there is no weight shard at ${path}.` : `weight shard ${path} cannot be read (${code}).`,
      'model.json names its shards relative to its own folder.',
    );
  }
  if (size > maxBytes) {
    throw new ModelFileError(
      who,
      `weight shard '${shown}' holds ${size} bytes, more than its whole group's weights need (${maxBytes}).`,
      'extra bytes at the end of a shard, or a shard of another model?',
    );
  }
}
