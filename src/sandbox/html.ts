// HTML built only through the `html` tag: every interpolated value is escaped unless it is itself
// the output of `html`. Names and metadata come from users and must never become markup.

export interface SafeHtml {
  readonly safeHtml: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (character) => ESCAPES[character] as string);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object' && 'safeHtml' in value) return (value as SafeHtml).safeHtml;
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return { safeHtml: out };
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Scripts are served by the app itself; CSP allows nothing else. */
  scripts?: string[];
  bodyAttributes?: Record<string, string>;
}

export function page({ title, body, scripts = [], bodyAttributes = {} }: PageOptions): string {
  const attributes = Object.entries(bodyAttributes).map(([name, value]) => html` ${name}="${value}"`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/app.css">
</head>
<body${attributes}>
${body}
${scripts.map((src) => html`<script src="${src}"></script>`)}
</body>
</html>
`.safeHtml;
}

/** Strict CSP for every customer-app and Frontend API page. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
