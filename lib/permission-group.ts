import { Annotations, CustomResource, IResource, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApplicationPermission } from './application-permission';
import { FinSpaceDataAccess } from './finspace-data-access';
import { GroupMembership } from './group-membership';
import { validateRemovalPolicy } from './removal-policy';
import { isApplicationPermission, PRIVILEGED_PERMISSION } from '../contract/application-permissions';
import { hasSurroundingBlanks, isValidDescription, isValidId, isValidName } from '../contract/finspace-ids';
import type { PermissionGroupWireProperties } from '../contract/resource-properties';
import { PERMISSION_GROUP_RESOURCE_TYPE } from '../contract/resource-types';

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
   * What happens to the group in FinSpace when it leaves the stack or the stack is
   * deleted. `RemovalPolicy.RETAIN` leaves the group (and its members) in FinSpace.
   *
   * @default RemovalPolicy.DESTROY
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
    if (!this.members) {
      this.members = new GroupMembership(this, 'Members', { group: this, userIds: [] });
    }
    this.members.addUsers(...userIds);
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
    };
    const resource = new CustomResource(this, 'Resource', {
      resourceType: PERMISSION_GROUP_RESOURCE_TYPE,
      serviceToken: props.access._provider.serviceToken,
      serviceTimeout: props.access._provider.serviceTimeout,
      properties,
      removalPolicy: validateRemovalPolicy(this, props.removalPolicy ?? RemovalPolicy.DESTROY),
    });
    this.resource = resource;
    this.permissionGroupId = resource.ref;
    props.access._provider.declareResource(resource, PERMISSION_GROUP_RESOURCE_TYPE, properties);

    if (props.members) this.addMembers(...props.members);
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
