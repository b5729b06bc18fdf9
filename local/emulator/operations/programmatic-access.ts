/**
 * GetProgrammaticAccessCredentials: the one operation IAM authorizes, and the
 * only one that names its environment. It vends temporary keys that act as the
 * FinSpace user registered for the caller's role.
 */
import { authorizeCredentialVending } from '../authorization';
import { EmulatorBehaviour } from '../behaviour';
import { CredentialStore, Principal } from '../credentials';
import { EnvironmentState } from '../environment';
import { OperationOutput } from '../protocol';

export interface CredentialRequestContext {
  readonly principal: Principal;
  readonly environments: ReadonlyMap<string, EnvironmentState>;
  readonly credentials: CredentialStore;
  readonly region: string;
  readonly now: number;
  readonly behaviour: EmulatorBehaviour;
}

interface GetProgrammaticAccessCredentialsInput {
  readonly environmentId: string;
  readonly durationInMinutes?: number;
}

export function getProgrammaticAccessCredentials(
  context: CredentialRequestContext,
  input: GetProgrammaticAccessCredentialsInput,
): OperationOutput {
  const { principal, environments, credentials, region, now, behaviour } = context;
  const environment = environments.get(input.environmentId);
  environment?.settle(now);
  const user = authorizeCredentialVending(principal, environment, input.environmentId, region, behaviour.uniqueApiAccessPrincipals);
  const durationInMinutes = input.durationInMinutes ?? behaviour.defaultCredentialDurationMinutes;
  const vended = credentials.vend(input.environmentId, user.userId, now, durationInMinutes * 60_000);
  return {
    credentials: {
      accessKeyId: vended.accessKeyId,
      secretAccessKey: vended.secretAccessKey,
      sessionToken: vended.sessionToken,
    },
    durationInMinutes,
  };
}
