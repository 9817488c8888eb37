import type { Logger } from '../logger';
import type { Api } from './api';
import { scriptTemplatePageSchema } from './schemas';
import type { OnboardingScript, ScriptTemplate } from './types';

/**
 * Script templates are paged (page number default 0, size default 10) under parameter names the docs
 * do not give, so the names are configurable. We read until an empty page, and stop with a warning
 * when a page only repeats what we have: that is a server ignoring our paging parameters, and
 * showing page one as if it were everything is exactly what must not happen silently.
 */

export interface PagingOptions {
  pageParam: string;
  sizeParam: string;
  pageSize: number;
  firstPage: number;
  maxPages: number;
}

export const DEFAULT_PAGING: PagingOptions = { pageParam: 'pageNumber', sizeParam: 'pageSize', pageSize: 10, firstPage: 0, maxPages: 100 };

export type ScriptTypeFilter = 'Any' | 'SBC' | 'M365';

export async function fetchAllScriptTemplates(api: Api, paging: PagingOptions, logger: Logger, scriptType: ScriptTypeFilter): Promise<ScriptTemplate[]> {
  const path = '/api/v2/scripttemplates';
  const byId = new Map<number, ScriptTemplate>();
  for (let i = 0; i < paging.maxPages; i++) {
    const page = paging.firstPage + i;
    const res = await api.call({
      method: 'GET',
      path,
      query: { scriptType, allDetails: true, [paging.pageParam]: page, [paging.sizeParam]: paging.pageSize },
      retry: true,
    });
    const items = api.parse(scriptTemplatePageSchema, res, { method: 'GET', path });
    if (items.length === 0) return [...byId.values()];
    const fresh = items.filter((t) => !byId.has(t.id));
    if (fresh.length === 0) {
      logger.warn(
        { page, pageParam: paging.pageParam, sizeParam: paging.sizeParam },
        'script template page repeated earlier entries; the server may not know these paging parameter names, so the list may be incomplete',
      );
      return [...byId.values()];
    }
    for (const t of fresh) {
      byId.set(t.id, {
        id: t.id,
        name: t.name,
        scriptType: t.scripttype ?? undefined,
        description: t.description,
        customerVariables: t.customervariables,
        relatedScripts: (t.relatedscripts ?? []).map((r) => (r.name === undefined ? { id: r.id } : { id: r.id, name: r.name })),
      });
    }
  }
  logger.warn({ maxPages: paging.maxPages }, 'stopped reading script templates at the page limit; the list may be incomplete');
  return [...byId.values()];
}

/**
 * Onboarding scripts with their cleanup script. A template is a cleanup script when its name says so,
 * or when another template points at it and it points at nothing; every other template is offered as
 * an onboarding script, with the related script (preferring one named *cleanup*) as its cleanup.
 */
export function toOnboardingScripts(templates: ScriptTemplate[]): OnboardingScript[] {
  const byId = new Map(templates.map((t) => [t.id, t]));
  const targets = new Set(templates.flatMap((t) => t.relatedScripts.map((r) => r.id)));
  const isCleanup = (t: ScriptTemplate) => /cleanup/i.test(t.name) || (targets.has(t.id) && t.relatedScripts.length === 0);
  return templates
    .filter((t) => !isCleanup(t))
    .map((t) => {
      const related = t.relatedScripts.map((r) => ({ id: r.id, name: r.name ?? byId.get(r.id)?.name }));
      const cleanup = related.find((r) => r.name !== undefined && /cleanup/i.test(r.name)) ?? related[0];
      const out: OnboardingScript = { id: t.id, name: t.name, customerVariables: t.customerVariables };
      if (t.description !== undefined) out.description = t.description;
      if (cleanup) {
        out.cleanupScriptId = cleanup.id;
        if (cleanup.name !== undefined) out.cleanupScriptName = cleanup.name;
      }
      return out;
    });
}
