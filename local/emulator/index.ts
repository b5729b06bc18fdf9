/**
 * A local emulator of the Amazon FinSpace Data API (users, permission groups,
 * memberships and programmatic credentials), derived from the official model.
 * See README.md beside this file.
 */
export { FinSpaceEmulator } from './emulator';
export type { CallRecord, EmulatorOptions } from './emulator';
export { DEFAULT_BEHAVIOUR } from './behaviour';
export type { EmulatorBehaviour } from './behaviour';
export { FAULT_KINDS } from './faults';
export type { FaultCounts, FaultKind, FaultOptions } from './faults';
export type { EmulatorSnapshot, SnapshotEnvironment, SnapshotPermissionGroup, SnapshotUser } from './environment';
export { SeedError, loadSeedFile, validateSeed } from './seed';
export type { EmulatorSeed, SeedEnvironment, SeedIamPrincipal, SeedPermissionGroup, SeedUser } from './seed';
export { ADMIN_PREFIX } from './admin';
