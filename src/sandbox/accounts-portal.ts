// The Account Portal: the instance's hosted sign-in page on an origin of its own
// (`accounts.<domain>` in production, `<slug>.accounts.dev` in development; Clerk Account Portal
// docs). It runs `<SignIn/>`, which consumes `__clerk_ticket` in the browser, then sends the
// browser to the app (the after-sign-in URL).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_CSS } from './app-assets.ts';
import { sendSignInPage, sendSignInScript, type InstanceType } from './customer-app.ts';
import { errors } from './errors.ts';
import { sendJson, sendText } from './http.ts';
import type { TokenIssuer } from './session-tokens.ts';

export interface AccountsPortalContext {
  issuer: TokenIssuer;
  cookieSuffix: string;
  instance: InstanceType;
  afterSignInUrl: () => string;
}

export function createAccountsPortal(context: AccountsPortalContext) {
  return function accountsPortal(request: IncomingMessage, response: ServerResponse): void {
    const route = `${request.method} ${new URL(request.url ?? '/', 'http://sandbox').pathname}`;
    if (route === 'GET /sign-in') return sendSignInPage(response, context.issuer, context.cookieSuffix, context.instance, context.afterSignInUrl());
    if (route === 'GET /sign-in.js') return sendSignInScript(response);
    if (route === 'GET /app.css') return sendText(response, 200, 'text/css; charset=utf-8', APP_CSS);
    const notFound = errors.notFound('Page');
    sendJson(response, notFound.status, notFound.body);
  };
}
