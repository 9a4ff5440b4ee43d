export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small self-contained SVG line chart (no scripts, no external assets). */
export function svgLineChart(title: string, xLabel: string, series: readonly Series[], width = 520, height = 260): string {
  const pad = { left: 48, right: 16, top: 28, bottom: 40 };
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 1)];
  const [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 1e-9)];
  const sx = (x: number) => pad.left + ((x - x0) / (x1 - x0 || 1)) * (width - pad.left - pad.right);
  const sy = (y: number) => height - pad.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  const lines = series
    .map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}"/>`)
    .join('');
  const legend = series.map((s, i) => `<text x="${pad.left + 8 + i * 150}" y="18" fill="${s.color}" font-size="12">■ ${esc(s.name)}</text>`).join('');
  const ticks = [y0, (y0 + y1) / 2, y1]
    .map((y) => `<text x="${pad.left - 6}" y="${sy(y) + 4}" font-size="10" text-anchor="end">${y.toFixed(3)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">
<rect x="${pad.left}" y="${pad.top}" width="${width - pad.left - pad.right}" height="${height - pad.top - pad.bottom}" fill="#fafafa" stroke="#ccc"/>
${lines}${legend}${ticks}
<text x="${width / 2}" y="${height - 8}" font-size="11" text-anchor="middle">${esc(xLabel)} (${x0}–${x1})</text>
</svg>`;
}
