/**
 * The one HTML escaping helper of the dashboard. Every page is built with the `html` tagged template:
 * each interpolated value is escaped unless it is already `SafeHtml` (produced by `html` itself or by
 * `etName`, which escapes each piece it emits). Player names, map names and server names are hostile
 * input (docs/FORMAT.md keeps every byte), so nothing reaches the page without passing through here.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((v) => render(v)).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as Interpolation) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks trusted markup (constants in this code base only, never data). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * ET colour codes: `^` followed by any character other than `^` selects colour
 * `(code - '0') & 31` of the engine's 32-colour table (q_math.c g_color_table). `^^` is a literal `^`
 * followed by whatever comes next. Emits one `<span class="cN">` per coloured run; the colours
 * themselves live in the page's stylesheet (no inline styles, so the CSP can forbid them).
 */
export function etName(name: string): SafeHtml {
  const parts: string[] = [];
  let colour: number | null = null;
  let run = '';
  const flush = () => {
    if (run === '') return;
    parts.push(colour === null ? escapeHtml(run) : `<span class="c${colour}">${escapeHtml(run)}</span>`);
    run = '';
  };
  for (let i = 0; i < name.length; i++) {
    const ch = name[i] as string;
    const next = name[i + 1];
    if (ch === '^' && next !== undefined && next !== '^') {
      flush();
      colour = (next.charCodeAt(0) - 48) & 31;
      i++;
      continue;
    }
    run += ch;
  }
  flush();
  const out = parts.join('');
  return new SafeHtml(out === '' ? '<span class="empty">(no name)</span>' : out);
}

/** Name without colour codes (same rule as `etName`), for titles, attributes and matching. */
export function stripColours(name: string): string {
  return name.replace(/\^[^^]/g, '');
}
