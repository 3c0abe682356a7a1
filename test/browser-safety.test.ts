import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

// The core (everything but src/node, src/serve and src/cli) must run in a browser: no node:* imports, and no
// imports of the Node-only folders. Checked on the compiled output, which is what ships.
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node' || name === 'serve' || name === 'cli' ? [] : files(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

it('the library core imports nothing from Node, so it runs in browsers', () => {
  const core = files(join('dist', 'src'));
  assert.ok(core.length > 10, 'compiled core files not found');
  for (const file of core) {
    const source = readFileSync(file, 'utf8');
    const imports = [...source.matchAll(/(?:import|export)[^'"]*from\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
    for (const spec of imports) {
      assert.ok(!spec.startsWith('node:') && !/\/(node|serve|cli)\//.test(spec), `${file} imports ${spec}`);
    }
  }
});
