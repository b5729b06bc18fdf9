import type { Lifecycle } from './provider-types';

/** The custom resource types this handler serves, by CloudFormation resource type. */
const LIFECYCLES: Record<string, Lifecycle> = {};

export function lifecycleFor(resourceType: string): Lifecycle {
  const lifecycle = LIFECYCLES[resourceType];
  if (!lifecycle) {
    throw new Error(`Unsupported resource type ${resourceType}: this handler serves ${Object.keys(LIFECYCLES).join(', ') || 'none yet'}`);
  }
  return lifecycle;
}
