// `npm run dev` only: the console page comes from Vite's dev server, which injects React's
// fast-refresh preamble as an inline script and every stylesheet as an inline <style>; the
// console's strict CSP forbids both, leaving an unstyled, dead page. The dev server's copy of the
// page allows inline script and style; built output (and the protocol's CSP header) stay strict.
export function devServerCsp(html: string): string {
  return html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
}
