import { builtinModules } from 'node:module';

// Import rules for src/, checked by `npm test` and `npm run lint` (dependency-cruiser).
// The layer map they enforce, bottom to top (docs/architecture.md, "Who may import whom"):
//   errors, rng                       nothing of the project
//   kernels                           errors
//   audio                             errors, rng (signal processing: features from samples)
//   stats                             errors (statistical models: exponential smoothing, Theta)
//   nn, data                          kernels, errors, rng (data also audio and stats)
//   loss                              kernels, errors, rng, data (the targets it compares with)
//   optim                             kernels, nn (the parameter arena)
//   train                             optim, loss, nn, data
//   models                            train, nn, loss, data, optim
//   io                                models, nn, data
//   plot                              errors
//   tasks                             data, rng
//   classify, forecast, experiments   the layers above (features: pipelines, reports, metrics)
//   index.ts, onnx.ts                 all of the above; never node:*
//   node/                             the public API and node:*
//   serve/                            the public entry points (index, node/index) and node:* (the server)
//   cli/                              the public entry points only (index, onnx, node/index, serve/index)
// Each rule below names the folder it guards; a folder may import what lies below it, never what
// lies above. Type-only imports count too: a type is an import of its folder's vocabulary.

/** Node's own modules (fs, node:fs, …), as dependency-cruiser names them. */
const NODE_BUILTINS = `^(node:)?(${builtinModules.map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`;

/** A path pattern for folders (or single files) of src/. */
const under = (...names) => `^src/(${names.join('|')})(/|\\.ts$)`;

const FEATURES = ['classify', 'forecast', 'experiments'];
const ENTRIES = ['index', 'index\\.node', 'onnx', 'node', 'serve', 'cli'];

/** `folder` may not import any of `above`. */
function layer(name, folder, above, comment) {
  return {
    name: `layer-${name}`,
    comment,
    severity: 'error',
    from: { path: under(folder) },
    to: { path: under(...above) },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, between files or (so) between folders.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'kernels-import-only-errors',
      comment: 'src/kernels imports nothing of the project but src/errors.ts.',
      severity: 'error',
      from: { path: '^src/kernels/' },
      to: { path: '^src/', pathNot: ['^src/kernels/', '^src/errors\\.ts$'] },
    },
    {
      name: 'browser-entry-no-node',
      comment: 'The browser entry (src/index.ts and all it reaches) imports nothing from node:.',
      severity: 'error',
      from: { path: '^src/(index|onnx)\\.ts$' },
      to: { path: NODE_BUILTINS, reachable: true },
    },
    {
      name: 'browser-entry-no-node-core',
      comment: 'Only node/, serve/, cli/ and index.node.ts import Node core modules, so no browser path can reach one.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(node|serve|cli)/', '^src/index\\.node\\.ts$'] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'cli-imports-public-entries-only',
      comment: 'src/cli imports only the public entry points (index, onnx, node/index, serve/index) and cli/ itself.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/cli/',
          '^src/index\\.ts$',
          '^src/onnx\\.ts$',
          '^src/node/index\\.ts$',
          '^src/serve/index\\.ts$',
        ],
      },
    },
    {
      name: 'serve-imports-public-entries-only',
      comment: 'src/serve (the inference server, Node only) imports the public entry points and serve/ itself.',
      severity: 'error',
      from: { path: '^src/serve/' },
      to: { path: '^src/', pathNot: ['^src/serve/', '^src/index\\.ts$', '^src/node/index\\.ts$'] },
    },
    {
      name: 'layer-errors-rng',
      comment: 'errors and rng import nothing of the project.',
      severity: 'error',
      from: { path: '^src/(errors|rng)\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(errors|rng)\\.ts$' },
    },
    layer(
      'nn',
      'nn',
      ['optim', 'train', 'models', 'io', 'plot', 'tasks', ...FEATURES, ...ENTRIES],
      'nn never imports train, models, io or cli.',
    ),
    layer(
      'loss',
      'loss',
      ['nn', 'optim', 'train', 'models', 'io', 'plot', 'tasks', ...FEATURES, ...ENTRIES],
      'loss imports kernels, errors, rng, and data (a loss compares predictions with its targets).',
    ),
    layer(
      'data',
      'data',
      ['nn', 'loss', 'optim', 'train', 'models', 'io', 'plot', 'tasks', ...FEATURES, ...ENTRIES],
      'data imports kernels, errors, rng.',
    ),
    layer(
      'optim',
      'optim',
      ['loss', 'data', 'train', 'models', 'io', 'plot', 'tasks', ...FEATURES, ...ENTRIES],
      'optim imports kernels and nn.',
    ),
    layer(
      'train',
      'train',
      ['models', 'io', 'plot', 'tasks', ...FEATURES, ...ENTRIES],
      'train imports optim, loss, nn, data.',
    ),
    layer(
      'models',
      'models',
      ['io', 'plot', 'tasks', ...FEATURES, ...ENTRIES],
      'models import train, nn, loss, data, optim.',
    ),
    layer('io', 'io', ['plot', 'tasks', ...FEATURES, ...ENTRIES], 'io imports models, nn, data.'),
    layer(
      'plot',
      'plot',
      ['kernels', 'nn', 'loss', 'data', 'optim', 'train', 'models', 'io', 'tasks', ...FEATURES, ...ENTRIES],
      'plot is pure drawing: errors only.',
    ),
    layer(
      'audio',
      'audio',
      ['kernels', 'nn', 'loss', 'data', 'optim', 'train', 'models', 'io', 'plot', 'tasks', ...FEATURES, ...ENTRIES],
      'audio is signal processing: errors and rng only.',
    ),
    layer(
      'stats',
      'stats',
      [
        'kernels',
        'nn',
        'loss',
        'data',
        'optim',
        'train',
        'models',
        'io',
        'plot',
        'audio',
        'tasks',
        ...FEATURES,
        ...ENTRIES,
      ],
      'stats is numerical statistics: errors (and rng) only.',
    ),
    layer(
      'tasks',
      'tasks',
      ['nn', 'loss', 'optim', 'train', 'models', 'io', 'plot', ...FEATURES, ...ENTRIES],
      'tasks import data and rng.',
    ),
    layer('features', FEATURES.join('|'), ENTRIES, 'feature folders are below the public entry points.'),
    layer(
      'entries',
      'index|onnx',
      ['node', 'cli', 'index\\.node'],
      'the browser entries never reach the Node entry or the CLI.',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
