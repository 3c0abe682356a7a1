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

/** One open object or array of the scan: an object's keys so far, and whether a key comes next. */
interface Frame {
  keys: Set<string> | null; // null for an array
  expectKey: boolean;
}

/** The first key named twice in one object of `text` (valid JSON), or null. */
function firstRepeatedKey(text: string): string | null {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x7b /* { */) stack.push({ keys: new Set(), expectKey: true });
    else if (ch === 0x5b /* [ */) stack.push({ keys: null, expectKey: false });
    else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) stack.pop();
    else if (ch === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top !== undefined && top.keys !== null) top.expectKey = true;
    } else if (ch === 0x22 /* " */) {
      const start = i;
      for (i++; text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      const top = stack[stack.length - 1];
      if (top?.keys != null && top.expectKey) {
        // the key as JSON.parse reads it, so "a" and "\u0061" are the same key
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectKey = false;
      }
    }
  }
  return null;
}
