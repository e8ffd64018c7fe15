// Validates responses against Clerk's OpenAPI specs (the contract: the Backend API's by default, the
// Frontend API's with `{ spec: 'fapi' }`) with ajv: the spec's
// own response schemas for the operation and status, compiled by JSON pointer into the spec
// document so its `$ref`s resolve. OpenAPI 3.0's `nullable` is turned into JSON Schema's null type
// first. Reusable by any suite: `validateResponse('GET', '/users', 200, body)` throws when invalid.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The official spec lives in the workspace's `shared/` folder beside the repository (see README). */
export const BAPI_SPEC_PATH =
  process.env['UNDERSTUDY_CLERK_BAPI_SPEC'] ?? fileURLToPath(new URL('../../../shared/clerk/bapi/2026-05-12.yml', import.meta.url));
if (!existsSync(BAPI_SPEC_PATH)) {
  throw new Error(`Clerk's Backend API spec was not found at ${BAPI_SPEC_PATH}; put shared/ beside the repository or set UNDERSTUDY_CLERK_BAPI_SPEC.`);
}
/** The Frontend API spec sits beside it (`shared/clerk/fapi/`). */
export const FAPI_SPEC_PATH = process.env['UNDERSTUDY_CLERK_FAPI_SPEC'] ?? join(dirname(BAPI_SPEC_PATH), '..', 'fapi', '2026-05-12.yml');
export type SpecName = 'bapi' | 'fapi';
const SPEC_PATHS: Record<SpecName, string> = { bapi: BAPI_SPEC_PATH, fapi: FAPI_SPEC_PATH };

type Node = Record<string, unknown>;

/** OpenAPI 3.0 `nullable: true` → JSON Schema: null is allowed in addition to the schema. */
function convertNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node as Node)) out[key] = convertNullable(value);
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

interface Loaded {
  id: string;
  spec: Node;
  ajv: Ajv;
  validators: Map<string, ValidateFunction>;
}
const cached = new Map<SpecName, Loaded>();

function load(name: SpecName = 'bapi'): Loaded {
  const hit = cached.get(name);
  if (hit) return hit;
  const spec = convertNullable(parse(readFileSync(SPEC_PATHS[name], 'utf8'))) as Node;
  // strict: false lets ajv ignore OpenAPI-only keywords (discriminator, example, x-…); formats stay checked.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  const id = `clerk-${name}`;
  ajv.addSchema(spec, id);
  const loaded = { id, spec, ajv, validators: new Map() };
  cached.set(name, loaded);
  return loaded;
}

const escapePointer = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');

function resolveLocal(spec: Node, ref: string): { node: Node; pointer: string } {
  const pointer = ref.slice(1);
  let node: unknown = spec;
  for (const segment of pointer.split('/').slice(1)) node = (node as Node)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  return { node: node as Node, pointer };
}

/**
 * JSON pointer of the spec's schema for a response; statuses the operation does not list fall back
 * to `default`, then (for errors) to ClerkErrors, the envelope every Clerk error uses. Returns
 * `documented: false` in that last case so callers can tell.
 */
export function responseSchemaPointer(method: string, pathTemplate: string, status: number, specName: SpecName = 'bapi'): { pointer: string; documented: boolean } {
  const { spec } = load(specName);
  const paths = spec.paths as Node;
  const operation = (paths[pathTemplate] as Node | undefined)?.[method.toLowerCase()] as Node | undefined;
  if (!operation) throw new Error(`The spec has no operation ${method} ${pathTemplate}`);
  const responses = operation.responses as Node;
  const key = String(status) in responses ? String(status) : 'default' in responses ? 'default' : null;
  if (key === null) {
    if (status >= 400) return { pointer: '/components/schemas/ClerkErrors', documented: false };
    throw new Error(`${method} ${pathTemplate} does not document status ${status}`);
  }
  let response = responses[key] as Node;
  let pointer = `/paths/${escapePointer(pathTemplate)}/${method.toLowerCase()}/responses/${key}`;
  if (typeof response.$ref === 'string') ({ node: response, pointer } = resolveLocal(spec, response.$ref));
  if (!(response.content as Node | undefined)?.['application/json']) throw new Error(`${method} ${pathTemplate} ${status} has no JSON body in the spec`);
  return { pointer: `${pointer}/content/application~1json/schema`, documented: true };
}

function validatorFor(pointer: string, paginated: boolean, specName: SpecName = 'bapi'): ValidateFunction {
  const { id, ajv, validators } = load(specName);
  const cacheKey = `${pointer}|${paginated}`;
  let validate = validators.get(cacheKey);
  if (!validate) {
    const ref = { $ref: `${id}#${pointer}` };
    // `paginated=true` (the Paginated parameter) wraps the documented list in `{ data, total_count }`.
    const schema = paginated
      ? { type: 'object', additionalProperties: false, required: ['data', 'total_count'], properties: { data: ref, total_count: { type: 'integer' } } }
      : ref;
    validate = ajv.compile(schema);
    validators.set(cacheKey, validate);
  }
  return validate;
}

export interface ValidationResult {
  valid: boolean;
  /** False when the spec does not list this error status and ClerkErrors was used. */
  documented: boolean;
  errors: string;
}

export interface CheckOptions {
  paginated?: boolean;
  /** Which spec: the Backend API's (default) or the Frontend API's. */
  spec?: SpecName;
}

export function checkResponse(method: string, pathTemplate: string, status: number, body: unknown, options: CheckOptions = {}): ValidationResult {
  const { pointer, documented } = responseSchemaPointer(method, pathTemplate, status, options.spec);
  const validate = validatorFor(pointer, options.paginated ?? false, options.spec);
  const valid = validate(body) as boolean;
  return { valid, documented, errors: valid ? '' : load(options.spec).ajv.errorsText(validate.errors, { separator: '\n' }) };
}

/** Throws with ajv's messages when `body` does not match the spec for this operation and status. */
export function validateResponse(method: string, pathTemplate: string, status: number, body: unknown, options: CheckOptions = {}): void {
  const result = checkResponse(method, pathTemplate, status, body, options);
  if (!result.valid) throw new Error(`${method} ${pathTemplate} ${status} does not match the OpenAPI schema:\n${result.errors}`);
}

/** Validates against a named component schema, e.g. `validateComponent('ClerkErrors', body)`. */
export function validateComponent(name: string, body: unknown): void {
  const validate = validatorFor(`/components/schemas/${escapePointer(name)}`, false);
  if (!validate(body)) throw new Error(`Body does not match ${name}:\n${load().ajv.errorsText(validate.errors, { separator: '\n' })}`);
}
