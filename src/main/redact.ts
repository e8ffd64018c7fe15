// Defence in depth for anything free-text that leaves main (log lines, ledger reason/error, error
// messages): no code path should carry a secret there, but if one ever does, Clerk secret keys,
// JWTs (tickets and session tokens are JWTs) and ticket URLs are masked first.
const SECRETS: readonly RegExp[] = [
  /\bsk_(?:live|test)_[A-Za-z0-9_-]+/g,
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
  /\bhttps?:\/\/\S*[?&#](?:__clerk_ticket|ticket)=\S*/gi,
  /[?&](?:__clerk_ticket|ticket|token)=[^&#\s"']+/gi,
];

export function redact(text: string): string {
  return SECRETS.reduce((result, pattern) => result.replace(pattern, '[redacted]'), text);
}
