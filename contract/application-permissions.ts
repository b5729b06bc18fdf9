/**
 * The `ApplicationPermission` values of the FinSpace Data API. The construct library
 * exposes them as its public enum (lib/application-permission.ts, which a test keeps
 * equal to this list); the handler's client types its requests with them.
 */
export const APPLICATION_PERMISSIONS = [
  'CreateDataset',
  'ManageClusters',
  'ManageUsersAndGroups',
  'ManageAttributeSets',
  'ViewAuditData',
  'AccessNotebooks',
  'GetTemporaryCredentials',
] as const;

export type ApplicationPermissionValue = (typeof APPLICATION_PERMISSIONS)[number];

/** The permission whose holders can grant themselves every other one. */
export const PRIVILEGED_PERMISSION: ApplicationPermissionValue = 'ManageUsersAndGroups';

export function isApplicationPermission(value: string): value is ApplicationPermissionValue {
  return (APPLICATION_PERMISSIONS as readonly string[]).includes(value);
}
