import { manifestCommandLists, type Feature } from './registry';

/**
 * The Teams app manifest from manifest/manifest.json: `${{NAME}}` placeholders filled from
 * `values`, and the bot's command lists read from the feature registry (the template has none,
 * so the command menu can never disagree with what the bot understands).
 */
export function renderManifest(template: unknown, values: Record<string, string>, features: readonly Feature[]): Record<string, unknown> {
  const missing = new Set<string>();
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(/\$\{\{([A-Z0-9_]+)\}\}/g, (_m, name: string) => {
        if (values[name] === undefined) missing.add(name);
        return values[name] ?? '';
      });
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  const manifest = fill(template) as { bots?: Record<string, unknown>[] } & Record<string, unknown>;
  if (missing.size) throw new Error(`The manifest needs values for: ${[...missing].sort().join(', ')}`);
  if (!manifest.bots?.length) throw new Error('The manifest template has no bots entry');
  manifest.bots = manifest.bots.map((bot, i) => (i === 0 ? { ...bot, commandLists: manifestCommandLists(features) } : bot));
  return manifest;
}
