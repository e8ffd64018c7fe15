// Builds every main-process service from its ports and maps the IPC contract onto them.
// Plain Node: the Electron entry (index.ts) and the browser test harness both call this with
// their own adapters, so what the tests exercise is exactly what the app runs.
import { hostname } from 'node:os';
import type { Events, EventName } from '../shared/contract.ts';
import type { AppState, AuditStatus, ClerkCheckReport, ImpersonatePrefill, Profile } from '../shared/domain.ts';
import { AppError } from '../shared/errors.ts';
import { AuditOutbox, sinksFromPolicy, type SecretSources } from './audit/outbox.ts';
import { withoutHeaderValues } from './audit/audit-record.ts';
import type { AvatarProxy } from './clerk/avatar-proxy.ts';
import type { ClerkUser, GatewayFactory } from './clerk/gateway.ts';
import { createClerkBackendGateway } from './clerk/clerk-backend-gateway.ts';
import type { Keychain } from './credentials/keychain.ts';
import { ProfileService } from './credentials/profile-service.ts';
import type { WindowHost } from './impersonation/window-host.ts';
import { Orchestrator } from './impersonation/orchestrator.ts';
import type { Handlers } from './ipc/register.ts';
import { checkWithClerk } from './ledger/clerk-check.ts';
import { checkToCsv, exportHistory, toJson } from './ledger/export.ts';
import { Ledger } from './ledger/ledger.ts';
import type { Logger } from './log.ts';
import { parseDeepLink, resolveDeepLink } from './deep-link/deep-link.ts';
import type { OrgPolicyState } from './policy/org-policy.ts';
import { defaultPolicy, protectionOf } from './policy/policy.ts';
import type { DocumentStoreFactory } from './storage/document-store.ts';

export interface ServiceDeps {
  keychain: Keychain;
  documents: DocumentStoreFactory;
  windowHost: WindowHost;
  /** Asks where to save (OS dialog in the app) and writes; null when the operator cancels. */
  saveFile(suggestedName: string, content: string): Promise<string | null>;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  osUser: string;
  log: Logger;
  now?: () => number;
  /** Backend API for profiles added by key: https://api.clerk.com, or the sandbox in tests. */
  defaultApiUrl: string;
  gatewayFactory?: GatewayFactory;
  /** Serves user avatars on the console origin (the console CSP allows no remote image). */
  avatars: AvatarProxy;
  /** The built-in demo instance, when running. Its origins are loopback http, allowed for navigation. */
  sandbox?: { secretKey: string; apiUrl: string; origins: string[] } | null;
  /** The log file and a way to show its folder (the app's file log); absent under tests. */
  logFile?: { path: string; openFolder(): Promise<void> } | null;
  /** The IT-managed policy (readOrgPolicy(systemPolicySources()) in the app); none when absent. */
  orgPolicy?: OrgPolicyState;
  /** Where audit webhook signing secrets are read (process.env and the keychain's audit service in the app). */
  auditSecrets?: SecretSources;
  /** The wait before the n-th retry of an end Clerk did not confirm (default: 5 s doubling to 5 min). */
  endRetryDelay?: (attempt: number) => number;
}

export interface MainServices {
  handlers: Handlers;
  profiles: ProfileService;
  ledger: Ledger;
  orchestrator: Orchestrator;
  /**
   * Ends leftovers from a crashed run, telling the console what it does, then verifies the history's
   * hash chain; call once, after the console opened.
   */
  recover(): Promise<void>;
  /** Tells the operator something through the console's notices (e.g. a crash main recovered from). */
  notify(text: string): void;
  /**
   * A deep link (understudy://impersonate?…) from the OS: validated, resolved, then the console's
   * impersonate dialog is opened filled in. Never starts anything; problems become notices.
   */
  openDeepLink(url: string): Promise<void>;
  /** Ends every live impersonation (app quit). */
  shutdown(): Promise<void>;
}

export async function createServices(deps: ServiceDeps): Promise<MainServices> {
  const now = deps.now ?? Date.now;
  const notices: string[] = [];

  const profiles = new ProfileService({
    keychain: deps.keychain,
    settings: deps.documents('settings'),
    gatewayFactory: deps.gatewayFactory ?? createClerkBackendGateway,
    defaultApiUrl: deps.defaultApiUrl,
    defaultPolicy,
    sandbox: deps.sandbox ? { secretKey: deps.sandbox.secretKey, apiUrl: deps.sandbox.apiUrl } : undefined,
    orgPolicy: deps.orgPolicy,
  });
  const profileNotice = await profiles.load();
  if (profileNotice) notices.push(...[profileNotice].flat());

  const { ledger, notice: ledgerNotice } = Ledger.open(deps.documents, { now });
  if (ledgerNotice) notices.push(ledgerNotice);
  const orgNotice = recordOrgPolicy(ledger, deps.orgPolicy ?? { state: 'none' }, deps.osUser);
  if (orgNotice) notices.push(orgNotice);

  const profileOf = (profileId: string) => {
    const profile = profiles.get(profileId);
    if (!profile) throw new AppError({ kind: 'not-found', message: 'That instance is no longer configured.' });
    return profile;
  };

  /** An agent's change to an instance's rules, recorded with before and after; saving without a difference records nothing. */
  const recordLocalChange = (profile: Profile, before: object, after: object) => {
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    ledger.record('policy_changed', {
      source: 'local', profileId: profile.id, profileName: profile.name, by: deps.osUser, operatorId: profile.operator?.userId ?? null, before, after,
    });
  };

  if (deps.sandbox) deps.avatars.allowHttpOrigins(deps.sandbox.origins);
  /** What the console may show of a user: avatar through main, protection computed by policy. */
  const forConsole = (profileId: string, user: ClerkUser) => {
    const profile = profileOf(profileId);
    return { ...user, imageUrl: deps.avatars.path(user.imageUrl), protection: protectionOf(user, profile.policy, profile.operator?.userId) };
  };

  const orgPolicy = deps.orgPolicy?.state === 'set' ? deps.orgPolicy.policy : null;
  const audit = new AuditOutbox({
    ledger,
    sinks: sinksFromPolicy(orgPolicy?.auditSinks ?? [], {
      secrets: deps.auditSecrets ?? { env: {} },
      resource: { 'service.name': 'understudy', 'host.name': hostname() },
      now,
    }),
    delivery: orgPolicy?.auditDelivery ?? 'best-effort',
    now,
    log: deps.log,
  });

  const orchestrator = new Orchestrator({
    profiles,
    ledger,
    windowHost: deps.windowHost,
    now,
    osUser: deps.osUser,
    sandboxOrigins: deps.sandbox?.origins ?? [],
    log: deps.log,
    startGate: () => audit.refusal(),
    endRetryDelay: deps.endRetryDelay,
  });

  const state = (): AppState => ({
    profiles: profiles.list(),
    activeProfileId: profiles.activeId(),
    notices: [...notices],
    osUser: deps.osUser,
    logPath: deps.logFile?.path ?? null,
  });
  const changed = () => deps.emit('app:changed', state());
  /** The last helpdesk link resolved, until the console takes it. */
  let pendingLink: ImpersonatePrefill | null = null;
  /** The last "Check with Clerk" report: the only sessions the console may end from a report are its own findings. */
  let lastCheck: ClerkCheckReport | null = null;
  let checking = false;
  const checkNamed = (checkId: string) => {
    if (lastCheck?.id !== checkId) throw new AppError({ kind: 'not-found', message: 'That check is no longer the latest one. Run Check with Clerk again.' });
    return lastCheck;
  };

  orchestrator.onChange((list) => deps.emit('impersonation:changed', list));
  ledger.onChange(() => deps.emit('ledger:changed', null));
  audit.onChange((status: AuditStatus) => deps.emit('audit:changed', status));
  audit.start();
  // Events about the desk (policy changes) are shown in the History too.
  ledger.onEvent((event) => {
    if (event.entryId === null) deps.emit('ledger:changed', null);
  });

  const handlers: Handlers = {
    'app:getState': () => state(),
    'app:dismissNotice': ({ index }) => {
      notices.splice(index, 1);
      return state();
    },
    'app:openLogFolder': async () => {
      if (!deps.logFile) throw new AppError({ kind: 'not-found', message: 'This run of Understudy writes no log file; its log goes to the terminal.' });
      await deps.logFile.openFolder();
      return null;
    },

    'profiles:add': async ({ name, secretKey }) => {
      const profile = await profiles.add(name, secretKey);
      changed();
      return profile;
    },
    'profiles:rename': async ({ profileId, name }) => {
      const profile = await profiles.rename(profileId, name);
      changed();
      return profile;
    },
    'profiles:remove': async ({ profileId }) => {
      await profiles.remove(profileId);
      changed();
      return state();
    },
    'profiles:select': async ({ profileId }) => {
      await profiles.select(profileId);
      changed();
      return state();
    },
    'profiles:setOperator': async ({ profileId, userId }) => {
      const user = await profiles.gateway(profileId).getUser(userId);
      const profile = await profiles.setOperator(profileId, { userId: user.id, name: user.name });
      changed();
      return profile;
    },
    'profiles:setPolicy': async ({ profileId, policy }) => {
      const before = profileOf(profileId).policy;
      const profile = await profiles.setPolicy(profileId, policy);
      recordLocalChange(profile, before, profile.policy);
      changed();
      return profile;
    },
    // What windows may open is a rule of the instance too: a change is in the history beside the policy's.
    'profiles:setAppOrigins': async ({ profileId, appOrigins }) => {
      const before = profileOf(profileId).appOrigins;
      const profile = await profiles.setAppOrigins(profileId, appOrigins);
      recordLocalChange(profile, { appOrigins: before }, { appOrigins: profile.appOrigins });
      changed();
      return profile;
    },

    'users:search': async ({ profileId, query, limit, offset }) => {
      profileOf(profileId);
      const page = await profiles.gateway(profileId).searchUsers({ query, limit, offset });
      return { users: page.users.map((user) => summary(forConsole(profileId, user))), totalCount: page.totalCount, offset, limit };
    },
    'users:get': async ({ profileId, userId }) => {
      profileOf(profileId);
      return forConsole(profileId, await profiles.gateway(profileId).getUser(userId));
    },
    'users:sessions': ({ profileId, userId }) => profiles.gateway(profileId).listSessions({ userId }),

    'impersonation:start': (request) => orchestrator.start(request),
    'impersonation:list': () => orchestrator.list(),
    'impersonation:focus': ({ id }) => {
      orchestrator.focus(id);
      return null;
    },
    'impersonation:end': ({ id }) => orchestrator.end(id, 'operator', deps.osUser),
    'impersonation:endAll': () => orchestrator.endAll('end-all', deps.osUser),
    'impersonation:retryEnd': ({ id }) => orchestrator.retryEnd(id),
    'impersonation:arrange': () => {
      const arranged = orchestrator.arrange();
      return { arranged, positioned: deps.windowHost.positionsHonoured?.() ?? true };
    },

    'ledger:query': ({ filter }) => ledger.query(filter),
    'ledger:page': ({ filter, offset, limit, order }) => ledger.page(filter, offset, limit, order),
    'ledger:policyChanges': ({ filter, offset, limit }) => ledger.policyChanges(filter, offset, limit),
    'ledger:checkUnknown': ({ entryId }) => orchestrator.checkUnknownAtClerk(entryId, deps.osUser),
    'ledger:verify': () => ledger.verify(),
    'audit:status': () => audit.status(),
    'ledger:revokeToken': ({ entryId }) => orchestrator.revokePendingToken(entryId, deps.osUser),
    'ledger:export': async ({ format, filter }) => {
      const { content, count, policyChanges } = exportHistory(ledger, format, filter);
      const stamp = new Date(now()).toISOString().slice(0, 10);
      const path = await deps.saveFile(`understudy-history-${stamp}.${format}`, content);
      return { path, count, policyChanges };
    },
    'clerk:check': async ({ from, to }) => {
      if (from > to) throw new AppError({ kind: 'invalid-input', message: 'The period ends before it starts.', issues: [{ path: 'to', message: 'The period ends before it starts.' }] });
      if (checking) throw new AppError({ kind: 'conflict', message: 'A check with Clerk is already running; its report comes when it is done.' });
      checking = true;
      try {
        const report = await checkWithClerk(
          {
            query: (filter) => ledger.query(filter),
            gateway: (profileId) => profiles.gateway(profileId),
            isRunning: (entryId) => orchestrator.list().some((view) => view.id === entryId && view.phase !== 'ended' && view.phase !== 'failed'),
            now,
            onProgress: (progress) => deps.emit('clerk:checkProgress', progress),
          },
          { from, to },
        );
        ledger.record('clerk_checked', {
          action: 'checked',
          checkId: report.id,
          by: deps.osUser,
          from,
          to,
          entries: report.entries,
          users: report.subjects,
          usersChecked: report.checkedSubjects,
          foreignSessions: report.foreign.map((session) => session.sessionId),
          stillActiveSessions: report.stillActive.map((session) => session.sessionId),
          unknownOutcomes: report.unknownOutcome.map((entry) => entry.entryId),
          problems: report.problems,
        });
        lastCheck = report;
        return report;
      } finally {
        checking = false;
      }
    },
    'clerk:endSession': async ({ checkId, sessionId }) => {
      const report = checkNamed(checkId);
      const finding = report.stillActive.find((candidate) => candidate.sessionId === sessionId);
      if (!finding) throw new AppError({ kind: 'not-found', message: 'The last check did not report this session as live after its impersonation ended, so Understudy does not end it from here.' });
      const session = await orchestrator.endSessionAtClerk(finding.profileId, sessionId);
      if (session.status === 'active' || session.status === 'pending') {
        throw new AppError({ kind: 'conflict', message: `Clerk still reports the session as ${session.status}. Nothing was changed in the report; try again, or end it in the Clerk Dashboard.` });
      }
      finding.status = session.status;
      finding.endedAt = now();
      ledger.record('clerk_checked', { action: 'ended_session', checkId, by: deps.osUser, entryId: finding.entryId, sessionId, status: session.status });
      return report;
    },
    'clerk:exportCheck': async ({ checkId, format }) => {
      const report = checkNamed(checkId);
      const content = format === 'csv' ? checkToCsv(report) : toJson(report);
      const stamp = new Date(report.checkedAt).toISOString().slice(0, 10);
      const path = await deps.saveFile(`understudy-clerk-check-${stamp}.${format}`, content);
      return { path, count: report.foreign.length + report.stillActive.length + report.unknownOutcome.length };
    },
    'deepLink:take': () => {
      const link = pendingLink;
      pendingLink = null;
      return link;
    },
  };

  return {
    handlers,
    profiles,
    ledger,
    orchestrator,
    recover: async () => {
      // Offline, ending leftovers can take minutes: the console is already open and says what happens.
      const leftoverIds = new Set(ledger.live().map((entry) => entry.id));
      if (leftoverIds.size > 0) {
        const plural = (n: number) => `${n} impersonation${n === 1 ? '' : 's'}`;
        const leftovers = leftoverIds.size;
        const progress = `Ending ${plural(leftovers)} left live by the last run of Understudy…`;
        notices.push(progress);
        changed();
        await orchestrator.recover();
        const stillLive = ledger.live().filter((entry) => leftoverIds.has(entry.id)).length;
        notices.splice(notices.indexOf(progress), 1);
        notices.push(
          stillLive === 0
            ? `Ended ${plural(leftovers)} left live by the last run. The History shows each one.`
            : `Ended ${plural(leftovers - stillLive)} of ${plural(leftovers)} left live by the last run; ${stillLive} could not be ended at Clerk yet. Understudy keeps retrying in the background; the Active screen shows each one with a Retry button.`,
        );
        changed();
      }
      // The whole chain is walked once per start, after the console is up (it yields between chunks).
      const report = await ledger.verify();
      if (!report.intact) {
        notices.push(`The impersonation history was altered outside Understudy (${(report.problems[0] ?? 'the hash chain is broken').replace(/\.$/, '')}). Nothing was changed or deleted; History › Verify history lists what is affected.`);
        changed();
      }
    },
    notify: (text) => {
      notices.push(text);
      changed();
    },
    openDeepLink: async (url) => {
      try {
        const prefill = await resolveDeepLink(parseDeepLink(url), profiles.list(), async (profileId, userId) => profiles.gateway(profileId).getUser(userId));
        pendingLink = prefill;
        deps.emit('deepLink:impersonate', prefill);
      } catch (error) {
        const message = error instanceof AppError ? error.message : 'The link could not be opened.';
        notices.push(message);
        changed();
      }
    },
    shutdown: async () => {
      // One attempt each; what Clerk does not confirm stays `ending` in the history for the next start.
      orchestrator.stopBackgroundRetries();
      await orchestrator.endAll('app-quit', deps.osUser);
      // After the endings are recorded: what is not delivered by now waits for the next start.
      audit.stop();
    },
  };
}

/**
 * Records the organisation's policy in the history whenever it differs from the one last recorded
 * (IT changed it between two starts), and returns what the operator must be told.
 */
function recordOrgPolicy(ledger: Ledger, org: OrgPolicyState, osUser: string): string | null {
  // The history is a file and is exported: a collector's header values (its credentials) never go in.
  const current = org.state === 'set' ? withoutHeaderValues(org.policy) : org.state === 'invalid' ? { invalid: org.problem } : null;
  const last = ledger.latest('policy_changed', 'organisation');
  const before = last ? (last.data.after ?? null) : null;
  if (JSON.stringify(before) !== JSON.stringify(current)) {
    ledger.record('policy_changed', { source: 'organisation', from: org.state === 'none' ? null : org.source, observedBy: osUser, before, after: current });
  }
  if (org.state === 'invalid') {
    return `Impersonation is blocked: your organisation's policy (${org.source}) is invalid — ${org.problem}. Ask IT to fix it.`;
  }
  return null;
}

/** The search list carries no emails beyond the primary one, no phone numbers, no metadata. */
function summary<T extends { emails?: unknown; phoneNumbers?: unknown; publicMetadata?: unknown; lastActiveAt?: unknown }>(user: T) {
  const { emails: _emails, phoneNumbers: _phones, publicMetadata: _metadata, lastActiveAt: _active, ...rest } = user;
  return rest;
}
