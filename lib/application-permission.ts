/**
 * What the members of a FinSpace permission group may do in the environment.
 *
 * The values are the `ApplicationPermission` enum of the FinSpace Data API.
 */
export enum ApplicationPermission {
  /** Create datasets. */
  CREATE_DATASET = 'CreateDataset',
  /** Create, access and terminate clusters. */
  MANAGE_CLUSTERS = 'ManageClusters',
  /**
   * Manage users, permission groups and their members.
   *
   * Privileged: whoever holds it can grant themselves every other permission.
   */
  MANAGE_USERS_AND_GROUPS = 'ManageUsersAndGroups',
  /** Manage attribute sets. */
  MANAGE_ATTRIBUTE_SETS = 'ManageAttributeSets',
  /** View the audit data of the environment. */
  VIEW_AUDIT_DATA = 'ViewAuditData',
  /** Access notebooks. */
  ACCESS_NOTEBOOKS = 'AccessNotebooks',
  /** Get temporary credentials for programmatic access. */
  GET_TEMPORARY_CREDENTIALS = 'GetTemporaryCredentials',
}
