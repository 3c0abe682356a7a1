/**
 * A 5×7 bitmap font with two descender rows, for text in raster charts (no font files, no canvas).
 *
 * Glyph cell: 5 columns × 9 rows; rows 0–6 hold capitals and digits (cap height 7), lowercase sits in
 * rows 2–6 and g j p q y , ; _ reach into rows 7–8. Each glyph is a hex string, two digits per row from
 * the top, bit 4 the leftmost column; rows left off at the end are empty. Characters are advanced by
 * 6 columns (one blank column between glyphs). Covers printable ASCII 32–126 plus · × − ° ± µ σ ‖ … ∂ ≤ ≥; anything
 * else is drawn as a box, so a missing glyph shows instead of vanishing.
 */

/** Glyph width, advance (width + 1 blank column), cap height and full cell height, at scale 1. */
export const GLYPH_WIDTH = 5;
export const GLYPH_ADVANCE = 6;
export const GLYPH_CAP_HEIGHT = 7;
export const GLYPH_CELL_HEIGHT = 9;

// ASCII 32–126 in order; the comment before each entry is its character.
// prettier-ignore
const ASCII_GLYPHS: readonly string[] = [
  /*   */ '', /* ! */ '04040404040004', /* " */ '0a0a0a', /* # */ '0a0a1f0a1f0a0a',
  /* $ */ '040f140e051e04', /* % */ '18190204081303', /* & */ '0c12140815120d', /* ' */ '040408',
  /* ( */ '02040808080402', /* ) */ '08040202020408', /* * */ '0004150e1504', /* + */ '0004041f0404',
  /* , */ '000000000006060204', /* - */ '0000001f', /* . */ '00000000000c0c', /* / */ '000102040810',
  /* 0 */ '0e11131519110e', /* 1 */ '040c040404040e', /* 2 */ '0e11010204081f', /* 3 */ '1f02040201110e',
  /* 4 */ '02060a121f0202', /* 5 */ '1f101e0101110e', /* 6 */ '0608101e11110e', /* 7 */ '1f010204080808',
  /* 8 */ '0e11110e11110e', /* 9 */ '0e11110f01020c', /* : */ '000c0c000c0c', /* ; */ '00000c0c000c0c0408',
  /* < */ '02040810080402', /* = */ '00001f001f', /* > */ '08040201020408', /* ? */ '0e110102040004',
  /* @ */ '0e11010d15150e', /* A */ '0e11111f111111', /* B */ '1e11111e11111e', /* C */ '0e11101010110e',
  /* D */ '1c12111111121c', /* E */ '1f10101e10101f', /* F */ '1f10101e101010', /* G */ '0e11101711110f',
  /* H */ '1111111f111111', /* I */ '0e04040404040e', /* J */ '0702020202120c', /* K */ '11121418141211',
  /* L */ '1010101010101f', /* M */ '111b1515111111', /* N */ '11111915131111', /* O */ '0e11111111110e',
  /* P */ '1e11111e101010', /* Q */ '0e11111115120d', /* R */ '1e11111e141211', /* S */ '0f10100e01011e',
  /* T */ '1f040404040404', /* U */ '1111111111110e', /* V */ '11111111110a04', /* W */ '1111111515150a',
  /* X */ '11110a040a1111', /* Y */ '11110a04040404', /* Z */ '1f01020408101f', /* [ */ '0e08080808080e',
  /* \ */ '001008040201', /* ] */ '0e02020202020e', /* ^ */ '040a11', /* _ */ '000000000000001f',
  /* ` */ '080402', /* a */ '00000e010f110f', /* b */ '1010161911111e', /* c */ '00000e1010110e',
  /* d */ '01010d1311110f', /* e */ '00000e111f100e', /* f */ '0609081c080808', /* g */ '00000f1111110f010e',
  /* h */ '10101619111111', /* i */ '04000c0404040e', /* j */ '02000602020202120c', /* k */ '10101214181412',
  /* l */ '0c04040404040e', /* m */ '00001a15151515', /* n */ '00001619111111', /* o */ '00000e1111110e',
  /* p */ '00001e1111111e1010', /* q */ '00000f1111110f0101', /* r */ '00001619101010', /* s */ '00000f100e011e',
  /* t */ '08081c08080906', /* u */ '0000111111130d', /* v */ '00001111110a04', /* w */ '0000111115150a',
  /* x */ '0000110a040a11', /* y */ '0000111111110f010e', /* z */ '00001f0204081f', /* { */ '03040408040403',
  /* | */ '04040404040404', /* } */ '18040402040418', /* ~ */ '0000081502',
];

// prettier-ignore
const EXTRA_GLYPHS: ReadonlyMap<number, string> = new Map([
  [0xb7, '00000004'], // ·
  [0xd7, '00110a040a11'], // ×
  [0x2212, '0000001f'], // −
  [0xb0, '0c120c'], // °
  [0xb1, '04041f0404001f'], // ±
  [0xb5, '0000111111131a1010'], // µ
  [0x3bc, '0000111111131a1010'], // μ
  [0x3c3, '00000f1211110e'], // σ
  [0x2016, '0a0a0a0a0a0a0a'], // ‖
  [0x2026, '00000000000015'], // …
  [0x2202, '0c02010f11110e'], // ∂
  [0x2264, '0204080402001f'], // ≤
  [0x2265, '0804020408001f'], // ≥
]);

const BOX_GLYPH = '1f11111111111f';

/** The 9 row bitmaps of one code point (bit 4 = leftmost column). */
export function glyphRows(codePoint: number): number[] {
  const hex =
    (codePoint >= 32 && codePoint <= 126 ? ASCII_GLYPHS[codePoint - 32] : EXTRA_GLYPHS.get(codePoint)) ?? BOX_GLYPH;
  const rows: number[] = [];
  for (let r = 0; r < GLYPH_CELL_HEIGHT; r++) rows.push(parseInt(hex.slice(2 * r, 2 * r + 2) || '0', 16));
  return rows;
}

/** Width in pixels of text drawn at an integer scale: one advance per character (code point). */
export function textWidth(text: string, scale = 1): number {
  return [...text].length * GLYPH_ADVANCE * scale;
}

/** Receives the filled squares of the glyphs: a pixel square of side `scale` at (x, y). */
export type FillRect = (x: number, y: number, w: number, h: number) => void;

/**
 * Draw text with its cell's top-left corner at integer (x, y): every set bit becomes a scale × scale
 * square passed to fill. Runs of set bits in a row are merged into one rectangle.
 */
export function drawText(text: string, x: number, y: number, scale: number, fill: FillRect): void {
  let left = Math.round(x);
  const top = Math.round(y);
  for (const ch of text) {
    const rows = glyphRows(ch.codePointAt(0)!);
    for (let r = 0; r < GLYPH_CELL_HEIGHT; r++) {
      const bits = rows[r]!;
      let c = 0;
      while (c < GLYPH_WIDTH) {
        if (!(bits & (16 >> c))) {
          c++;
          continue;
        }
        const start = c;
        while (c < GLYPH_WIDTH && bits & (16 >> c)) c++;
        fill(left + start * scale, top + r * scale, (c - start) * scale, scale);
      }
    }
    left += GLYPH_ADVANCE * scale;
  }
}
