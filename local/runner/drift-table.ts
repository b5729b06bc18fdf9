/**
 * The drift command's report, in the shape of `cdk drift`: per stack, each drifted
 * resource with its findings, then the count.
 */
import type { StackDrift } from './drift';
import type { DriftFinding } from '../../contract/drift-audit';

const SIGN: Record<DriftFinding['kind'], string> = {
  GroupDeleted: '[-]',
  GroupRenamed: '[~]',
  DescriptionChanged: '[~]',
  PermissionsChanged: '[~]',
  MemberMissing: '[-]',
  MemberExtra: '[+]',
};

export function formatDrift(drift: StackDrift): string[] {
  const lines = [`Stack ${drift.stackName}`];
  if (drift.failure) return [...lines, `❌  the drift audit failed: ${drift.failure}`];
  const result = drift.result!;
  if (!result.audited) return [...lines, `⏸  not audited: ${result.skippedBecause}; the audit never races a deployment`];
  const byResource = new Map<string, DriftFinding[]>();
  for (const finding of result.findings) byResource.set(finding.logicalId, [...byResource.get(finding.logicalId) ?? [], finding]);
  for (const [logicalId, findings] of byResource) {
    lines.push(`[~] ${drift.resourceTypes[logicalId] ?? 'Custom::FinSpace'} ${logicalId} (permission group ${findings[0].permissionGroupId})`);
    findings.forEach((finding, index) => {
      const branch = index === findings.length - 1 ? ' └─' : ' ├─';
      lines.push(`${branch} ${SIGN[finding.kind]} ${describe(finding)}${healing(finding)}`);
    });
  }
  for (const logicalId of result.notCompared) lines.push(`[?] ${drift.resourceTypes[logicalId] ?? 'Custom::FinSpace'} ${logicalId}: could not be compared`);
  const healed = result.findings.filter(finding => finding.healed).length;
  lines.push('');
  lines.push(byResource.size === 0 && result.notCompared.length === 0
    ? '✨  No drift: FinSpace matches the declaration'
    : `✨  Number of resources with drift: ${byResource.size} (${result.driftedGroups} groups, ${result.driftedMembers} members` +
      `${result.healRequested ? `; healed ${healed} of ${result.findings.length} findings` : ''})`);
  return lines;
}

function describe(finding: DriftFinding): string {
  switch (finding.kind) {
    case 'GroupDeleted': return 'the group was deleted outside CloudFormation';
    case 'GroupRenamed': return 'the name differs from the declaration';
    case 'DescriptionChanged': return 'the description differs from the declaration';
    case 'PermissionsChanged': return `permissions ${[...(finding.permissionsAdded ?? []).map(p => `+${p}`), ...(finding.permissionsRemoved ?? []).map(p => `-${p}`)].join(' ')}`;
    case 'MemberMissing': return `${finding.userId}: declared, not a member`;
    case 'MemberExtra': return `${finding.userId}: a member the exclusive membership does not declare`;
  }
}

function healing(finding: DriftFinding): string {
  if (finding.healed === true) return '  (healed)';
  if (finding.healed === false) return `  (not healed: ${finding.notHealedBecause})`;
  return '';
}
