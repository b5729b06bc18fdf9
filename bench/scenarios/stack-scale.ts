/**
 * Stack scale: an app with 200 permission groups and 20,000 members, as one
 * stack, against CloudFormation's limits per stack (500 resources, a 1 MB
 * template body from S3), and against the design this library avoids: one
 * custom resource per member, synthesized the same way with the same provider.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CustomResource, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FinSpaceDataAccess, PermissionGroup, type IPermissionGroup } from '../../lib';
import { userIds } from '../support/finspace-seed';
import type { Figure, SuiteResult } from '../support/report';
import { median } from '../support/stats';

const GROUPS = 200;
const MEMBERS_PER_GROUP = 100;
/** CloudFormation quotas: resources per stack, and template body size when uploaded to S3 (read as 10^6 bytes, the stricter). */
const MAX_RESOURCES = 500;
const MAX_TEMPLATE_BYTES = 1_000_000;
/** aws-cdk-lib's own check of the resource limit at synth time; 0 turns it off. */
const RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';

export interface StackScaleOptions {
  readonly runs: number;
}

interface Synthesized {
  readonly synthMs: number;
  readonly templateBytes: number;
  readonly resources: number;
}

/** How a design declares the members of one group. */
type DeclareMembers = (group: PermissionGroup, members: string[]) => void;

const groupMemberships: DeclareMembers = (group, members) => group.addMembers(...members);

/** The design this library avoids: a custom resource for every member. */
const resourcePerMember: DeclareMembers = (group, members) => {
  const provider = group.access._provider;
  // Beside the group, not inside it: a dependency on the group covers everything within it.
  const scope = new Construct(Stack.of(group), `${group.node.id}Members`);
  members.forEach((userId, index) => {
    const member = new CustomResource(scope, `Member${index}`, {
      resourceType: 'Custom::FinSpaceGroupMember',
      serviceToken: provider.serviceToken,
      serviceTimeout: provider.serviceTimeout,
      properties: { EnvironmentId: group.access.environmentId, PermissionGroupId: group.permissionGroupId, UserId: userId },
    });
    member.node.addDependency(group as IPermissionGroup);
  });
};

/** Builds and synthesizes the app the way `cdk synth` does, and measures the template it writes. */
function synthesizeApp(declareMembers: DeclareMembers, liftLimits = false): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  try {
    const startedAt = process.hrtime.bigint();
    const app = new App({ outdir, context: liftLimits ? { [RESOURCE_LIMIT_CONTEXT]: 0 } : {} });
    const stack = new Stack(app, 'FinSpaceAtScale');
    const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'scaleenvironment01' });
    const users = userIds(GROUPS * MEMBERS_PER_GROUP);
    for (let g = 0; g < GROUPS; g++) {
      const group = new PermissionGroup(stack, `Group${g}`, {
        access,
        permissionGroupName: `desk-${String(g).padStart(3, '0')}`,
        description: `Desk ${g}`,
        applicationPermissions: [],
      });
      declareMembers(group, users.slice(g * MEMBERS_PER_GROUP, (g + 1) * MEMBERS_PER_GROUP));
    }
    // The library's own check of the template size (lib/template-size-limit.ts) would refuse it too.
    if (liftLimits) app.node.tryRemoveChild(`${stack.node.id}FinSpaceTemplateSizeLimit`);
    const artifact = app.synth().getStackByName(stack.stackName);
    const synthMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
    const templateFile = path.join(outdir, artifact.templateFile);
    return {
      synthMs,
      templateBytes: fs.statSync(templateFile).size,
      resources: Object.keys((artifact.template as { Resources: object }).Resources).length,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export async function stackScale(options: StackScaleOptions): Promise<SuiteResult> {
  const ours: Synthesized[] = [];
  const perMember: Synthesized[] = [];
  for (let run = 0; run < options.runs; run++) {
    ours.push(synthesizeApp(groupMemberships));
    // cdk synth refuses a stack over 500 resources, and the library one over 1 MB: lift both checks to measure the template.
    perMember.push(synthesizeApp(resourcePerMember, true));
  }
  const members = (GROUPS * MEMBERS_PER_GROUP).toLocaleString('en-US');
  const figures: Figure[] = [
    {
      name: `${GROUPS} groups, ${members} members: template body`,
      unit: 'bytes',
      measured: ours.map(s => s.templateBytes),
      baselineName: 'CloudFormation limit (1 MB)',
      baseline: ours.map(() => MAX_TEMPLATE_BYTES),
      target: { op: '<=', value: 1 },
    },
    {
      name: 'same app: resources',
      unit: 'resources',
      measured: ours.map(s => s.resources),
      baselineName: 'CloudFormation limit',
      baseline: ours.map(() => MAX_RESOURCES),
      target: { op: '<=', value: 1 },
    },
    {
      name: 'same app: synth time',
      unit: 's',
      measured: ours.map(s => s.synthMs),
      baselineName: 'one resource per member',
      baseline: perMember.map(s => s.synthMs),
    },
    {
      name: 'one resource per member: resources',
      unit: 'resources',
      measured: perMember.map(s => s.resources),
      baselineName: 'CloudFormation limit',
      baseline: perMember.map(() => MAX_RESOURCES),
    },
    {
      name: 'one resource per member: template body',
      unit: 'bytes',
      measured: perMember.map(s => s.templateBytes),
      baselineName: 'CloudFormation limit (1 MB)',
      baseline: perMember.map(() => MAX_TEMPLATE_BYTES),
    },
  ];
  const stacksNeeded = Math.ceil(median(perMember.map(s => s.resources)) / MAX_RESOURCES);
  return {
    suite: 'Stack scale',
    runs: options.runs,
    figures,
    notes: [
      `One stack: ${GROUPS} PermissionGroups of ${MEMBERS_PER_GROUP} members each (addMembers), ${members} distinct user ids of 11 characters; the construct puts each group's members in one GroupMembership resource.`,
      'Synth time: building the constructs and app.synth() into a temporary cdk.out, in this process (aws-cdk-lib already loaded), as `cdk synth` does after loading the app.',
      `One resource per member: the same app with a Custom::FinSpaceGroupMember resource per member on the same provider, synthesized for real with aws-cdk-lib's resource-limit check turned off (\`${RESOURCE_LIMIT_CONTEXT}: 0\`) and the library's template-size check removed (by default \`cdk synth\` refuses it outright); it exceeds the resource limit ${Math.round(median(perMember.map(s => s.resources)) / MAX_RESOURCES)}-fold and would need at least ${stacksNeeded} stacks by resource count alone.`,
      'Limits: 500 resources per stack; template body 1 MB when uploaded through S3 (cdk deploy uploads any template over 50 KiB), taken here as 1,000,000 bytes.',
    ],
  };
}
