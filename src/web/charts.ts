/**
 * Server-side SVG charts: horizontal bars and the grid heatmap. Pure functions of the data, no script;
 * colours go in `fill` presentation attributes (allowed by the CSP, unlike style attributes).
 */
import { html, type SafeHtml } from './html.ts';
import type { HeatCell } from '../analytics/types.ts';

export interface Bar {
  label: string;
  value: number;
}

export function barChart(bars: Bar[], opts: { width?: number; colour?: string; unit?: string } = {}): SafeHtml {
  if (bars.length === 0) return html`<p class="empty">no data</p>`;
  const width = opts.width ?? 520;
  const labelWidth = 150;
  const row = 22;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plot = width - labelWidth - 60;
  const height = bars.length * row + 8;
  return html`<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">${bars.map(
    (b, i) => {
      const w = Math.max(1, Math.round((b.value / max) * plot));
      const y = 4 + i * row;
      return html`<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${b.label}</text><rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${row - 8}" fill="${opts.colour ?? '#3d8bd9'}"><title>${b.label}: ${b.value}</title></rect><text x="${labelWidth + w + 5}" y="${y + 15}">${formatNumber(b.value)}${opts.unit ?? ''}</text>`;
    },
  )}</svg>`;
}

export const HEAT_LAYERS = ['kills', 'axis_kills', 'allies_kills', 'traversal', 'combat', 'escape'] as const;
export type HeatLayer = (typeof HEAT_LAYERS)[number];

const LAYER_RGB: Record<HeatLayer, [number, number, number]> = {
  kills: [255, 80, 40],
  axis_kills: [230, 60, 60],
  allies_kills: [70, 140, 255],
  traversal: [60, 170, 255],
  combat: [255, 170, 40],
  escape: [80, 220, 120],
};

export function layerValue(cell: HeatCell, layer: HeatLayer): number {
  switch (layer) {
    case 'kills':
      return cell.axisKills + cell.alliesKills;
    case 'axis_kills':
      return cell.axisKills;
    case 'allies_kills':
      return cell.alliesKills;
    case 'traversal':
      return cell.traversal;
    case 'combat':
      return cell.combat;
    case 'escape':
      return cell.escape;
  }
}

/**
 * Draws the grid of one map: every cell that has any data is outlined faintly (so the map's shape shows),
 * and coloured by the selected layer on a square-root scale (a few hot cells would otherwise wash out the
 * rest). Game y grows northwards, SVG y downwards, so rows are flipped.
 */
export function heatmapSvg(cells: HeatCell[], layer: HeatLayer, maxSize = 640): SafeHtml {
  if (cells.length === 0) return html`<p class="empty">no heatmap data for this map</p>`;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const c of cells) {
    minX = Math.min(minX, c.gx); maxX = Math.max(maxX, c.gx);
    minY = Math.min(minY, c.gy); maxY = Math.max(maxY, c.gy);
  }
  const cols = maxX - minX + 1;
  const rows = maxY - minY + 1;
  const size = Math.max(4, Math.min(48, Math.floor(maxSize / Math.max(cols, rows))));
  const width = cols * size;
  const height = rows * size;
  const max = Math.max(1, ...cells.map((c) => layerValue(c, layer)));
  const [r, g, b] = LAYER_RGB[layer];
  const rects = cells.map((c) => {
    const v = layerValue(c, layer);
    const x = (c.gx - minX) * size;
    const y = (maxY - c.gy) * size;
    const t = v === 0 ? 0 : 0.15 + 0.85 * Math.sqrt(v / max);
    const fill = v === 0 ? '#1a2028' : `rgb(${Math.round(r * t)},${Math.round(g * t)},${Math.round(b * t)})`;
    return html`<rect x="${x}" y="${y}" width="${size - 1}" height="${size - 1}" fill="${fill}"><title>cell ${c.gx},${c.gy}: ${layer.replace('_', ' ')} ${v}</title></rect>`;
  });
  return html`<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="heatmap ${layer}">${rects}</svg>${heatLegend(layer, max)}`;
}

/** Colour scale under the heatmap: five steps from 1 to the busiest cell, same square-root scale. */
function heatLegend(layer: HeatLayer, max: number): SafeHtml {
  const [r, g, b] = LAYER_RGB[layer];
  const steps = [...new Set([1, 0.25, 0.5, 0.75, 1].map((f, i) => (i === 0 ? 1 : Math.max(1, Math.round(max * f)))))];
  return html`<p class="legend"><svg width="${steps.length * 56}" height="30" viewBox="0 0 ${steps.length * 56} 30" role="img" aria-label="scale">${steps.map((v, i) => {
    const t = 0.15 + 0.85 * Math.sqrt(v / max);
    return html`<rect x="${i * 56 + 2}" y="2" width="52" height="12" fill="rgb(${Math.round(r * t)},${Math.round(g * t)},${Math.round(b * t)})"></rect><text x="${i * 56 + 4}" y="27">${v}</text>`;
  })}</svg></p>`;
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toFixed(2);
}

export function formatRate(v: number | null): string {
  return v === null ? '–' : `${(v * 100).toFixed(1)}%`;
}
