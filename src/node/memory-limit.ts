/**
 * The memory budget's default in Node (src/nn/memory-budget.ts): LSTM_MAX_MEMORY when set (a size
 * such as 512M or 4G, parsed strictly), else half of the memory this process may use: the machine's
 * (os.totalmem) or, when lower, the container's cgroup limit (process.constrainedMemory). Half,
 * because the budget counts the model's arrays only: the JavaScript heap, the training text and
 * its encoded copy, the kernels' own buffers and the rest of the machine need the other half, and
 * a process that goes past the physical memory is killed by the kernel with nothing printed.
 * `--max-memory SIZE` (any lstm command) and setMemoryLimit override it.
 */
import { totalmem } from 'node:os';
import { formatBytes, type MemoryLimit, parseMemorySize, setDefaultMemoryLimit } from '../index.js';

export function nodeMemoryLimit(env: NodeJS.ProcessEnv = process.env): MemoryLimit {
  const fromEnv = env['LSTM_MAX_MEMORY'];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { bytes: parseMemorySize(fromEnv, 'LSTM_MAX_MEMORY'), source: `LSTM_MAX_MEMORY=${fromEnv}` };
  }
  const machine = totalmem();
  const constrained = process.constrainedMemory?.() ?? 0; // 0 or 2^64 where there is no limit
  const usable = constrained > 0 && constrained < machine ? constrained : machine;
  const what = usable === machine ? "this machine's memory" : "this container's memory limit";
  return { bytes: Math.floor(usable / 2), source: `half of ${what}, ${formatBytes(usable)}` };
}

setDefaultMemoryLimit(nodeMemoryLimit);
