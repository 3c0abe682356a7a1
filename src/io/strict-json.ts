/**
 * JSON as a model file must hold it: JSON.parse keeps the last of two equal keys silently, so a
 * header or entry that names a key twice could carry a second, different value past every check.
 * parseStrictJson parses, then scans the text once (linear time, a stack of the open objects'
 * keys) and reports the first key an object names twice.
 */

/** The parsed value, or the reason the text is not strict JSON (a syntax error or a repeated key). */
export function parseStrictJson(text: string): { value: unknown } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'is not valid JSON' };
  }
  const repeated = firstRepeatedKey(text);
  if (repeated !== null)
    return { problem: `names the key ${JSON.stringify(repeated.slice(0, 80))} twice in one object` };
  return { value };
}

/**
 * One open object or array of the scan. An object keeps its first key as a string and makes a set
 * only when a second key comes (most objects of a header hold one or a few keys).
 */
interface Frame {
  isObject: boolean;
  expectKey: boolean;
  first: string | null;
  keys: Set<string> | null;
}

/** The first key named twice in one object of `text` (valid JSON), or null. */
function firstRepeatedKey(text: string): string | null {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x7b /* { */) stack.push({ isObject: true, expectKey: true, first: null, keys: null });
    else if (ch === 0x5b /* [ */) stack.push({ isObject: false, expectKey: false, first: null, keys: null });
    else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) stack.pop();
    else if (ch === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.isObject === true) top.expectKey = true;
    } else if (ch === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; text.charCodeAt(i) !== 0x22; i++)
        if (text.charCodeAt(i) === 0x5c /* \ */) {
          escaped = true;
          i++;
        }
      const top = stack[stack.length - 1];
      if (top === undefined || !top.expectKey) continue;
      top.expectKey = false;
      // the key as JSON.parse reads it, so "a" and "\u0061" are the same key
      const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      if (top.first === null) top.first = key;
      else {
        top.keys ??= new Set([top.first]);
        if (top.keys.has(key)) return key;
        top.keys.add(key);
      }
    }
  }
  return null;
}
