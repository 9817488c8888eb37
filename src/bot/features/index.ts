import type { Feature } from '../registry';
import { helpFeature } from './help';
import { newCustomerFeature } from './new-customer';
import { requestActionsFeature } from './request-actions';
import { requestCommandsFeature } from './request-commands';

/** Every feature of the bot, in the order help lists their commands. A new feature is one line here. */
export const FEATURES: readonly Feature[] = [newCustomerFeature, requestCommandsFeature, requestActionsFeature, helpFeature];
