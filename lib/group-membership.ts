import { createHash } from 'crypto';
import { Annotations, Aspects, CustomResource, IAspect, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { FinSpaceUser, type IFinSpaceUser, validateEmail } from './finspace-user';
import type { IPermissionGroup } from './permission-group';
import { validateRemovalPolicy } from './removal-policy';
import { publishUserIds } from './user-ids-object';
import { hasSurroundingBlanks, isValidId } from '../contract/finspace-ids';
import { emailMemberKey, emailOfMemberKey, maskEmail } from '../contract/finspace-users';
import { wireBoolean, type GroupMembershipWireProperties } from '../contract/resource-properties';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE } from '../contract/resource-types';
import { MAX_INLINE_USER_IDS } from '../contract/user-ids-object';

/**
 * Token.isUnresolved, taken once: it runs for every user id, and each access to an
 * export of aws-cdk-lib goes through a lazy getter that calls require().
 */
const isUnresolved = Token.isUnresolved;

/**
 * Properties of a `GroupMembership`.
 */
export interface GroupMembershipProps {
  /** The permission group, created in this app or imported. */
  readonly group: IPermissionGroup;

  /**
   * FinSpace user ids (1 to 26 characters, not blank), each at most once.
   *
   * @default - none yet; add them with `addUsers()`
   */
  readonly userIds?: string[];

  /**
   * FinSpace users named by e-mail address (`FinSpaceUser.fromEmail()`), by id
   * (`FinSpaceUser.fromUserId()`), or `FinSpaceUser`s of the app, beside `userIds`.
   * E-mail addresses are resolved to users at deploy time, case-insensitively;
   * each person at most once.
   *
   * @default - none yet; add them with `addFinSpaceUsers()`
   */
  readonly users?: IFinSpaceUser[];

  /**
   * Whether this declaration is the whole truth about the group's members.
   *
   * - `false` (additive): the membership owns exactly the users it declares; members
   *   that anyone else added are never touched.
   * - `true` (exclusive): the group's members converge to exactly the declared users;
   *   every other member is removed, except the FinSpace user that the handler itself
   *   acts as. An exclusive membership must be the only one for its group.
   *
   * @default false
   */
  readonly exclusive?: boolean;

  /**
   * What happens to the declared members when this membership leaves the stack or
   * the stack is deleted: `RemovalPolicy.DESTROY` removes the users it declared from
   * the group (only those, in both modes); `RemovalPolicy.RETAIN` leaves them.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The members of a FinSpace permission group, kept as declared by `cdk deploy`,
 * which waits until FinSpace reports every declared user as ADDITION_SUCCESS.
 *
 * All the users are held by one custom resource. Up to 3,000 of them are listed in
 * the template; beyond that, they go into an S3 object (a file asset) that the
 * template names, so one membership can declare tens of thousands of members (see
 * "Large groups" in the README).
 *
 * @example
 * declare const group: PermissionGroup;
 * new GroupMembership(this, 'Quants', {
 *   group,
 *   userIds: ['jdoe01', 'asmith02'],
 *   exclusive: true,
 * });
 */
export class GroupMembership extends Construct {
  /** The permission group whose members this declares. */
  public readonly group: IPermissionGroup;
  /** Whether the declaration is exclusive. */
  public readonly exclusive: boolean;
  /** Each declared user's key, in declaration order: its id, or emailMemberKey() of its e-mail. */
  private readonly memberKeys: string[] = [];
  /** The same keys, to find a repeated one in constant time. */
  private readonly distinctMemberKeys = new Set<string>();
  /** The e-mail address of each e-mail key, as declared. */
  private readonly declaredEmails = new Map<string, string>();
  /** FinSpaceUsers of the app declared as members: the membership waits for them. */
  private readonly declaredUserConstructs: FinSpaceUser[] = [];
  private removalPolicy: RemovalPolicy;
  private resource?: CustomResource;
  private readonly groupKey: string;
  private readonly membershipKey: string;
  /** Set when the app is synthesized; the users cannot change after that. */
  private finalMemberKeys?: string[];

  constructor(scope: Construct, id: string, props: GroupMembershipProps) {
    super(scope, id);
    // From JavaScript, the group may be missing: say so instead of a TypeError.
    if (!props?.group?.access) {
      throw new Error(`group must be a permission group (IPermissionGroup), got ${props?.group === undefined || props?.group === null ? String(props?.group) : 'an object without access'}`);
    }
    this.group = props.group;
    this.exclusive = props.exclusive ?? false;
    this.removalPolicy = validateRemovalPolicy(this, props.removalPolicy ?? RemovalPolicy.DESTROY);
    addToMembershipsOfGroup(this);
    this.groupKey = groupKeyOf(this.group);
    // The provider publishes every membership's users once the app is complete.
    this.membershipKey = this.group.access._provider.declareMembers(this, this.groupKey, this.group.access.environmentId,
      () => this._finalMemberKeys(), () => this._materialize());
    this.addUsers(...(props.userIds ?? []));
    this.addFinSpaceUsers(...(props.users ?? []));

    // Whether the ids fit the template depends on the final number of users, which
    // later addUsers() calls may still change: create the resource when the app is
    // synthesized.
    Aspects.of(this).add(new MaterializeMembership(this));
    this.node.addValidation({ validate: () => overlappingUsers(this) });
  }

  /**
   * Declares more members.
   *
   * @param userIds FinSpace user ids
   */
  public addUsers(...userIds: string[]): void {
    this.assertOpen();
    for (const userId of userIds) {
      validateUserId(userId);
      // The id of a FinSpaceUser of the app names that user: declare it as the user.
      const user = isUnresolved(userId) ? FinSpaceUser._declaredWithUserId(userId) : undefined;
      if (user) this.addFinSpaceUsers(user);
      else this.addMemberKey(userId, `user '${userId}'`);
    }
  }

  /**
   * Declares more members, by e-mail address, by id, or as `FinSpaceUser`s of the app.
   *
   * @param users references made with `FinSpaceUser.fromEmail()` or `FinSpaceUser.fromUserId()`, or `FinSpaceUser`s
   */
  public addFinSpaceUsers(...users: IFinSpaceUser[]): void {
    this.assertOpen();
    for (const user of users) {
      const declared = user instanceof FinSpaceUser ? user : undefined;
      if (declared) {
        if (declared.access.environmentId !== this.group.access.environmentId) {
          throw new Error(`${this.node.path}: FinSpace user ${declared.node.path} belongs to another FinSpace environment than permission group ${describeGroup(this.group)}`);
        }
        this.declaredUserConstructs.push(declared);
      }
      const reference = user?.userReference ?? {};
      const email = reference.emailAddress;
      if (email !== undefined) {
        validateEmail('emailAddress', email);
        if (isUnresolved(email)) throw new Error(`${this.node.path}: a member's e-mail address must be known at synth time; declare the user by id instead`);
        const key = emailMemberKey(email);
        this.addMemberKey(key, `e-mail '${maskEmail(email)}'`);
        this.declaredEmails.set(key, email);
      } else if (reference.userId !== undefined) {
        validateUserId(reference.userId);
        this.addMemberKey(reference.userId, `user '${reference.userId}'`);
      } else {
        throw new Error(`${this.node.path}: a member must name a user by emailAddress or userId (use FinSpaceUser.fromEmail() or FinSpaceUser.fromUserId())`);
      }
    }
  }

  private assertOpen(): void {
    if (this.finalMemberKeys) {
      throw new Error(`${this.node.path}: users cannot be added after the app was synthesized`);
    }
  }

  private addMemberKey(key: string, description: string): void {
    if (!isUnresolved(key)) {
      if (this.distinctMemberKeys.has(key)) {
        throw new Error(`${this.node.path}: ${description} is declared more than once`);
      }
      this.distinctMemberKeys.add(key);
    }
    this.memberKeys.push(key);
  }

  /**
   * What happens to the declared members when this membership leaves the stack or
   * the stack is deleted (see `removalPolicy`).
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.removalPolicy = validateRemovalPolicy(this, policy);
    this.resource?.applyRemovalPolicy(policy);
  }

  /** The users declared by id, in declaration order. */
  public get declaredUserIds(): string[] {
    return this.memberKeys.filter(key => !this.declaredEmails.has(key));
  }

  /** The users declared by e-mail address, in declaration order, as declared. */
  public get declaredEmailAddresses(): string[] {
    return this.memberKeys.filter(key => this.declaredEmails.has(key)).map(key => this.declaredEmails.get(key)!);
  }

  /**
   * Every declared user's key (its id, or the key of its e-mail), in declaration order.
   *
   * @internal
   */
  public _memberKeys(): string[] {
    return [...this.memberKeys];
  }

  /**
   * The declared users' keys, sorted, fixed by the first call (when the app is
   * synthesized): the resource and the provider's index of declared members both use
   * this list.
   *
   * @internal
   */
  public _finalMemberKeys(): string[] {
    this.finalMemberKeys ??= [...this.memberKeys].sort();
    return this.finalMemberKeys;
  }

  /** @internal */
  public _materialize(): void {
    if (this.node.tryFindChild('Resource')) return;
    const access = this.group.access;
    const provider = access._provider;
    const keys = this._finalMemberKeys();
    const userIds = keys.filter(key => !this.declaredEmails.has(key));
    // E-mails keep their declaration order: a failure names each by its position.
    const emails = this.declaredEmailAddresses;
    if (emails.length > MAX_INLINE_USER_IDS) {
      throw new Error(`${this.node.path}: declares ${emails.length} users by e-mail address; a membership takes at most ${MAX_INLINE_USER_IDS} ` +
        '(they travel in the template): declare the others by id, or in another membership');
    }
    if (this.exclusive && keys.length === 0) {
      Annotations.of(this).addWarningV2('cdk-finspace-permission-groups:GroupMembership.emptiesGroup',
        'Exclusive membership declares no users: deploying it removes every member of the group (except the FinSpace user the handler acts as).');
    }
    const properties: GroupMembershipWireProperties = {
      EnvironmentId: access.environmentId,
      PermissionGroupId: this.group.permissionGroupId,
      ...this.userIdsProperties(userIds),
      // Left out when empty, so that resources of earlier versions see no change.
      ...(emails.length > 0 ? { Emails: emails } : {}),
      Exclusive: wireBoolean(this.exclusive),
      MembershipKey: this.membershipKey,
      GroupKey: this.groupKey,
      // One resource per membership; stacks of earlier versions may still hold shards.
      ShardIndex: '0',
      ShardCount: '1',
      // Exclusive mode must never remove the handler's own FinSpace user.
      ...(this.exclusive ? { HandlerRoleArn: provider.role.roleArn } : {}),
    };
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: GROUP_MEMBERSHIP_RESOURCE_TYPE,
      serviceToken: provider.serviceToken,
      serviceTimeout: provider.serviceTimeout,
      properties,
      removalPolicy: this.removalPolicy,
    });
    // The group must exist before members are added and outlive their removal. The
    // group's own resource, not the group construct: a membership made by addMembers()
    // sits inside the group, and a dependency on the construct would include itself.
    // An imported group has no resource.
    const groupResource = this.group.node.defaultChild;
    if (groupResource) this.resource.node.addDependency(groupResource);
    // A user of the app must exist (and be ENABLED) before it is added.
    for (const user of this.declaredUserConstructs) this.resource.node.addDependency(user);
    // The drift audit reads every declared id from the provider's layer, never from S3.
    const { UserIdsBucket, UserIdsKey, UserIdsSha256, UserCount, ...declared } = properties;
    provider.declareResource(this.resource, GROUP_MEMBERSHIP_RESOURCE_TYPE, { ...declared, UserIds: userIds });
  }

  /**
   * The ids in the template when they fit MAX_INLINE_USER_IDS; otherwise those known
   * only at deploy time (tokens) stay there, and the others go into an S3 object.
   */
  private userIdsProperties(userIds: string[]): Pick<GroupMembershipWireProperties, 'UserIds' | 'UserIdsBucket' | 'UserIdsKey' | 'UserIdsSha256' | 'UserCount'> {
    if (userIds.length <= MAX_INLINE_USER_IDS) return { UserIds: userIds };
    const deployTime = userIds.filter(userId => isUnresolved(userId));
    const known = userIds.filter(userId => !isUnresolved(userId));
    const { asset, sha256 } = publishUserIds(this, 'UserIds', known);
    this.group.access._provider.grantReadUserIds(asset);
    return {
      ...(deployTime.length > 0 ? { UserIds: deployTime } : {}),
      UserIdsBucket: asset.s3BucketName,
      UserIdsKey: asset.s3ObjectKey,
      UserIdsSha256: sha256,
      UserCount: String(userIds.length),
    };
  }
}

class MaterializeMembership implements IAspect {
  constructor(private readonly membership: GroupMembership) {}
  public visit(node: IConstruct): void {
    if (node === this.membership) this.membership._materialize();
  }
}

function validateUserId(userId: string) {
  if (typeof userId !== 'string') {
    throw new Error(`user id must be 1 to 26 characters with at least one that is not blank, got ${userId === undefined || userId === null ? String(userId) : `a ${typeof userId}`}`);
  }
  if (isUnresolved(userId)) return;
  if (!isValidId(userId)) {
    throw new Error(`user id must be 1 to 26 characters with at least one that is not blank, got '${userId}'`);
  }
  if (hasSurroundingBlanks(userId)) {
    throw new Error(`user id must not begin or end with blanks, got '${userId}'`);
  }
  if (emailOfMemberKey(userId) !== undefined) {
    throw new Error(`user id must not begin with 'email:', got '${userId}'; declare users by e-mail with FinSpaceUser.fromEmail()`);
  }
}

/**
 * The memberships of each group in an app, to reject declarations that would fight
 * each other (the provider's index of declared members is another record, for the
 * handler).
 */
const membershipsByGroup = new WeakMap<IConstruct, Map<string, GroupMembership[]>>();

/**
 * One key per group in the app: a group created in the app is known by its
 * construct, an imported one by environment and id.
 */
function groupKeyOf(group: IPermissionGroup): string {
  const id = group.permissionGroupId;
  const environment = group.access.environmentId;
  const identity = isUnresolved(id)
    ? `construct:${group.node.addr}`
    : `group:${isUnresolved(environment) ? group.access.node.addr : environment}/${id}`;
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

function siblingsOf(membership: GroupMembership): GroupMembership[] {
  const root = membership.node.root;
  let byGroup = membershipsByGroup.get(root);
  if (!byGroup) {
    byGroup = new Map();
    membershipsByGroup.set(root, byGroup);
  }
  const key = groupKeyOf(membership.group);
  let list = byGroup.get(key);
  if (!list) {
    list = [];
    byGroup.set(key, list);
  }
  return list;
}

function addToMembershipsOfGroup(membership: GroupMembership) {
  const siblings = siblingsOf(membership);
  const exclusive = [membership, ...siblings].find(m => m.exclusive);
  if (siblings.length > 0 && exclusive) {
    const other = siblings.find(m => m !== exclusive) ?? siblings[0];
    const first = exclusive === membership ? other : exclusive;
    throw new Error(
      `${membership.node.path} and ${first.node.path} both declare members of permission group ${describeGroup(membership.group)}, ` +
      `and ${exclusive.node.path} is exclusive: an exclusive membership must be the only one for its group.`);
  }
  siblings.push(membership);
}

function overlappingUsers(membership: GroupMembership): string[] {
  const errors: string[] = [];
  const mine = new Set(membership._memberKeys().filter(u => !isUnresolved(u)));
  for (const other of siblingsOf(membership)) {
    if (other === membership || other.node.path > membership.node.path) continue;
    const shared = other._memberKeys().filter(u => mine.has(u));
    if (shared.length > 0) {
      errors.push(
        `users ${shared.slice(0, 5).map(describeMemberKey).join(', ')}${shared.length > 5 ? ` and ${shared.length - 5} more` : ''} ` +
        `are declared by both ${other.node.path} and ${membership.node.path} for permission group ${describeGroup(membership.group)}: ` +
        'removing either declaration would remove them; declare each user once per group.');
    }
  }
  return errors;
}

/** A member as messages show it: its id, or its e-mail masked. */
function describeMemberKey(key: string): string {
  const email = emailOfMemberKey(key);
  return email === undefined ? `'${key}'` : `e-mail '${maskEmail(email)}'`;
}

function describeGroup(group: IPermissionGroup): string {
  return isUnresolved(group.permissionGroupId) ? group.node.path : `'${group.permissionGroupId}'`;
}
