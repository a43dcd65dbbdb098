/// <reference lib="dom" />
/**
 * Timeline charts of one canary's history with uPlot: the canary weight step by step, and each
 * metric check's value against its bounds, with the decisions (a change of reason, an operator's
 * action) marked as vertical lines. Each chart's container carries what it plotted in
 * `data-plotted` (uPlot's own data arrays), so a test can read the chart without pixels.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HistoryItem } from './types.js';

interface Mark {
  x: number;
  label: string;
}

const WIDTH = 720;
const HEIGHT = 180;

/** The charts of `history` (newest first, as the API lists it), appended to `into`. */
export function drawCharts(into: HTMLElement, history: HistoryItem[]): void {
  const records = [...history].reverse();
  const steps = records.filter((r) => r.kind === 'step');
  if (steps.length === 0) return;
  const xs = steps.map((s) => s.at / 1000);
  const marks = decisions(records);
  const weights = steps.map((s) => s.canaryWeight ?? null);
  into.append(chart('weight', 'Canary weight (%)', xs, [{ label: 'canary weight', values: weights }], marks));
  for (const name of checkNames(steps)) {
    const at = (s: HistoryItem) => s.checks?.find((c) => c.name === name);
    into.append(
      chart(
        `check:${name}`,
        name,
        xs,
        [
          { label: 'value', values: steps.map((s) => at(s)?.value ?? null) },
          { label: 'min', values: steps.map((s) => at(s)?.min ?? null), bound: true },
          { label: 'max', values: steps.map((s) => at(s)?.max ?? null), bound: true },
        ],
        marks,
      ),
    );
  }
}

/** Metric checks that have a value in some step, in order of first appearance. */
function checkNames(steps: HistoryItem[]): string[] {
  const names = new Set<string>();
  for (const s of steps)
    for (const c of s.checks ?? []) if (c.kind === 'metric' && c.value !== undefined) names.add(c.name);
  return [...names];
}

/** Where the story changed: a step whose reason differs from the step before, or an operator action. */
function decisions(records: HistoryItem[]): Mark[] {
  const marks: Mark[] = [];
  let last = '';
  for (const r of records) {
    if (r.kind === 'operator') marks.push({ x: r.at / 1000, label: `${r.reason} (${r.actor})` });
    else if (r.kind === 'step' && r.reason !== last) marks.push({ x: r.at / 1000, label: r.reason });
    if (r.kind === 'step') last = r.reason;
  }
  return marks;
}

interface Line {
  label: string;
  values: (number | null)[];
  bound?: boolean;
}

const colours = ['#1f77b4', '#d62728', '#d62728'];

function chart(id: string, title: string, xs: number[], lines: Line[], marks: Mark[]): HTMLElement {
  const box = document.createElement('figure');
  box.className = 'chart';
  box.dataset.chart = id;
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  box.append(caption);
  const data: uPlot.AlignedData = [xs, ...lines.map((l) => l.values)];
  const plot = new uPlot(
    {
      width: WIDTH,
      height: HEIGHT,
      series: [
        {},
        ...lines.map((l, i) => ({
          label: l.label,
          stroke: colours[i % colours.length],
          width: l.bound ? 1 : 2,
          dash: l.bound ? [6, 4] : undefined,
          points: { show: !l.bound },
          spanGaps: l.bound,
        })),
      ],
      axes: [{}, { size: 50 }],
      hooks: { draw: [(u) => drawMarks(u, marks)] },
    },
    data,
    box,
  );
  box.dataset.plotted = JSON.stringify(plot.data);
  box.dataset.marks = JSON.stringify(marks.map((m) => m.label));
  return box;
}

/** A dashed vertical line and a label at each decision, over the plot area. */
function drawMarks(u: uPlot, marks: Mark[]): void {
  const { ctx } = u;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.strokeStyle = '#888';
  ctx.fillStyle = '#444';
  ctx.setLineDash([3, 3]);
  ctx.font = `${10 * devicePixelRatio}px sans-serif`;
  for (const m of marks) {
    const x = Math.round(u.valToPos(m.x, 'x', true));
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    // Along the line, reading upwards, ending at the top of the plot.
    ctx.save();
    ctx.translate(x - 3 * devicePixelRatio, top + 4 * devicePixelRatio);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'right';
    ctx.fillText(m.label, 0, 0);
    ctx.restore();
  }
  ctx.restore();
}
