/**
 * Line charts on uPlot (a small, fast canvas charting library): a chart that fills its container's
 * width, follows resizes, and takes new data as often as training sends it. A chart is an image to
 * a screen reader, so each gets an aria-label and the numbers it draws are also shown as text by
 * the views.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesStyle {
  label: string;
  color: string;
  dash?: number[];
  /** Draw points only (for sparse series such as validation losses). */
  points?: boolean;
  width?: number;
}

export interface ChartOptions {
  /** What the chart shows, for screen readers and as its caption. */
  label: string;
  xLabel: string;
  yLabel: string;
  series: SeriesStyle[];
  height?: number;
  /** The x values are times in seconds since 1970 (dates on the axis). */
  time?: boolean;
  /** Fill between series i and j (e.g. an interval's lower and upper bounds), as [i, j, color]. */
  bands?: Array<[number, number, string]>;
  logY?: boolean;
  /** Text of a y tick (default uPlot's, which rounds values below 0.01 to 0 on a log scale). */
  yTick?: (value: number) => string;
}

export interface LineChart {
  /** [x, y1, y2, …]: one array per series, null where a series has no value. */
  setData(data: Array<ArrayLike<number | null>>): void;
  readonly element: HTMLElement;
}

export function lineChart(container: HTMLElement, opts: ChartOptions): LineChart {
  const element = document.createElement('figure');
  element.className = 'chart';
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', opts.label);
  // its width follows the container, never its canvas (which is redrawn to fit, below)
  element.style.margin = '0';
  element.style.width = '100%';
  element.style.overflow = 'hidden';
  container.append(element);
  const yTick = opts.yTick;
  const width = (): number => Math.max(240, element.clientWidth || container.clientWidth || 600);
  const plot = new uPlot(
    {
      width: width(),
      height: opts.height ?? 240,
      // the legend names the series; their values are in the views' tables, not under the cursor
      legend: { live: false },
      scales: { x: { time: opts.time ?? false }, ...(opts.logY === true ? { y: { distr: 3 } } : {}) },
      axes: [
        { label: opts.xLabel },
        {
          label: opts.yLabel,
          size: 60,
          // (uPlot passes null for the ticks its filter hides, e.g. 2…9 × 10ᵏ on a log scale)
          ...(yTick === undefined
            ? {}
            : { values: (_: uPlot, ticks: Array<number | null>) => ticks.map((v) => (v === null ? '' : yTick(v))) }),
        },
      ],
      series: [
        { label: opts.xLabel },
        ...opts.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 2,
          ...(s.dash === undefined ? {} : { dash: s.dash }),
          ...(s.points === true ? { paths: () => null, points: { show: true, size: 6, fill: s.color } } : {}),
          spanGaps: s.points !== true,
        })),
      ],
      ...(opts.bands === undefined
        ? {}
        : { bands: opts.bands.map(([a, b, fill]) => ({ series: [a, b] as [number, number], fill })) }),
    },
    [[], ...opts.series.map(() => [])] as unknown as uPlot.AlignedData,
    element,
  );
  new ResizeObserver(() => plot.setSize({ width: width(), height: opts.height ?? 240 })).observe(element);
  return {
    element,
    setData: (data) => plot.setData(data.map((a) => Array.from(a)) as unknown as uPlot.AlignedData),
  };
}
