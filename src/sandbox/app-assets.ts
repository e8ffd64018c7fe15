// Static assets of the customer app, served from its own origin (the CSP allows only 'self').

export const APP_CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827; background: #F9FAFB; }
body { margin: 0; }
header { background: #111827; color: #fff; padding: 12px 24px; display: flex; justify-content: space-between; align-items: center; }
header a { color: #E5E7EB; margin-left: 16px; }
main { max-width: 720px; margin: 32px auto; padding: 0 24px; }
.card { background: #fff; border: 1px solid #E5E7EB; border-radius: 12px; padding: 24px; margin-bottom: 16px; }
.who { display: flex; gap: 16px; align-items: center; }
.who img { width: 64px; height: 64px; border-radius: 50%; }
.impersonation { border-color: #F59E0B; background: #FFFBEB; }
.error { border-color: #DC2626; background: #FEF2F2; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dt { color: #6B7280; }
dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
pre { white-space: pre-wrap; word-break: break-all; background: #F3F4F6; padding: 8px; border-radius: 6px; }
button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid #D1D5DB; background: #fff; cursor: pointer; }
`;

/**
 * What clerk-js does in the page:
 * - `__session` and `__session_<suffix>` set from script, host-only, not httpOnly (clerk/javascript
 *   packages/clerk-js/src/core/auth/cookies/session.ts, AuthCookieService.ts);
 * - Frontend API calls form-encoded with credentials, as its fapiClient sends them (core/fapiClient.ts);
 * - on a development instance, the dev browser (core/auth/devBrowser.ts setup): taken from the
 *   `__clerk_db_jwt` URL parameter (then removed from the address bar with history.replaceState,
 *   shared/src/devBrowser.ts extractDevBrowserFromURL), else from the `__clerk_db_jwt_<suffix>` or
 *   `__clerk_db_jwt` cookie of this host, else created with `POST /v1/dev_browser`; kept in both
 *   cookies for a year (core/auth/cookies/devBrowser.ts), added to every Frontend API call
 *   (onBeforeRequest, setDevBrowserInURL) and to URLs leaving for another origin (clerk.ts
 *   buildUrlWithAuth); dropped when the Frontend API answers `dev_browser_unauthenticated`
 *   (resources/Base.ts → handleUnauthenticatedDevBrowser).
 * Reads `data-fapi`, `data-suffix` and `data-instance` from <body>.
 */
const CLERK_IN_PAGE = `
  var body = document.body;
  var fapi = body.getAttribute('data-fapi');
  var suffix = body.getAttribute('data-suffix');
  var DEV_BROWSER = '__clerk_db_jwt';
  var development = body.getAttribute('data-instance') === 'development';
  var devBrowser = '';
  function setSession(jwt) {
    var attributes = jwt ? '; Path=/; SameSite=Lax' : '; Path=/; SameSite=Lax; Max-Age=0';
    document.cookie = '__session=' + jwt + attributes;
    document.cookie = '__session_' + suffix + '=' + jwt + attributes;
  }
  function readCookie(name) {
    var prefix = name + '=';
    var match = document.cookie.split('; ').filter(function (part) { return part.indexOf(prefix) === 0; })[0];
    return match ? decodeURIComponent(match.slice(prefix.length)) : '';
  }
  function keepDevBrowser(value) {
    devBrowser = value;
    var attributes = value ? '; Path=/; SameSite=Lax; Max-Age=31536000' : '; Path=/; SameSite=Lax; Max-Age=0';
    document.cookie = DEV_BROWSER + '_' + suffix + '=' + encodeURIComponent(value) + attributes;
    document.cookie = DEV_BROWSER + '=' + encodeURIComponent(value) + attributes;
  }
  function setupDevBrowser() {
    if (!development) return Promise.resolve();
    var here = new URL(location.href);
    var fromUrl = here.searchParams.get(DEV_BROWSER);
    if (fromUrl) {
      here.searchParams.delete(DEV_BROWSER);
      history.replaceState(history.state, '', here.href);
      keepDevBrowser(fromUrl);
      return Promise.resolve();
    }
    devBrowser = readCookie(DEV_BROWSER + '_' + suffix) || readCookie(DEV_BROWSER);
    if (devBrowser) return Promise.resolve();
    return fetch(fapi + '/v1/dev_browser', { method: 'POST', cache: 'no-store' }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) { var error = (json.errors || [])[0] || {}; error.status = response.status; throw error; }
        keepDevBrowser(json.id);
      });
    });
  }
  function withDevBrowser(target) {
    var url = new URL(target, location.href);
    if (devBrowser && url.origin !== location.origin) url.searchParams.set(DEV_BROWSER, devBrowser);
    return url.href;
  }
  function fapiCall(method, path, fields) {
    var init = { method: method, credentials: 'include', cache: 'no-store' };
    if (method === 'POST') init.body = new URLSearchParams(fields || {});
    var url = new URL(fapi + path);
    if (devBrowser) url.searchParams.set(DEV_BROWSER, devBrowser);
    return fetch(url.href, init).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) {
          var error = (json.errors || [])[0] || {};
          error.status = response.status;
          if (error.code === 'dev_browser_unauthenticated') keepDevBrowser('');
          throw error;
        }
        return json;
      });
    });
  }
`;

/**
 * The sign-in page's script, the part of \`<SignIn/>\` that matters here (clerk/javascript
 * packages/ui/src/components/SignIn/SignInStart.tsx): read \`__clerk_ticket\`, create a sign-in with
 * strategy=ticket, activate the created session, get its token, then go to the after-sign-in URL
 * (carrying the dev browser there when it is another origin, as clerk-js's buildUrlWithAuth does).
 */
export const SIGN_IN_JS = `
(function () {
${CLERK_IN_PAGE}
  var status = document.querySelector('[data-testid="sign-in-status"]');
  function show(state, text, code) {
    status.setAttribute('data-state', state);
    if (code) status.setAttribute('data-code', code);
    status.textContent = text;
  }
  var ticket = new URLSearchParams(location.search).get('__clerk_ticket');
  if (!ticket) return show('idle', 'Sign in to continue.');
  show('working', 'Signing in…');
  setupDevBrowser()
    .then(function () { return fapiCall('POST', '/v1/client/sign_ins', { strategy: 'ticket', ticket: ticket }); })
    .then(function (signIn) {
      var id = signIn.response.created_session_id;
      return fapiCall('POST', '/v1/client/sessions/' + id + '/touch').then(function () {
        return fapiCall('POST', '/v1/client/sessions/' + id + '/tokens');
      });
    })
    .then(function (token) {
      setSession(token.jwt);
      location.replace(withDevBrowser(body.getAttribute('data-after')));
    })
    .catch(function (error) {
      show('error', error.long_message || error.message || 'The sign-in failed.', error.code || 'network');
    });
})();
`;

/**
 * The app's page keeps its ~60 s session token fresh from script, as clerk-js does (a refresh every
 * 50 s), reloads when the signed-in session changed, and clears the token once Clerk says signed out.
 */
export const APP_JS = `
(function () {
${CLERK_IN_PAGE}
  var current = body.getAttribute('data-session-id') || '';
  function refresh() {
    return fapiCall('GET', '/v1/client').then(function (client) {
      var id = client.response && client.response.last_active_session_id;
      if (!id) { if (current) { setSession(''); location.reload(); } return; }
      return fapiCall('POST', '/v1/client/sessions/' + id + '/tokens').then(function (token) {
        setSession(token.jwt);
        if (id !== current && sessionStorage.getItem('sandbox-reloaded') !== id) {
          sessionStorage.setItem('sandbox-reloaded', id);
          location.reload();
        }
      });
    }).catch(function () { if (current) { setSession(''); location.reload(); } });
  }
  function check() {
    fetch('/api/session', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) { return response.json(); })
      .then(function (state) { if ((state.sessionId || '') !== current) location.reload(); })
      .catch(function () {});
  }
  setupDevBrowser().then(refresh, function () {});
  setInterval(refresh, 50000);
  setInterval(check, 5000);
})();
`;

/** Writes and reads one value in localStorage, IndexedDB and a cookie: per-partition isolation checks. */
export const STORAGE_PROBE_JS = `
(function () {
  var KEY = 'understudy-probe';
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open('understudy-probe', 1);
      request.onupgradeneeded = function () { request.result.createObjectStore('kv'); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function idb(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var store = db.transaction('kv', mode).objectStore('kv');
        var request = action(store);
        request.onsuccess = function () { resolve(request.result === undefined ? null : request.result); db.close(); };
        request.onerror = function () { reject(request.error); db.close(); };
      });
    });
  }
  function readCookie() {
    var match = document.cookie.split('; ').filter(function (part) { return part.indexOf('probe=') === 0; })[0];
    return match ? decodeURIComponent(match.slice(6)) : null;
  }
  var probe = {
    write: function (value) {
      localStorage.setItem(KEY, value);
      document.cookie = 'probe=' + encodeURIComponent(value) + '; Path=/; SameSite=Lax';
      return idb('readwrite', function (store) { return store.put(value, KEY); }).then(probe.read);
    },
    read: function () {
      return idb('readonly', function (store) { return store.get(KEY); }).then(function (fromDb) {
        return { local: localStorage.getItem(KEY), idb: fromDb, cookie: readCookie() };
      });
    },
  };
  window.probe = probe;
  function show(values) {
    [['local', 'probe-local'], ['idb', 'probe-idb'], ['cookie', 'probe-cookie']].forEach(function (pair) {
      var element = document.querySelector('[data-testid="' + pair[1] + '"]');
      var value = values[pair[0]];
      element.textContent = value === null ? '' : value;
      element.setAttribute('data-present', value === null ? 'false' : 'true');
    });
    var status = document.querySelector('[data-testid="probe-status"]');
    status.textContent = 'ready';
    status.setAttribute('data-state', 'ready');
  }
  var toWrite = new URLSearchParams(location.search).get('write');
  (toWrite === null ? probe.read() : probe.write(toWrite)).then(show, function (error) {
    var status = document.querySelector('[data-testid="probe-status"]');
    status.textContent = 'error: ' + error;
    status.setAttribute('data-state', 'error');
  });
})();
`;
