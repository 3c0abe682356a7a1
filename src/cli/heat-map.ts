/**
 * A compact terminal heat map: one column per character of a text, one row per (unit, quantity),
 * wrapped to the terminal width. With colour, each cell is the character on a background from
 * blue (low) through white to red (high); without (NO_COLOR, or not a terminal), a digit 0–9
 * for the value's place in the row's range, so the map survives a log file.
 */

export interface HeatRow {
  label: string;
  /** One value per character. */
  values: readonly number[];
  /** The value range the colours span: [0, 1] for gates, [−m, m] for signed states. */
  range: readonly [number, number];
}

export interface HeatMapOptions {
  color: boolean;
  /** Terminal columns (default 100). */
  width?: number;
}

/** How a character shows in one terminal cell: newline ⏎, tab →, other control characters ·. */
export function visibleChar(ch: string): string {
  if (ch === '\n') return '⏎';
  if (ch === '\t') return '→';
  return ch.length === 1 && ch.charCodeAt(0) < 32 ? '·' : ch;
}

function place(value: number, [lo, hi]: readonly [number, number]): number {
  return hi > lo ? Math.min(1, Math.max(0, (value - lo) / (hi - lo))) : 0.5;
}

/** Background colour for a place p in [0, 1]: blue (0) → white (0.5) → red (1). */
function background(p: number): string {
  const toWhite = (a: number): number => Math.round(255 - (255 - a) * Math.abs(2 * p - 1));
  const [r, g, b] = p < 0.5 ? [toWhite(40), toWhite(90), 220] : [220, toWhite(50), toWhite(40)];
  return `\x1b[48;2;${r};${g};${b}m\x1b[38;2;0;0;0m`;
}

export function renderHeatMap(chars: readonly string[], rows: readonly HeatRow[], opts: HeatMapOptions): string {
  const labelWidth = Math.max(4, ...rows.map((r) => r.label.length)) + 1;
  const perLine = Math.max(10, (opts.width ?? 100) - labelWidth);
  const out: string[] = [];
  for (let start = 0; start < chars.length; start += perLine) {
    const end = Math.min(chars.length, start + perLine);
    out.push(`${' '.repeat(labelWidth)}${chars.slice(start, end).map(visibleChar).join('')}`);
    for (const row of rows) {
      let line = row.label.padEnd(labelWidth);
      for (let t = start; t < end; t++) {
        const p = place(row.values[t] as number, row.range);
        line += opts.color
          ? `${background(p)}${visibleChar(chars[t] as string)}\x1b[0m`
          : String(Math.min(9, Math.floor(p * 10)));
      }
      out.push(line);
    }
    out.push('');
  }
  return out.join('\n');
}
