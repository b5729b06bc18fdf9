/**
 * The chaos plans (local/chaos/plan.ts): a seed gives one plan, the plans stay
 * within what the constructs accept and inject the faults they must, and they
 * include the changes that defects found by the chaos runs once broke.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PATIENT_TIMING, synthesizeDeclaration } from '../../../local/chaos/app';
import { type Declaration, EMPTY_DECLARATION, groupIdentity } from '../../../local/chaos/declaration';
import { planSequence, type Plan } from '../../../local/chaos/plan';

const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);

test('a seed gives the same plan every time, another seed another', () => {
  expect(planSequence(42)).toEqual(planSequence(42));
  expect(planSequence(43)).not.toEqual(planSequence(42));
});

test('every plan injects at least 20% throttling, 5% 5xx, and resets before and after the write', () => {
  for (const seed of SEEDS) {
    const { faults } = planSequence(seed).config;
    expect(faults.throttleRate).toBeGreaterThanOrEqual(0.2);
    expect(faults.serverErrorRate).toBeGreaterThanOrEqual(0.05);
    expect(faults.connectionResetRate).toBeGreaterThan(0);
    expect(faults.resetAfterWriteRate).toBeGreaterThan(0);
    expect(faults.latencyMs.max).toBeGreaterThan(0);
  }
});

test('every plan ends with a destroy, and its steps that must fail change what they must', () => {
  for (const seed of SEEDS) {
    const { steps } = planSequence(seed);
    expect(steps.at(-1)?.kind).toBe('destroy');
    for (const step of steps) {
      if (step.kind !== 'deploy' || !step.plannedFailure) continue;
      const declared = JSON.stringify(step.declaration);
      expect(declared).toContain(step.plannedFailure === 'unknown-user' ? 'ghost01' : '"reserved-');
    }
  }
});

test('revisions are ones the constructs synthesize', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-plans-'));
  try {
    const revisions = [1, 2, 3].flatMap(seed => planSequence(seed).steps.flatMap(step => step.kind === 'deploy' ? [step.declaration] : []));
    revisions.forEach((declaration, index) => {
      expect(() => synthesizeDeclaration(declaration, path.join(directory, `cdk.out.${index}`), { maxConcurrency: 4, ...PATIENT_TIMING })).not.toThrow();
    });
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
});

test('plans hand users from one membership of a group to another, which the handler once lost', () => {
  expect(SEEDS.filter(seed => handovers(planSequence(seed)).length > 0).length).toBeGreaterThan(10);
});

test('plans make a membership exclusive over the users of others in steps that fail, whose rollback once lost them', () => {
  expect(SEEDS.filter(seed => takeovers(planSequence(seed)).length > 0)).not.toEqual([]);
});

/** "user in group" for each user that a step hands from one membership to another, found independently of the planner. */
function handovers(plan: Plan): string[] {
  const found: string[] = [];
  let deployed: Declaration = EMPTY_DECLARATION;
  for (const step of plan.steps) {
    const next = step.kind === 'deploy' ? step.declaration : EMPTY_DECLARATION;
    const owners = (declaration: Declaration) => new Map(declaration.memberships.flatMap(m =>
      m.users.map(user => [`${user} in ${groupIdentity(declaration, m.group)}`, m.id] as const)));
    const before = owners(deployed);
    for (const [key, owner] of owners(next)) {
      if (before.has(key) && before.get(key) !== owner) found.push(key);
    }
    if (step.kind === 'destroy' || !step.plannedFailure) deployed = next;
  }
  return found;
}

/** "membership in group" for each exclusive membership that a step planned to fail sets over others' users. */
function takeovers(plan: Plan): string[] {
  const found: string[] = [];
  let deployed: Declaration = EMPTY_DECLARATION;
  for (const step of plan.steps) {
    if (step.kind === 'deploy' && step.plannedFailure) {
      for (const membership of step.declaration.memberships.filter(m => m.exclusive)) {
        const identity = groupIdentity(step.declaration, membership.group);
        const others = deployed.memberships
          .filter(m => m.id !== membership.id && m.users.length > 0 && groupIdentity(deployed, m.group) === identity);
        if (others.length > 0) found.push(`${membership.id} in ${identity}`);
      }
    } else {
      deployed = step.kind === 'deploy' ? step.declaration : EMPTY_DECLARATION;
    }
  }
  return found;
}
