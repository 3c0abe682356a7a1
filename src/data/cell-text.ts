/**
 * Values from a file as messages quote them: a cell cut to its first 80 characters, a list of
 * names cut to its first few, so that an error about a 1-MB cell or a 100,000-column header stays
 * a line a person can read.
 */

/** Characters of a cell or name a message quotes at most. */
export const QUOTED_CHARACTERS = 80;
/** Names a message lists at most. */
export const LISTED_NAMES = 10;

/** The text, or its first `max` characters (code points) and '…'. */
export function cutText(text: string, max = QUOTED_CHARACTERS): string {
  if (text.length <= max) return text;
  const chars = [...text.slice(0, 2 * max)];
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}…`;
}

/** 'text' in single quotes; a cut one says its full length: 'abc…' (1,000,000 characters). */
export function quoteCell(text: string): string {
  const cut = cutText(text);
  return cut === text ? `'${text}'` : `'${cut}' (${text.length.toLocaleString('en-US')} characters)`;
}

/** "a, b, c", or the first LISTED_NAMES names (each cut) and "and 12,345 more". */
export function listNames(names: readonly string[]): string {
  const shown = names
    .slice(0, LISTED_NAMES)
    .map((name) => cutText(name))
    .join(', ');
  const rest = names.length - LISTED_NAMES;
  return rest > 0 ? `${shown} and ${rest.toLocaleString('en-US')} more` : shown;
}
