/** Number formatting for the judge's sentences: short, stable, and honest about infinities. */

/** `3,210`. */
export function count(n: number): string {
  if (!Number.isFinite(n)) return 'an unbounded number of';
  // Not toLocaleString: it is slow and depends on the runtime's ICU data.
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A rate in percent from a fraction: `0.52%`. */
export function percent(fraction: number): string {
  return `${round(fraction * 100, 2)}%`;
}

/** Percentage points with a sign: `+1.03 pp`, `−0.20 pp`, `+∞ pp`. */
export function pp(value: number): string {
  if (value === Infinity) return '+∞ pp';
  if (value === -Infinity) return '−∞ pp';
  const s = round(Math.abs(value), 2);
  return `${value < 0 && s !== '0' ? '−' : '+'}${s} pp`;
}

/** A latency factor: `1.23× (+23%)`, `0.95× (−5%)`. */
export function ratio(value: number): string {
  if (value === Infinity) return '∞×';
  if (value <= 0) return '0×';
  const change = Math.round((value - 1) * 100);
  const sign = change < 0 ? '−' : '+';
  return `${round(value, 2)}× (${sign}${Math.abs(change)}%)`;
}

/** Milliseconds: `412 ms`, `3.2 ms`. */
export function ms(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  return `${value >= 100 ? Math.round(value) : round(value, 1)} ms`;
}

/** A duration in seconds, rounded for reading: `45 s`, `6 min`, `2.5 h`. */
export function seconds(s: number): string {
  if (!Number.isFinite(s)) return 'forever';
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${round(s / 3600, 1)} h`;
}

/** The confidence as a percentage: `99%`, `99.5%`. */
export function confidence(c: number): string {
  return `${round(c * 100, 2)}%`;
}

/** A number rounded to at most `digits` decimals, without trailing zeros. */
export function round(v: number, digits: number): string {
  const f = 10 ** digits;
  return String(Math.round(v * f) / f);
}
