import { z } from 'zod/v4';

/**
 * Live Platform's JSON drifts in key spelling between endpoints and versions (`Id`/`id`,
 * `UmpCustomerGuid`/`umpCustomerGuid`, `CacProfile`/`CACProfile`, `sbc_id`). Schemas therefore
 * match on a canonical key: lower case with `_`, `-` and spaces removed. Aliases cover the cases
 * where the same value is also sent under a different name.
 */

export function canonKey(key: string): string {
  return key.toLowerCase().replace(/[_\-\s]/g, '');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Shallow copy with canonical keys; when two spellings collide, a non-null value wins. */
export function canonObject(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const c = canonKey(k);
    if (out[c] == null) out[c] = v;
  }
  return out;
}

/**
 * A loose object schema over canonical keys. `shape` keys must already be canonical;
 * `aliases` lists other canonical names that may carry the same value, in order of preference.
 */
export function canonical<S extends z.core.$ZodLooseShape>(shape: S, aliases: Partial<Record<keyof S & string, string[]>> = {}) {
  return z.preprocess((raw) => {
    if (!isPlainObject(raw)) return raw;
    const c = canonObject(raw);
    for (const [target, names] of Object.entries(aliases) as [string, string[]][]) {
      if (c[target] != null) continue;
      const found = names.find((n) => c[n] != null);
      if (found) c[target] = c[found];
    }
    return c;
  }, z.looseObject(shape));
}

/** An array, or an object wrapping one under a usual name (`items`, `value`, `data`, ...). */
export function listOf<T extends z.ZodType>(item: T, wrapperKeys: string[] = []) {
  const keys = [...wrapperKeys, 'items', 'value', 'data', 'results', 'content', 'list'];
  return z.preprocess((raw) => {
    if (!isPlainObject(raw)) return raw;
    const c = canonObject(raw);
    const key = keys.find((k) => Array.isArray(c[k]));
    return key ? c[key] : raw;
  }, z.array(item));
}

/** Ids arrive as numbers or strings depending on the page of the docs; we keep strings. */
export const idString = z.union([z.string(), z.number()]).transform((v) => String(v));
/** Integer ids that some servers send as numeric strings. */
export const intId = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^\s*-?\d+\s*$/)
    .transform((s) => Number(s.trim())),
]);
/** Optional text that may be null; an empty string counts as absent. */
export const optText = z.union([z.string(), z.null(), z.undefined()]).transform((v) => (v == null || v.trim() === '' ? undefined : v));
/** Free text that a drifting server may send as a structure; kept, as JSON, rather than rejected. */
export const looseText = z.unknown().transform((v) => {
  if (v == null) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  return JSON.stringify(v);
});

export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`);
}
