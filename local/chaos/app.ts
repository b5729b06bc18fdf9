/** Synthesizes one revision with the library's constructs, in-process: tens of milliseconds, where a child process takes seconds. */
import { App, CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { type Declaration, DECLARED_USERS, ENVIRONMENT_IDS, ENVIRONMENT_KEYS, type EnvironmentKey, type GroupRef, IMPORTED_GROUPS } from './environments';
import type { HandlerTimeouts } from './plan';
import { FinSpaceDataAccess, FinSpaceUser, FinSpaceUserType, GroupMembership, IfExists, type IPermissionGroup, PermissionGroup } from '../../lib';

export const STACK_NAME = 'FinSpaceChaos';

export interface AppSettings {
  readonly maxConcurrency: number;
  /** FinSpaceDataAccess timeout and pollInterval; the runner's poll interval scales the waiter. */
  readonly timeout: Duration;
  readonly pollInterval: Duration;
  /** The handler functions' Lambda timeouts; default: the library's. */
  readonly handlerTimeouts?: HandlerTimeouts;
}

/** So long that only FinSpace's answers decide: the runner scales the waiter, not the handler's own deadline, never reached. */
export const PATIENT_TIMING = { timeout: Duration.minutes(50), pollInterval: Duration.seconds(1) } as const;

export interface SynthesizedApp {
  /** The cloud assembly directory. */
  readonly directory: string;
  /** Logical id of each declared group's, membership's and person's custom resource, by construct id. */
  readonly logicalIds: Readonly<Record<string, string>>;
}

export function synthesizeDeclaration(declaration: Declaration, outdir: string, settings: AppSettings): SynthesizedApp {
  const app = new App({ outdir });
  const stack = new Stack(app, STACK_NAME, { env: { account: '111122223333', region: 'us-east-1' } });
  const access = Object.fromEntries(ENVIRONMENT_KEYS.map(key => [key, new FinSpaceDataAccess(stack, `FinSpace${key.toUpperCase()}`, {
    environmentId: ENVIRONMENT_IDS[key],
    maxConcurrency: settings.maxConcurrency,
    timeout: settings.timeout,
    pollInterval: settings.pollInterval,
    // Run between steps by the drift rounds (sequence.ts), never by a clock here.
    audit: {},
  })])) as Record<EnvironmentKey, FinSpaceDataAccess>;
  const removalPolicy = (retain: boolean) => retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

  const groups = new Map<string, IPermissionGroup>(declaration.groups.map(group => [group.id, new PermissionGroup(stack, group.id, {
    access: access[group.environment],
    permissionGroupName: group.name,
    description: group.description,
    applicationPermissions: [...group.permissions],
    removalPolicy: removalPolicy(group.retain),
  })]));
  const groupOf = (ref: GroupRef): IPermissionGroup => {
    if ('created' in ref) return groups.get(ref.created)!;
    const imported = groups.get(`imported:${ref.imported}`) ?? PermissionGroup.fromPermissionGroupId(stack, `Imported${ref.imported}`,
      access[IMPORTED_GROUPS.find(group => group.permissionGroupId === ref.imported)!.environment], ref.imported);
    groups.set(`imported:${ref.imported}`, imported);
    return imported;
  };
  const people = new Map((declaration.people ?? []).map(person => [person.id, new FinSpaceUser(stack, person.id, {
    access: access[person.environment],
    emailAddress: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    type: FinSpaceUserType[person.type],
    // Adopted when it exists: a create rolled back disables the user it made, and the next attempt takes it over.
    ifExists: IfExists.ADOPT,
    removalPolicy: removalPolicy(person.retain),
  })]));
  // Every other declared user (user02, user04, ...) is declared by e-mail address, in capitals FinSpace does not keep, so that the
  // sequences resolve addresses too; the expectation needs no change. Users that steps declare to fail keep their ids (and reasons).
  const byEmail = (user: string) => DECLARED_USERS.indexOf(user) % 2 === 1;
  const memberships = new Map(declaration.memberships.map(membership => [membership.id, new GroupMembership(stack, membership.id, {
    group: groupOf(membership.group),
    userIds: membership.users.filter(user => !byEmail(user)),
    users: [
      ...membership.users.filter(byEmail).map(user => FinSpaceUser.fromEmail(`${user.toUpperCase()}@Example.com`)),
      ...(membership.people ?? []).map(id => people.get(id)!),
    ],
    exclusive: membership.exclusive,
    removalPolicy: removalPolicy(membership.retain),
  })]));
  for (const membership of declaration.memberships) {
    for (const id of membership.after ?? []) memberships.get(membership.id)!.node.addDependency(memberships.get(id)!);
  }
  if (settings.handlerTimeouts) shortenHandlerTimeouts(stack, settings.handlerTimeouts);

  const directory = app.synth().directory;
  // Memberships here never exceed one resource (3,000 users).
  const declared: Construct[] = [...declaration.groups.map(group => groups.get(group.id)!), ...memberships.values(), ...people.values()];
  const logicalIdOf = (construct: Construct) => stack.getLogicalId(construct.node.findChild('Resource').node.defaultChild as CfnElement);
  return { directory, logicalIds: Object.fromEntries(declared.map(construct => [construct.node.id, logicalIdOf(construct)])) };
}

/** The library gives the handler functions minutes: an outage that outlasts one invocation would take minutes of real time. */
function shortenHandlerTimeouts(stack: Stack, timeouts: HandlerTimeouts): void {
  const functions = stack.node.findAll().filter((construct): construct is lambda.Function => construct instanceof lambda.Function);
  for (const [id, seconds] of [['OnEvent', timeouts.onEvent], ['IsComplete', timeouts.isComplete]] as const) {
    const handler = functions.filter(fn => fn.node.id === id && fn.node.scope?.node.id.startsWith('FinSpaceDataProvider'));
    handler.forEach(fn => { (fn.node.defaultChild as lambda.CfnFunction).timeout = seconds; });
  }
}
