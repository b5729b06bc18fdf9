import { Annotations, CustomResource, IResource, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApplicationPermission } from './application-permission';
import { FinSpaceDataAccess } from './finspace-data-access';
import type { IFinSpaceUser } from './finspace-user';
import { GroupMembership } from './group-membership';
import { IfExists } from './if-exists';
import { validateRemovalPolicy } from './removal-policy';
import { isApplicationPermission, PRIVILEGED_PERMISSION } from '../contract/application-permissions';
import { hasSurroundingBlanks, isValidDescription, isValidId, isValidName } from '../contract/finspace-ids';
import type { PermissionGroupByNameWireProperties, PermissionGroupWireProperties } from '../contract/resource-properties';
import { PERMISSION_GROUP_BY_NAME_RESOURCE_TYPE, PERMISSION_GROUP_RESOURCE_TYPE } from '../contract/resource-types';

/**
 * A FinSpace permission group, created in this app or imported.
 */
export interface IPermissionGroup extends IResource {
  /**
   * The id FinSpace gave the group.
   *
   * @attribute
   */
  readonly permissionGroupId: string;

  /** The FinSpace environment and identity that manage the group. */
  readonly access: FinSpaceDataAccess;

  /**
   * Declares FinSpace users as members of this group.
   *
   * All calls on one group add to one `GroupMembership` (in additive mode), created
   * on first use.
   *
   * @param userIds FinSpace user ids
   */
  addMembers(...userIds: string[]): void;

  /**
   * Declares FinSpace users as members of this group: by e-mail address, by id, or
   * `FinSpaceUser`s of the app (which the membership waits for).
   *
   * Adds to the same `GroupMembership` as `addMembers()`.
   *
   * @param users references made with `FinSpaceUser.fromEmail()` or `FinSpaceUser.fromUserId()`, or `FinSpaceUser`s
   */
  addMemberUsers(...users: IFinSpaceUser[]): void;
}

/**
 * Properties of a `PermissionGroup`.
 */
export interface PermissionGroupProps {
  /** The FinSpace environment and identity that manage the group. */
  readonly access: FinSpaceDataAccess;

  /**
   * The name of the group: 1 to 255 characters, at least one of them not blank.
   */
  readonly permissionGroupName: string;

  /**
   * A description of the group: 1 to 4,000 characters.
   *
   * FinSpace cannot clear a description: removing it from the declaration later
   * leaves the last one in place.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * What the members of the group may do in the environment.
   *
   * @default - none
   */
  readonly applicationPermissions?: ApplicationPermission[];

  /**
   * FinSpace user ids to make members of the group, in additive mode. Same as
   * calling `addMembers()`; use a `GroupMembership` for exclusive membership.
   *
   * @default - no members declared with the group
   */
  readonly members?: string[];

  /**
   * FinSpace users to make members of the group, in additive mode, beside `members`:
   * by e-mail address (`FinSpaceUser.fromEmail()`, resolved at deploy time), by id
   * (`FinSpaceUser.fromUserId()`), or `FinSpaceUser`s of the app. Same as calling
   * `addMemberUsers()`.
   *
   * @default - no members declared by reference with the group
   */
  readonly memberUsers?: IFinSpaceUser[];

  /**
   * What the first deployment does when FinSpace already has permission groups with
   * this name: `IfExists.FAIL` fails it, naming their ids; `IfExists.ADOPT` takes over
   * the one group of that name (changed to match the declaration from then on), and
   * fails, naming their ids, when there are several. Decided by listing the groups,
   * so it works alike whether or not FinSpace allows two groups of one name.
   *
   * @default IfExists.FAIL
   */
  readonly ifExists?: IfExists;

  /**
   * What happens to the group in FinSpace when it leaves the stack or the stack is
   * deleted. `RemovalPolicy.RETAIN` leaves the group (and its members) in FinSpace.
   *
   * @default - RemovalPolicy.DESTROY; RemovalPolicy.RETAIN with `IfExists.ADOPT`, as the
   * group may have been made and used outside the stack before
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * What identifies an existing permission group.
 */
export interface PermissionGroupAttributes {
  /** The FinSpace environment and identity that manage the group. */
  readonly access: FinSpaceDataAccess;
  /** The id FinSpace gave the group. */
  readonly permissionGroupId: string;
}

abstract class PermissionGroupBase extends Resource implements IPermissionGroup {
  public abstract readonly permissionGroupId: string;
  public abstract readonly access: FinSpaceDataAccess;
  private members?: GroupMembership;

  public addMembers(...userIds: string[]): void {
    this.membership().addUsers(...userIds);
  }

  public addMemberUsers(...users: IFinSpaceUser[]): void {
    this.membership().addFinSpaceUsers(...users);
  }

  private membership(): GroupMembership {
    this.members ??= new GroupMembership(this, 'Members', { group: this, userIds: [] });
    return this.members;
  }
}

/**
 * A FinSpace permission group that `cdk deploy` creates, keeps as declared, and
 * deletes.
 *
 * Changing the name, description or permissions updates the group in place; changes
 * made to it outside CloudFormation are undone by the next deployment, and a group
 * deleted outside CloudFormation is created again (with a new id).
 *
 * @resource Custom::FinSpacePermissionGroup
 * @example
 * declare const finspace: FinSpaceDataAccess;
 * const analysts = new PermissionGroup(this, 'Analysts', {
 *   access: finspace,
 *   permissionGroupName: 'analysts',
 *   description: 'Read and analyse market data',
 *   applicationPermissions: [ApplicationPermission.ACCESS_NOTEBOOKS, ApplicationPermission.CREATE_DATASET],
 * });
 * analysts.addMembers('jdoe01', 'asmith02');
 */
export class PermissionGroup extends PermissionGroupBase {
  /**
   * Refers to a permission group that exists in FinSpace.
   */
  public static fromPermissionGroupAttributes(scope: Construct, id: string, attrs: PermissionGroupAttributes): IPermissionGroup {
    validateAccess(attrs?.access);
    validateId('permissionGroupId', attrs.permissionGroupId);
    class Import extends PermissionGroupBase {
      public readonly permissionGroupId = attrs.permissionGroupId;
      public readonly access = attrs.access;
      public applyRemovalPolicy(): void {
        throw new Error(`${this.node.path}: an imported permission group is not deployed by this stack, so it has no removal policy; ` +
          'set the removal policy of its GroupMembership instead');
      }
    }
    return new Import(scope, id);
  }

  /**
   * Refers to a permission group that exists in FinSpace, by its name, for members
   * of a group that is managed elsewhere. The deployment finds the group's id by
   * listing the groups, and fails when no group or more than one has the name. The
   * id is looked up again only when the name or the environment changes.
   */
  public static fromPermissionGroupName(scope: Construct, id: string, access: FinSpaceDataAccess, permissionGroupName: string): IPermissionGroup {
    validateAccess(access);
    validateName(permissionGroupName);
    class ImportByName extends PermissionGroupBase {
      public readonly permissionGroupId: string;
      public readonly access = access;
      constructor() {
        super(scope, id);
        const properties: PermissionGroupByNameWireProperties = {
          EnvironmentId: access.environmentId,
          PermissionGroupName: permissionGroupName,
        };
        const lookup = new CustomResource(this, 'Resource', {
          resourceType: PERMISSION_GROUP_BY_NAME_RESOURCE_TYPE,
          serviceToken: access._provider.serviceToken,
          serviceTimeout: access._provider.serviceTimeout,
          properties,
        });
        this.permissionGroupId = lookup.ref;
      }
      public applyRemovalPolicy(): void {
        throw new Error(`${this.node.path}: a permission group found by name is not deployed by this stack, so it has no removal policy; ` +
          'set the removal policy of its GroupMembership instead');
      }
    }
    return new ImportByName();
  }

  /**
   * Refers to a permission group that exists in FinSpace, by its id.
   */
  public static fromPermissionGroupId(scope: Construct, id: string, access: FinSpaceDataAccess, permissionGroupId: string): IPermissionGroup {
    return PermissionGroup.fromPermissionGroupAttributes(scope, id, { access, permissionGroupId });
  }

  public readonly permissionGroupId: string;
  public readonly access: FinSpaceDataAccess;
  /** The name of the group. */
  public readonly permissionGroupName: string;
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: PermissionGroupProps) {
    super(scope, id);
    // From JavaScript, required props may be missing: say so instead of a TypeError.
    validateAccess(props?.access);
    validateName(props.permissionGroupName);
    validateDescription(props.description);
    const permissions = props.applicationPermissions ?? [];
    validatePermissions(permissions);
    if ((permissions as string[]).includes(PRIVILEGED_PERMISSION)) {
      Annotations.of(this).addWarningV2('cdk-finspace-permission-groups:PermissionGroup.privileged',
        'Permission group grants ManageUsersAndGroups: its members can grant themselves or others any permission in the FinSpace environment. Grant it only to trusted users. ' +
        'If the FinSpace user the handler acts as gets the permission from this group alone, deploys that delete the group or remove the permission are refused ' +
        '(the handler would lock itself out): grant it to that user through a group outside the stack, or make the user a superuser.');
    }

    this.access = props.access;
    this.permissionGroupName = props.permissionGroupName;
    const properties: PermissionGroupWireProperties = {
      EnvironmentId: props.access.environmentId,
      PermissionGroupName: props.permissionGroupName,
      Description: props.description,
      ApplicationPermissions: permissions,
      // Left out by default, so that resources of earlier versions see no change.
      ...(props.ifExists === IfExists.ADOPT ? { IfExists: IfExists.ADOPT } : {}),
    };
    if (props.ifExists !== undefined && !Object.values(IfExists).includes(props.ifExists)) {
      throw new Error(`ifExists must be one of ${Object.values(IfExists).join(', ')}, got '${props.ifExists}'`);
    }
    const resource = new CustomResource(this, 'Resource', {
      resourceType: PERMISSION_GROUP_RESOURCE_TYPE,
      serviceToken: props.access._provider.serviceToken,
      serviceTimeout: props.access._provider.serviceTimeout,
      properties,
      // An adopted group may serve people the stack knows nothing of: kept unless said otherwise.
      removalPolicy: validateRemovalPolicy(this,
        props.removalPolicy ?? (props.ifExists === IfExists.ADOPT ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)),
    });
    this.resource = resource;
    this.permissionGroupId = resource.ref;
    props.access._provider.declareResource(resource, PERMISSION_GROUP_RESOURCE_TYPE, properties);

    if (props.members) this.addMembers(...props.members);
    if (props.memberUsers) this.addMemberUsers(...props.memberUsers);
  }

  /**
   * What happens to the group in FinSpace when it leaves the stack or the stack is
   * deleted (see `removalPolicy`). Applies to the group only; its members follow the
   * removal policy of their `GroupMembership`.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(validateRemovalPolicy(this, policy));
  }
}

function validateAccess(access: FinSpaceDataAccess | undefined) {
  if (!(access instanceof FinSpaceDataAccess)) {
    throw new Error(`access must be a FinSpaceDataAccess, got ${describeValue(access)}`);
  }
}

function validateName(name: string) {
  if (typeof name !== 'string') {
    throw new Error(`permissionGroupName must be 1 to 255 characters with at least one that is not blank, got ${describeValue(name)}`);
  }
  if (Token.isUnresolved(name)) return;
  if (!isValidName(name)) {
    throw new Error(`permissionGroupName must be 1 to 255 characters with at least one that is not blank, got ${describeLength(name)}`);
  }
}

function validateDescription(description: string | undefined) {
  if (description === undefined || Token.isUnresolved(description)) return;
  if (!isValidDescription(description)) {
    throw new Error(`description must be 1 to 4,000 characters, got ${describeLength(description)}`);
  }
}

function validatePermissions(permissions: ApplicationPermission[]) {
  if (Token.isUnresolved(permissions)) return;
  const seen = new Set<string>();
  for (const permission of permissions) {
    if (Token.isUnresolved(permission)) continue;
    if (!isApplicationPermission(permission)) {
      throw new Error(`applicationPermissions: '${permission}' is not a FinSpace application permission; use one of ${Object.values(ApplicationPermission).join(', ')}`);
    }
    if (seen.has(permission)) {
      throw new Error(`applicationPermissions: '${permission}' is listed more than once`);
    }
    seen.add(permission);
  }
}

function validateId(name: string, value: string) {
  if (typeof value !== 'string') {
    throw new Error(`${name} must be 1 to 26 characters with at least one that is not blank, got ${describeValue(value)}`);
  }
  if (Token.isUnresolved(value)) return;
  if (!isValidId(value)) {
    throw new Error(`${name} must be 1 to 26 characters with at least one that is not blank, got '${value}'`);
  }
  if (hasSurroundingBlanks(value)) {
    throw new Error(`${name} must not begin or end with blanks, got '${value}'`);
  }
}

/** A value of the wrong type, as a message shows it. */
function describeValue(value: unknown): string {
  return value === undefined || value === null ? String(value) : `a ${typeof value}`;
}

function describeLength(value: string): string {
  return value.length === 0 ? 'an empty string' : `${value.length} characters`;
}
