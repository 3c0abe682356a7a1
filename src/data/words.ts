/** Word tokens: lower-cased runs of letters, digits and apostrophes ("Don't stop!" → don't, stop). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}
