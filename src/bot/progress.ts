import { renderProgressCard, type ProgressView } from '../cards/progress-card';
import type { AdaptiveCardJson } from '../cards/render';
import type { ProvisioningRequest } from '../provisioning/request';
import type { ProvisioningService } from '../provisioning/service';

/**
 * A request's card as it is now: with its place in the deployment queue while it waits, and the
 * users whose Teams refreshes it into their own view while it waits for approval.
 */
export function progressCard(
  service: Pick<ProvisioningService, 'queuePosition' | 'maxConcurrentDeployments' | 'allowSelfApproval'>,
  r: ProvisioningRequest,
  view: Pick<ProgressView, 'target' | 'viewer' | 'snapshot' | 'refreshUserIds' | 'portalUrl'> = {},
): AdaptiveCardJson {
  return renderProgressCard(r, {
    ...view,
    queuePosition: service.queuePosition(r.id),
    maxConcurrent: service.maxConcurrentDeployments,
    allowSelfApproval: service.allowSelfApproval,
  });
}
