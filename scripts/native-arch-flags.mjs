// Prints the compiler flags that target the build machine's processor, for native/binding.gyp:
// -march=native where the compiler accepts it (x86-64, most ARM), else nothing (the kernels'
// portable 4-lane path). LSTM_NATIVE_PORTABLE=1 forces the portable build (to test that path).
import { spawnSync } from 'node:child_process';

const compiler = process.env.CXX ?? 'c++';
let flags = '';
if (process.env.LSTM_NATIVE_PORTABLE !== '1') {
  const probe = spawnSync(compiler, ['-march=native', '-x', 'c++', '-fsyntax-only', '-'], { input: 'int x;\n' });
  if (probe.status === 0) flags = '-march=native';
}
console.log(flags);
