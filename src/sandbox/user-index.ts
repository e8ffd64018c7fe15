// In-memory user search that stays fast at 100,000 users: exact filters go through maps, `query`
// through a substring index, each sort order is a permutation computed once on first use, and the
// last few results are cached (the SDK asks /users and /users/count with the same filters at once).
// Users never change after seeding, so nothing is ever invalidated.
import { createSubstringIndex } from './substring-index.ts';
import type { SandboxUser } from './users.ts';

export const ORDER_FIELDS = [
  'created_at', 'updated_at', 'email_address', 'web3wallet', 'first_name', 'last_name',
  'phone_number', 'username', 'last_active_at', 'last_sign_in_at',
] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

export interface UserOrder {
  field: OrderField;
  descending: boolean;
}

export interface UserFilter {
  query?: string;
  emailAddresses?: string[];
  phoneNumbers?: string[];
  usernames?: string[];
  /** Each may start with `+` (include) or `-` (exclude); plain means include. */
  userIds?: string[];
  externalIds?: string[];
  banned?: boolean;
  emailAddressQuery?: string;
  phoneNumberQuery?: string;
  usernameQuery?: string;
  nameQuery?: string;
  createdAtBefore?: number;
  createdAtAfter?: number;
  lastActiveAtBefore?: number;
  lastActiveAtAfter?: number;
  lastSignInAtBefore?: number;
  lastSignInAtAfter?: number;
}

export interface UserPageRequest {
  filter: UserFilter;
  order: UserOrder;
  limit: number;
  offset: number;
  startingAfter?: string;
}

export interface UserIndex {
  readonly users: readonly SandboxUser[];
  get(id: string): SandboxUser | undefined;
  count(filter: UserFilter): number;
  page(request: UserPageRequest): SandboxUser[];
}

/** Characters that separate users and fields in the haystack; never part of a search term. */
const USER_SEPARATOR = '\n';
const FIELD_SEPARATOR = '\t';

function includeExclude(values: string[]): { include: string[]; exclude: string[] } {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const value of values) {
    if (value.startsWith('-')) exclude.push(value.slice(1));
    else include.push(value.startsWith('+') ? value.slice(1) : value);
  }
  return { include, exclude };
}

function sortKey(user: SandboxUser, field: OrderField): string | number | null {
  switch (field) {
    case 'created_at': return user.createdAt;
    case 'updated_at': return user.updatedAt;
    case 'email_address': return user.emails[0]?.address.toLowerCase() ?? null;
    case 'web3wallet': return null;
    case 'first_name': return user.firstName?.toLowerCase() ?? null;
    case 'last_name': return user.lastName?.toLowerCase() ?? null;
    case 'phone_number': return user.phones[0]?.number ?? null;
    case 'username': return user.username?.toLowerCase() ?? null;
    case 'last_active_at': return user.lastActiveAt;
    case 'last_sign_in_at': return user.lastSignInAt;
  }
}

/** `users` must be sorted newest first; they are indexed by position. */
export function createUserIndex(users: readonly SandboxUser[]): UserIndex {
  const total = users.length;
  const byId = new Map<string, number>();
  const byEmail = new Map<string, number>();
  const byPhone = new Map<string, number>();
  const byUsername = new Map<string, number>();
  const byExternalId = new Map<string, number>();
  const starts = new Int32Array(total + 1);
  const parts: string[] = [];
  let offset = 0;
  users.forEach((user, index) => {
    byId.set(user.id, index);
    for (const email of user.emails) byEmail.set(email.address.toLowerCase(), index);
    for (const phone of user.phones) byPhone.set(phone.number, index);
    if (user.username) byUsername.set(user.username.toLowerCase(), index);
    if (user.externalId) byExternalId.set(user.externalId, index);
    // Built by concatenation: this runs once per user, 100,000 times at the largest size.
    let part = user.id;
    if (user.username) part += FIELD_SEPARATOR + user.username;
    if (user.firstName) part += FIELD_SEPARATOR + user.firstName;
    if (user.lastName) part += FIELD_SEPARATOR + user.lastName;
    for (const email of user.emails) part += FIELD_SEPARATOR + email.address;
    for (const phone of user.phones) part += FIELD_SEPARATOR + phone.number;
    part = part.toLowerCase();
    if (part.includes(USER_SEPARATOR)) part = part.replaceAll(USER_SEPARATOR, ' ');
    starts[index] = offset;
    parts.push(part);
    offset += part.length + 1;
  });
  starts[total] = offset;
  const search = createSubstringIndex(parts.join(USER_SEPARATOR), starts, USER_SEPARATOR, FIELD_SEPARATOR);

  function lookup(map: Map<string, number>, values: string[], normalize: (value: string) => string): number[] {
    const found = new Set<number>();
    for (const value of values) {
      const index = map.get(normalize(value));
      if (index !== undefined) found.add(index);
    }
    return [...found].sort((a, b) => a - b);
  }

  const same = (value: string): string => value;
  const lower = (value: string): string => value.toLowerCase();

  const recent = new Map<string, number[] | null>();
  /** `compute`, memoised for the last few distinct filters. */
  function select(filter: UserFilter): number[] | null {
    const key = JSON.stringify(filter);
    if (recent.has(key)) return recent.get(key) as number[] | null;
    const result = compute(filter);
    recent.set(key, result);
    if (recent.size > 8) recent.delete(recent.keys().next().value as string);
    return result;
  }

  /** Matching positions, ascending (newest first); `null` means every user. */
  function compute(filter: UserFilter): number[] | null {
    let candidates: number[] | null = null;
    const narrow = (next: number[]): void => {
      if (candidates === null) candidates = next;
      else {
        const keep = new Set(next);
        candidates = candidates.filter((index) => keep.has(index));
      }
    };
    const excluded = new Set<number>();
    const idFilters: [string[] | undefined, Map<string, number>][] = [[filter.userIds, byId], [filter.externalIds, byExternalId]];
    for (const [values, map] of idFilters) {
      if (!values?.length) continue;
      const { include, exclude } = includeExclude(values);
      if (include.length) narrow(lookup(map, include, same));
      for (const index of lookup(map, exclude, same)) excluded.add(index);
    }
    if (filter.emailAddresses?.length) narrow(lookup(byEmail, filter.emailAddresses, lower));
    if (filter.phoneNumbers?.length) narrow(lookup(byPhone, filter.phoneNumbers, same));
    if (filter.usernames?.length) narrow(lookup(byUsername, filter.usernames, lower));

    // Every whitespace-separated term must match; the longest one is scanned, the rest checked per user.
    const terms = (filter.query ?? '').toLowerCase().split(/\s+/).filter(Boolean).sort((a, b) => b.length - a.length);
    if (terms.length) {
      const [first, ...rest] = terms as [string, ...string[]];
      const source: number[] = candidates === null ? search.find(first) : (candidates as number[]).filter((index) => search.text(index).includes(first));
      candidates = rest.length ? source.filter((index) => rest.every((term) => search.text(index).includes(term))) : source;
    }

    const predicates: ((user: SandboxUser) => boolean)[] = [];
    const contains = (value: string | null | undefined, needle: string): boolean => !!value && value.toLowerCase().includes(needle);
    if (filter.banned !== undefined) predicates.push((user) => user.banned === filter.banned);
    if (filter.emailAddressQuery) {
      const needle = filter.emailAddressQuery.toLowerCase();
      predicates.push((user) => user.emails.some((email) => contains(email.address, needle)));
    }
    if (filter.phoneNumberQuery) {
      const needle = filter.phoneNumberQuery.toLowerCase();
      predicates.push((user) => user.phones.some((phone) => contains(phone.number, needle)));
    }
    if (filter.usernameQuery) {
      const needle = filter.usernameQuery.toLowerCase();
      predicates.push((user) => contains(user.username, needle));
    }
    if (filter.nameQuery) {
      const needle = filter.nameQuery.toLowerCase();
      predicates.push((user) => contains([user.firstName, user.lastName].filter(Boolean).join(' '), needle));
    }
    const range = (value: (user: SandboxUser) => number | null, before?: number, after?: number): void => {
      if (before !== undefined) predicates.push((user) => (value(user) ?? Infinity) < before);
      if (after !== undefined) predicates.push((user) => (value(user) ?? -Infinity) > after);
    };
    range((user) => user.createdAt, filter.createdAtBefore, filter.createdAtAfter);
    range((user) => user.lastActiveAt, filter.lastActiveAtBefore, filter.lastActiveAtAfter);
    range((user) => user.lastSignInAt, filter.lastSignInAtBefore, filter.lastSignInAtAfter);
    if (excluded.size) predicates.push((user) => !excluded.has(byId.get(user.id) as number));

    if (!predicates.length) return candidates;
    const test = (index: number): boolean => predicates.every((predicate) => predicate(users[index] as SandboxUser));
    if (candidates !== null) return (candidates as number[]).filter(test);
    const all: number[] = [];
    for (let index = 0; index < total; index++) if (test(index)) all.push(index);
    return all;
  }

  const permutations = new Map<string, Int32Array>();
  /** Positions in the requested order; nulls always last, ties newest first. */
  function permutation(order: UserOrder): Int32Array | null {
    if (order.field === 'created_at' && order.descending) return null;
    const cacheKey = `${order.field}:${order.descending}`;
    const cached = permutations.get(cacheKey);
    if (cached) return cached;
    const result = new Int32Array(total);
    if (order.field === 'created_at') {
      for (let index = 0; index < total; index++) result[index] = total - 1 - index;
    } else {
      const keys = users.map((user) => sortKey(user, order.field));
      const present: number[] = [];
      const missing: number[] = [];
      keys.forEach((key, index) => (key === null ? missing : present).push(index));
      const direction = order.descending ? -1 : 1;
      present.sort((a, b) => {
        const left = keys[a] as string | number;
        const right = keys[b] as string | number;
        return left < right ? -direction : left > right ? direction : a - b;
      });
      result.set(present, 0);
      result.set(missing, present.length);
    }
    permutations.set(cacheKey, result);
    return result;
  }

  const ranks = new Map<Int32Array, Int32Array>();
  function rankOf(order: Int32Array): Int32Array {
    let rank = ranks.get(order);
    if (!rank) {
      rank = new Int32Array(total);
      order.forEach((index, position) => ((rank as Int32Array)[index] = position));
      ranks.set(order, rank);
    }
    return rank;
  }

  /** Matching positions in order, only as far as `end` when that is enough. */
  function ordered(candidates: number[] | null, order: UserOrder, end: number): ArrayLike<number> {
    const sequence = permutation(order);
    if (candidates === null) {
      if (sequence) return sequence.subarray(0, end);
      return Int32Array.from({ length: Math.min(end, total) }, (_, index) => index);
    }
    if (!sequence) return candidates;
    if (candidates.length * 16 > total) {
      // Dense: walk the precomputed order and keep members.
      const member = new Uint8Array(total);
      for (const index of candidates) member[index] = 1;
      const out: number[] = [];
      for (let position = 0; position < total && out.length < end; position++) {
        const index = sequence[position] as number;
        if (member[index]) out.push(index);
      }
      return out;
    }
    const rank = rankOf(sequence);
    return candidates.slice().sort((a, b) => (rank[a] as number) - (rank[b] as number));
  }

  return {
    users,
    get: (id) => {
      const index = byId.get(id);
      return index === undefined ? undefined : users[index];
    },
    count: (filter) => select(filter)?.length ?? total,
    page: ({ filter, order, limit, offset, startingAfter }) => {
      const candidates = select(filter);
      let start = offset;
      let list: ArrayLike<number>;
      if (startingAfter !== undefined) {
        list = ordered(candidates, order, total);
        const after = byId.get(startingAfter);
        start = 0;
        if (after !== undefined) {
          // Cursor: first position past the cursor user in created_at order (it need not match the filter).
          const before = (index: number): boolean => (order.descending ? index <= after : index >= after);
          while (start < list.length && before(list[start] as number)) start++;
        }
      } else {
        list = ordered(candidates, order, offset + limit);
      }
      const page: SandboxUser[] = [];
      for (let position = start; position < Math.min(list.length, start + limit); position++) {
        page.push(users[list[position] as number] as SandboxUser);
      }
      return page;
    },
  };
}
