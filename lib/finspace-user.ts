import { CustomResource, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FinSpaceDataAccess } from './finspace-data-access';
import { IfExists } from './if-exists';
import { validateRemovalPolicy } from './removal-policy';
import { isValidEmail, isValidPersonName, isValidPrincipalArn, maskEmail } from '../contract/finspace-users';
import type { FinSpaceUserWireProperties } from '../contract/resource-properties';
import { FINSPACE_USER_RESOURCE_TYPE } from '../contract/resource-types';

/**
 * How a member declaration names a FinSpace user: by id or by e-mail address.
 */
export interface FinSpaceUserReference {
  /**
   * The user's id.
   *
   * @default - the user is named by `emailAddress`
   */
  readonly userId?: string;

  /**
   * The user's e-mail address, resolved to the user at deploy time (case-insensitively).
   *
   * @default - the user is named by `userId`
   */
  readonly emailAddress?: string;
}

/**
 * A FinSpace user as a member of permission groups: named by id or by e-mail
 * address (`FinSpaceUser.fromUserId()`, `FinSpaceUser.fromEmail()`), or a
 * `FinSpaceUser` of the app.
 */
export interface IFinSpaceUser {
  /** How member declarations name the user. */
  readonly userReference: FinSpaceUserReference;
}

/**
 * The kind of FinSpace user (the API's `UserType`).
 */
export enum FinSpaceUserType {
  /** Has every permission and every dataset of the environment; cannot be a member of a permission group. */
  SUPER_USER = 'SUPER_USER',
  /** Gets permissions from the permission groups it is a member of. */
  APP_USER = 'APP_USER',
}

/**
 * Properties of a `FinSpaceUser`.
 */
export interface FinSpaceUserProps {
  /** The FinSpace environment and identity that manage the user. */
  readonly access: FinSpaceDataAccess;

  /**
   * The user's e-mail address: 4 to 320 characters, `name@domain.tld`. FinSpace
   * identifies users by it and cannot change it: changing it replaces the user (a
   * new one is created and the old one disabled).
   */
  readonly emailAddress: string;

  /**
   * The kind of user.
   *
   * @default FinSpaceUserType.APP_USER
   */
  readonly type?: FinSpaceUserType;

  /**
   * The user's first name: 1 to 50 characters, not blank.
   *
   * @default - none
   */
  readonly firstName?: string;

  /**
   * The user's last name: 1 to 50 characters, not blank.
   *
   * @default - none
   */
  readonly lastName?: string;

  /**
   * Whether the user may call the FinSpace API (and the IAM role that may act as
   * it, `apiAccessPrincipalArn`).
   *
   * @default - true when `apiAccessPrincipalArn` is given, else false
   */
  readonly apiAccess?: boolean;

  /**
   * The ARN of the IAM role that obtains the user's programmatic credentials:
   * `arn:aws:iam::<account>:role/<name>`.
   *
   * @default - none
   */
  readonly apiAccessPrincipalArn?: string;

  /**
   * What the deployment does when FinSpace already has a user with this e-mail
   * address (FinSpace allows one per address): `IfExists.FAIL` fails it, naming
   * the user's id; `IfExists.ADOPT` manages that user from then on (enabled, and
   * changed to match the declaration).
   *
   * @default IfExists.FAIL
   */
  readonly ifExists?: IfExists;

  /**
   * What happens to the user when it leaves the stack or the stack is deleted.
   * FinSpace has no way to delete a user: `RemovalPolicy.DESTROY` disables it,
   * `RemovalPolicy.RETAIN` leaves it enabled.
   *
   * @default - RemovalPolicy.DESTROY; RemovalPolicy.RETAIN with `IfExists.ADOPT`, as the
   * user may have been made and used outside the stack before (as for a group)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A FinSpace user that `cdk deploy` creates (or, with `IfExists.ADOPT`, takes over),
 * keeps as declared and enabled, and disables when it leaves the stack.
 *
 * The deployment waits until FinSpace reports the user `ENABLED`. The user can be a
 * member of any group of the same stack: pass it where members are declared, and
 * the membership waits for it.
 *
 * @resource Custom::FinSpaceUser
 * @example
 * declare const finspace: FinSpaceDataAccess;
 * declare const analysts: PermissionGroup;
 * const jane = new FinSpaceUser(this, 'Jane', {
 *   access: finspace,
 *   emailAddress: 'jane.doe@example.com',
 *   firstName: 'Jane',
 *   lastName: 'Doe',
 * });
 * analysts.addMemberUsers(jane);
 */
export class FinSpaceUser extends Resource implements IFinSpaceUser {
  /**
   * A FinSpace user named by e-mail address, which the handler resolves to the user's
   * id at deploy time (case-insensitively).
   */
  public static fromEmail(emailAddress: string): IFinSpaceUser {
    validateEmail('emailAddress', emailAddress);
    return { userReference: { emailAddress } };
  }

  /**
   * A FinSpace user named by id.
   */
  public static fromUserId(userId: string): IFinSpaceUser {
    if (typeof userId !== 'string') throw new Error(`userId must be a string, got ${describeValue(userId)}`);
    return { userReference: { userId } };
  }

  /**
   * The FinSpace user declared in this app whose `userId` is `userId`, if any: a member
   * declared by such an id is the same person as the user itself.
   *
   * @internal
   */
  public static _declaredWithUserId(userId: string): FinSpaceUser | undefined {
    return usersByIdToken.get(userId);
  }

  /**
   * The id FinSpace gave the user.
   *
   * @attribute
   */
  public readonly userId: string;
  /** The user's e-mail address, as declared. */
  public readonly emailAddress: string;
  /** The FinSpace environment and identity that manage the user. */
  public readonly access: FinSpaceDataAccess;
  /**
   * Members name the user by its e-mail address, which the stack knows before
   * FinSpace gives the user an id (by its id when the address is a token).
   */
  public readonly userReference: FinSpaceUserReference;
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: FinSpaceUserProps) {
    super(scope, id);
    if (!(props?.access instanceof FinSpaceDataAccess)) {
      throw new Error(`access must be a FinSpaceDataAccess, got ${describeValue(props?.access)}`);
    }
    validateEmail('emailAddress', props.emailAddress);
    validatePersonName('firstName', props.firstName);
    validatePersonName('lastName', props.lastName);
    const type = props.type ?? FinSpaceUserType.APP_USER;
    if (!Token.isUnresolved(type) && !Object.values(FinSpaceUserType).includes(type)) {
      throw new Error(`type must be one of ${Object.values(FinSpaceUserType).join(', ')}, got '${type}'`);
    }
    const principal = props.apiAccessPrincipalArn;
    if (principal !== undefined && !Token.isUnresolved(principal) && !isValidPrincipalArn(principal)) {
      throw new Error(`apiAccessPrincipalArn must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>, 20 to 2,048 characters), got '${principal}'`);
    }
    const apiAccess = props.apiAccess ?? principal !== undefined;
    if (!apiAccess && principal !== undefined) {
      throw new Error('apiAccessPrincipalArn is given but apiAccess is false: the role could not act as the user; set apiAccess: true or leave the ARN out');
    }

    this.access = props.access;
    this.emailAddress = props.emailAddress;
    const properties: FinSpaceUserWireProperties = {
      EnvironmentId: props.access.environmentId,
      EmailAddress: props.emailAddress,
      Type: type,
      FirstName: props.firstName,
      LastName: props.lastName,
      ApiAccess: apiAccess ? 'ENABLED' : 'DISABLED',
      ApiAccessPrincipalArn: principal,
      IfExists: props.ifExists ?? IfExists.FAIL,
    };
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: FINSPACE_USER_RESOURCE_TYPE,
      serviceToken: props.access._provider.serviceToken,
      serviceTimeout: props.access._provider.serviceTimeout,
      properties,
      removalPolicy: validateRemovalPolicy(this,
        props.removalPolicy ?? (props.ifExists === IfExists.ADOPT ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)),
    });
    this.userId = this.resource.ref;
    this.userReference = Token.isUnresolved(this.emailAddress) ? { userId: this.userId } : { emailAddress: this.emailAddress };
    usersByIdToken.set(this.userId, this);
  }

  /**
   * What happens to the user when it leaves the stack or the stack is deleted (see
   * `removalPolicy`).
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(validateRemovalPolicy(this, policy));
  }
}

/** Every FinSpaceUser by the token of its id (tokens are unique within the process). */
const usersByIdToken = new Map<string, FinSpaceUser>();

/** Validates an e-mail address unless it is a token. */
export function validateEmail(name: string, value: string): void {
  if (typeof value !== 'string') throw new Error(`${name} must be an e-mail address, got ${describeValue(value)}`);
  if (Token.isUnresolved(value)) return;
  if (!isValidEmail(value)) {
    throw new Error(`${name} must be an e-mail address of 4 to 320 characters (name@domain.tld, as FinSpace accepts it), got ${value.length} characters: '${maskEmail(value)}'`);
  }
}

function validatePersonName(name: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!isValidPersonName(value)) {
    throw new Error(`${name} must be 1 to 50 characters with at least one that is not blank, got ${typeof value === 'string' ? `${value.length} characters` : describeValue(value)}`);
  }
}

function describeValue(value: unknown): string {
  return value === undefined || value === null ? String(value) : `a ${typeof value}`;
}
