// Which history records a filter matches, as SQL: the one matcher behind the console's pages
// (Ledger.page) and the exports (Ledger.query, Ledger.policyChanges → export.ts), so a filter means
// the same thing on screen and in a file. The operator matches their Clerk user id or their OS user,
// whole and case-insensitively (both columns are stored lower-cased).
import type { HistoryOrder, LedgerFilter } from '../../shared/domain.ts';

type Param = string | number;
export interface Sql {
  sql: string;
  params: Param[];
}

const where = (clauses: string[]) => (clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '');

export function operatorOf(filter: LedgerFilter): string | null {
  return filter.operator?.trim().toLowerCase() || null;
}

/** Every clause but the operator's, on `entries e`. */
function entryClauses(filter: LedgerFilter): { clauses: string[]; params: Param[] } {
  const clauses: string[] = [];
  const params: Param[] = [];
  if (filter.userId !== undefined) {
    clauses.push('e.subject_id = ?');
    params.push(filter.userId);
  }
  if (filter.profileId !== undefined) {
    clauses.push('e.profile_id = ?');
    params.push(filter.profileId);
  }
  // An empty status list means "any status", like an absent one.
  if (filter.status && filter.status.length > 0) {
    clauses.push(`e.status IN (${filter.status.map(() => '?').join(', ')})`);
    params.push(...filter.status);
  }
  if (filter.from !== undefined) {
    clauses.push('e.created_at >= ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    clauses.push('e.created_at <= ?');
    params.push(filter.to);
  }
  return { clauses, params };
}

/**
 * `SELECT seq, created_at` of the matching entries in `order` (ties by seq), ready for LIMIT/OFFSET.
 * With an operator it is two date-ordered walks of the operator indexes merged by UNION: an OR across
 * the two columns made SQLite fetch every match and sort it (EXPLAIN QUERY PLAN: "MULTI-INDEX OR …
 * USE TEMP B-TREE FOR ORDER BY"), 11–29 ms at 100,000 entries against well under 1 ms merged.
 */
export function matchingEntries(filter: LedgerFilter, order: HistoryOrder = 'newest'): Sql {
  const { clauses, params } = entryClauses(filter);
  const dir = order === 'newest' ? 'DESC' : 'ASC';
  const operator = operatorOf(filter);
  if (!operator) return { sql: `SELECT e.seq, e.created_at FROM entries e ${where(clauses)} ORDER BY e.created_at ${dir}, e.seq ${dir}`, params };
  const arm = (index: string, column: string) => `SELECT e.seq, e.created_at FROM entries e INDEXED BY ${index} ${where([`e.${column} = ?`, ...clauses])}`;
  return {
    sql: `${arm('entries_by_operator', 'operator_id')} UNION ${arm('entries_by_os_user', 'os_user')} ORDER BY 2 ${dir}, 1 ${dir}`,
    params: [operator, ...params, operator, ...params],
  };
}

/** How many entries match. With an operator: each index counted on its own, an entry matching both once. */
export function countMatching(filter: LedgerFilter): Sql {
  const { clauses, params } = entryClauses(filter);
  const operator = operatorOf(filter);
  if (!operator) return { sql: `SELECT count(*) AS n FROM entries e ${where(clauses)}`, params };
  return {
    sql:
      `SELECT (SELECT count(*) FROM entries e INDEXED BY entries_by_operator ${where(['e.operator_id = ?', ...clauses])}) + ` +
      `(SELECT count(*) FROM entries e INDEXED BY entries_by_os_user ${where(['e.os_user = ?', 'e.operator_id <> ?', ...clauses])}) AS n`,
    params: [operator, ...params, operator, operator, ...params],
  };
}

/**
 * The policy changes a filter matches (events about the desk, newest first), or null when the filter
 * is about impersonations only (a customer or a status). The operator matches a local change's
 * author (OS user or Clerk user id); the organisation's changes have no operator.
 */
export function matchingPolicyChanges(filter: LedgerFilter): Sql | null {
  if (filter.userId !== undefined || (filter.status && filter.status.length > 0)) return null;
  const clauses = ["entry_id IS NULL", "type = 'policy_changed'"];
  const params: Param[] = [];
  if (filter.profileId !== undefined) {
    clauses.push("json_extract(data, '$.profileId') = ?");
    params.push(filter.profileId);
  }
  const operator = operatorOf(filter);
  if (operator) {
    clauses.push("json_extract(data, '$.source') = 'local'");
    clauses.push("(lower(json_extract(data, '$.by')) = ? OR lower(json_extract(data, '$.operatorId')) = ?)");
    params.push(operator, operator);
  }
  if (filter.from !== undefined) {
    clauses.push('at >= ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    clauses.push('at <= ?');
    params.push(filter.to);
  }
  return { sql: `FROM events ${where(clauses)}`, params };
}
