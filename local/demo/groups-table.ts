/**
 * The permission groups of an environment as a plain text table: name,
 * permissions, members (with their status unless ADDITION_SUCCESS).
 */
import type { SnapshotEnvironment } from '../emulator';

export function groupsTable(environment: SnapshotEnvironment | undefined): string[] {
  const groups = environment?.permissionGroups ?? [];
  if (groups.length === 0) return ['  (no permission groups)'];
  const rows = [
    ['GROUP', 'PERMISSIONS', 'MEMBERS'],
    ...groups.map(group => [
      group.name,
      group.applicationPermissions.join(', ') || '-',
      group.members.map(m => (m.membershipStatus === 'ADDITION_SUCCESS' ? m.userId : `${m.userId} (${m.membershipStatus})`)).join(', ') || '-',
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)));
  return rows.map(row => `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('   ')}`);
}
