/**
 * Page shell: stylesheet, navigation and the Content-Security-Policy that goes with them. The pages use
 * no script at all, and the one inline stylesheet is allowed by its hash, so the CSP can forbid every
 * inline script, inline style attribute and external resource.
 */
import { createHash } from 'node:crypto';
import { html, trusted, type SafeHtml } from './html.ts';

/** ET's 32-entry colour table (q_math.c g_color_table) as CSS; ^0 is lifted from black to stay readable. */
const ET_COLOURS = [
  '#666666', '#ff0000', '#00ff00', '#ffff00', '#4060ff', '#00ffff', '#ff00ff', '#ffffff',
  '#ff8000', '#808080', '#bfbfbf', '#bfbfbf', '#008000', '#808000', '#4d4dbf', '#800000',
  '#804000', '#ff9919', '#008080', '#800080', '#0080ff', '#8000ff', '#3399cc', '#ccffcc',
  '#006633', '#ff0033', '#b21919', '#993300', '#cc9933', '#999933', '#ffffbf', '#ffff80',
];

export const STYLESHEET = `
:root{color-scheme:dark}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:#15191e;color:#d7dde4}
header{background:#0d1014;border-bottom:1px solid #2a323c;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
header .brand{font-weight:700;color:#f0b429;letter-spacing:.04em}
header nav a{color:#aeb9c5;margin-right:.9rem;text-decoration:none}
header nav a:hover,header nav a.active{color:#fff}
header form{margin-left:auto}
main{padding:1rem 1.2rem;max-width:1200px}
h1{font-size:1.35rem;margin:.2rem 0 1rem}
h2{font-size:1.05rem;margin:1.4rem 0 .5rem;color:#f0b429}
a{color:#7cc4fa}
table{border-collapse:collapse;margin:.3rem 0 1rem;min-width:20rem}
th,td{padding:.25rem .6rem;border-bottom:1px solid #27303a;text-align:left;vertical-align:top}
th{color:#8d99a6;font-weight:600;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin-bottom:1rem}
.card{background:#1d232a;border:1px solid #2a323c;border-radius:6px;padding:.6rem .9rem;min-width:8rem}
.card .v{font-size:1.4rem;font-weight:700;color:#fff}
.card .k{color:#8d99a6;font-size:.8rem}
.muted{color:#8d99a6}
.empty{color:#8d99a6;font-style:italic}
.cols{display:flex;gap:2rem;flex-wrap:wrap}
.tabs a{margin-right:.8rem}
.tabs a.active{color:#fff;font-weight:700;text-decoration:none}
input,select,button{background:#1d232a;color:#d7dde4;border:1px solid #3a4450;border-radius:4px;padding:.2rem .4rem}
input[type=number]{width:5rem}
form label{margin-right:.6rem}
main form{margin:.4rem 0 .8rem}
svg{background:#0d1014;border:1px solid #2a323c;border-radius:4px}
svg text{fill:#aeb9c5;font-size:11px}
.legend{font-size:.85rem;color:#8d99a6}
${ET_COLOURS.map((c, i) => `.c${i}{color:${c}}`).join('')}
`;

const STYLE_HASH = createHash('sha256').update(STYLESHEET).digest('base64');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const NAV: [string, string][] = [
  ['/', 'Overview'],
  ['/leaderboards', 'Leaderboards'],
  ['/players', 'Players'],
  ['/duos', 'Duos'],
  ['/breakdown', 'Engagements'],
  ['/maps', 'Maps'],
  ['/rounds', 'Rounds'],
];

export function page(opts: { title: string; active: string; body: SafeHtml }): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,">
<title>${opts.title} · Proximity</title>
<style>${trusted(STYLESHEET)}</style></head>
<body><header><span class="brand">PROXIMITY</span><nav>${NAV.map(
    ([href, label]) => html`<a href="${href}"${opts.active === href ? trusted(' class="active"') : ''}>${label}</a>`,
  )}</nav><form method="get" action="/players"><input type="search" name="q" placeholder="find player" aria-label="find player"> <button type="submit">Search</button></form></header>
<main>${opts.body}</main></body></html>`.value;
}
