// The Frontend API: the host an actor token's `url` points at. Accepting a ticket here only checks
// it and hands it to the app's sign-in page (`__clerk_ticket`), as real Clerk does; the app
// completes the sign-in and sets its cookies. Also serves the public JWKS.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActorTokenStore } from './actor-tokens.ts';
import { ticketErrorPage } from './customer-app.ts';
import { errors } from './errors.ts';
import { redirect, sendJson } from './http.ts';
import type { Jwk } from './jwt.ts';

export interface FrontendApiContext {
  tokens: ActorTokenStore;
  appUrl: () => string;
  jwks: () => Jwk[];
}

export function createFrontendApi(context: FrontendApiContext) {
  return function frontendApi(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const route = `${request.method} ${url.pathname}`;
    if (route === 'GET /v1/tickets/accept') {
      const ticket = url.searchParams.get('ticket');
      if (!ticket) return ticketErrorPage(response, 'invalid');
      const checked = context.tokens.check(ticket);
      if (!checked.ok) return ticketErrorPage(response, checked.problem);
      return redirect(response, `${context.appUrl()}/sign-in?__clerk_ticket=${encodeURIComponent(ticket)}`);
    }
    if (route === 'GET /v1/jwks' || route === 'GET /.well-known/jwks.json') {
      return sendJson(response, 200, { keys: context.jwks() });
    }
    const notFound = errors.notFound('Resource');
    sendJson(response, notFound.status, notFound.body);
  };
}
