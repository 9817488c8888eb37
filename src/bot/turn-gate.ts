import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { AccessPolicy } from '../provisioning/access';
import { createRateWindow, formatWait } from '../provisioning/rate-limit';
import { refuseTurn } from './access-guard';
import type { PeopleDirectory } from './people';
import type { Turn } from './turn';

/**
 * What every activity passes before any route sees it: the tenant check and the per-user command
 * limit (docs/security.md). A refused activity gets at most one short answer and no data.
 *
 *   command  a message or a clicked card button (counts against the user's limit)
 *   refresh  a card refreshing itself for a user (Teams sends these on its own: never counted)
 *   event    installs, member changes and the like (never answered when refused)
 */
export type TurnKind = 'command' | 'refresh' | 'event';
export type TurnGate = (turn: Turn, kind: TurnKind) => Promise<boolean>;

export const NOT_AVAILABLE = 'This bot is not available to your organisation.';

export function createTurnGate(deps: { access: AccessPolicy; commandsPerMinute: number; clock: Clock; logger: Logger; people?: PeopleDirectory }): TurnGate {
  const { access, logger } = deps;
  const commands = createRateWindow({ limit: deps.commandsPerMinute, windowMs: 60_000, clock: deps.clock });
  // One refusal per conversation per window: a foreign tenant cannot make the bot talk at will.
  const refusals = createRateWindow({ limit: 1, windowMs: 10 * 60_000, clock: deps.clock });

  return async (turn, kind) => {
    if (!access.tenantAllowed(turn.address)) {
      logger.warn(
        { tenantId: turn.address.tenantId ?? null, conversationId: turn.address.conversationId, user: turn.actor.id, kind },
        'refused an activity from a tenant that is not allowed (ALLOWED_TENANTS)',
      );
      if (turn.invoke) await turn.answerWithError(400, NOT_AVAILABLE);
      else if (kind === 'command' && refusals.hit(turn.address.conversationId).ok) await turn.send(NOT_AVAILABLE);
      return false;
    }
    deps.people?.seen(turn.actor);
    if (kind !== 'command') return true;
    const v = commands.hit(turn.actor.id);
    if (v.ok) return true;
    turn.log.info({ user: turn.actor.id, retryAfterMs: v.retryAfterMs }, 'command limit reached');
    // An invoke must be answered; a message flood is told once, then ignored until the window moves.
    if (turn.invoke || v.first) {
      await refuseTurn(
        turn,
        `You are sending commands faster than I take them (at most ${deps.commandsPerMinute} a minute). Try again in ${formatWait(v.retryAfterMs)}.`,
      );
    }
    return false;
  };
}
