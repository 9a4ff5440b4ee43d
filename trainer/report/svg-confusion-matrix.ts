const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Confusion matrix as an SVG heat map: rows are true labels, columns predicted labels. */
export function svgConfusionMatrix(labels: readonly string[], confusion: readonly (readonly number[])[]): string {
  const shown = labels.slice(0, 40);
  const cell = Math.max(18, Math.min(56, Math.floor(480 / Math.max(1, shown.length))));
  const margin = 120;
  const size = margin + cell * shown.length + 8;
  const max = Math.max(1, ...confusion.flat());
  const cells = shown
    .flatMap((_, r) =>
      shown.map((__, c) => {
        const n = confusion[r]?.[c] ?? 0;
        const shade = Math.round(255 - (n / max) * 200);
        const fill = r === c ? `rgb(${shade},${255},${shade})` : `rgb(255,${shade},${shade})`;
        return `<rect x="${margin + c * cell}" y="${margin + r * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff"/><text x="${margin + c * cell + cell / 2}" y="${margin + r * cell + cell / 2 + 4}" font-size="11" text-anchor="middle">${n}</text>`;
      }),
    )
    .join('');
  const rowNames = shown.map((l, r) => `<text x="${margin - 6}" y="${margin + r * cell + cell / 2 + 4}" font-size="11" text-anchor="end">${esc(l.slice(0, 18))}</text>`).join('');
  const colNames = shown
    .map((l, c) => `<text transform="translate(${margin + c * cell + cell / 2},${margin - 6}) rotate(-45)" font-size="11">${esc(l.slice(0, 18))}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" role="img" aria-label="confusion matrix">${cells}${rowNames}${colNames}
<text x="4" y="14" font-size="11">rows: true label · columns: predicted</text></svg>`;
}
