// The names of the contract's channels and events, apart from their schemas so the preload can
// build the bridge without bundling a validator. contract.ts is checked against this list.

export const channels = [
  'app:getState',
  'app:dismissNotice',
  'app:openLogFolder',
  'profiles:add',
  'profiles:rename',
  'profiles:remove',
  'profiles:select',
  'profiles:setOperator',
  'profiles:setPolicy',
  'profiles:setAppOrigins',
  'users:search',
  'users:get',
  'users:sessions',
  'impersonation:start',
  'impersonation:list',
  'impersonation:focus',
  'impersonation:end',
  'impersonation:endAll',
  'impersonation:retryEnd',
  'impersonation:arrange',
  'ledger:query',
  'ledger:revokeToken',
  'ledger:export',
  'ledger:page',
  'ledger:policyChanges',
  'ledger:checkUnknown',
  'ledger:verify',
  'audit:status',
  'deepLink:take',
  'clerk:check',
  'clerk:endSession',
  'clerk:exportCheck',
] as const;

export type Channel = (typeof channels)[number];

/** Main → renderer notifications. */
export const eventNames = ['impersonation:changed', 'ledger:changed', 'app:changed', 'deepLink:impersonate', 'audit:changed', 'clerk:checkProgress'] as const;
