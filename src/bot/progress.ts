import { renderProgressCard } from '../cards/progress-card';
import type { AdaptiveCardJson } from '../cards/render';
import type { ProvisioningRequest } from '../provisioning/request';
import type { ProvisioningService } from '../provisioning/service';

/** A request's card as everyone sees it now: with its place in the deployment queue while it waits. */
export function progressCard(service: Pick<ProvisioningService, 'queuePosition' | 'maxConcurrentDeployments'>, r: ProvisioningRequest): AdaptiveCardJson {
  return renderProgressCard(r, { queuePosition: service.queuePosition(r.id), maxConcurrent: service.maxConcurrentDeployments });
}
