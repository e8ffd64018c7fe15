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

/** Re-checks the session every few seconds, as Clerk's SDK does, and reloads when it changed. */
export const APP_JS = `
(function () {
  var body = document.body;
  var current = body.getAttribute('data-session-id') || '';
  function check() {
    fetch('/api/session', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) { return response.json(); })
      .then(function (state) { if ((state.sessionId || '') !== current) location.reload(); })
      .catch(function () {});
  }
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
