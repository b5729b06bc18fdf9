/** The people of a chaos sequence (README, "A sequence"), drawn from a generator of their own (plan.ts). */
import {
  type Declaration, DECLARED_USERS, ENVIRONMENT_KEYS, environmentOf, groupIdentity, type PersonDeclaration, personEmail,
} from './environments';
import type { DeployStep, Dice, Step } from './plan';

const MAX_PEOPLE = 3;
const CHANGE_CHANCE = 0.6;

/** The people as the plan has them deployed: who exists, and which memberships name whom. */
interface Planned {
  people: PersonDeclaration[];
  /** Person construct ids by membership construct id. */
  memberOf: Map<string, string[]>;
  declaration: Declaration;
}

/** The steps with people: one that must fail declares them as deployed; the others change one or two things now and then. */
export function withPeople(dice: Dice, steps: readonly Step[]): Step[] {
  let planned: Planned = { people: [], memberOf: new Map(), declaration: { groups: [], memberships: [] } };
  let counter = 0;
  return steps.map(step => {
    if (step.kind === 'destroy') {
      planned = { ...planned, people: [], memberOf: new Map() };
      return step;
    }
    if (step.plannedFailure) return withDeclared(step, planned).step;
    const next: Planned = { people: [...planned.people], memberOf: new Map(planned.memberOf), declaration: step.declaration };
    const changes: string[] = [];
    for (let attempt = 0, wanted = dice.chance(CHANGE_CHANCE) ? dice.int(1, 2) : 0; attempt < 10 && changes.length < wanted; attempt++) {
      const change = pickChange(dice, next, () => ++counter)();
      if (change) changes.push(change);
    }
    const declared = withDeclared({ ...step, changes: [...step.changes, ...changes] }, next);
    planned = { ...next, memberOf: declared.memberOf };
    return declared.step;
  });
}

/** One change, by weight (in this order: the seeds' draws follow it). */
function pickChange(dice: Dice, planned: Planned, next: () => number): () => string | undefined {
  const anyone = planned.people.length > 0 ? 1 : 0;
  const pick = () => dice.pick(planned.people);
  const replace = (old: PersonDeclaration, person: PersonDeclaration) => {
    planned.people = planned.people.map(p => p === old ? person : p);
  };
  const table: [number, () => string | undefined][] = [
    [planned.people.length < MAX_PEOPLE ? 3 : 0, () => {
      const n = next();
      const person: PersonDeclaration = {
        id: `Person${n}`,
        environment: dice.pick(ENVIRONMENT_KEYS),
        email: personEmail(n),
        firstName: `First${n}`,
        lastName: `Last${n}`,
        type: dice.chance(0.2) ? 'SUPER_USER' : 'APP_USER',
        retain: dice.chance(0.3),
      };
      planned.people.push(person);
      const added = `add person ${person.id} in ${person.environment} (${person.type}${person.retain ? ', retain' : ''})`;
      // Most people join a group in the step that creates them: the membership waits for the user.
      const joined = person.type === 'APP_USER' && dice.chance(0.6) ? makeMember(dice, planned, person) : undefined;
      return joined ? `${added}, and ${joined}` : added;
    }],
    [2 * anyone, () => {
      const n = next();
      const person = pick();
      replace(person, dice.chance(0.5) ? { ...person, firstName: `First${n}` } : { ...person, firstName: `First${n}`, lastName: `Last${n}` });
      return `rename person ${person.id}`;
    }],
    // A superuser cannot be a member of a group: only people no membership names change type.
    [anyone, () => {
      const named = new Set([...planned.memberOf.values()].flat());
      const free = planned.people.filter(p => !named.has(p.id));
      if (free.length === 0) return undefined;
      const person = dice.pick(free);
      const type = person.type === 'APP_USER' ? 'SUPER_USER' : 'APP_USER';
      replace(person, { ...person, type });
      return `make person ${person.id} ${type}`;
    }],
    // With a rename: the local runner drops a removal policy change that comes alone.
    [anyone, () => {
      const n = next();
      const person = pick();
      replace(person, { ...person, retain: !person.retain, firstName: `First${n}` });
      return `${person.retain ? 'disable' : 'retain'} person ${person.id} on removal, and rename it`;
    }],
    [anyone, () => {
      const person = pick();
      planned.people = planned.people.filter(p => p !== person);
      for (const [membership, ids] of planned.memberOf) planned.memberOf.set(membership, ids.filter(id => id !== person.id));
      return `remove person ${person.id} (${person.retain ? 'stays enabled' : 'disabled'})`;
    }],
    [planned.people.some(p => p.type === 'APP_USER') ? 3 : 0, () => makeMember(dice, planned, dice.pick(planned.people.filter(p => p.type === 'APP_USER')))],
    [planned.memberOf.size > 0 ? 1 : 0, () => {
      const [membership, ids] = dice.pick([...planned.memberOf.entries()]);
      if (ids.length === 0) return undefined;
      const id = dice.pick(ids);
      planned.memberOf.set(membership, ids.filter(other => other !== id));
      return `remove person ${id} from membership ${membership}`;
    }],
  ];
  return dice.weighted(table.map(([weight, change]) => [change, weight]));
}

/** A membership of the person's environment whose group no membership names the person in yet, naming it now. */
function makeMember(dice: Dice, planned: Planned, person: PersonDeclaration): string | undefined {
  const { declaration, memberOf } = planned;
  const namedInGroup = (identity: string) => declaration.memberships.filter(m => groupIdentity(declaration, m.group) === identity)
    .flatMap(m => memberOf.get(m.id) ?? []);
  const open = declaration.memberships.filter(m => environmentOf(declaration, m.group) === person.environment &&
    !namedInGroup(groupIdentity(declaration, m.group)).includes(person.id));
  if (open.length === 0) return undefined;
  const membership = dice.pick(open);
  memberOf.set(membership.id, [...memberOf.get(membership.id) ?? [], person.id]);
  return `make person ${person.id} a member through membership ${membership.id}`;
}

/**
 * The step's declaration with the people, each membership with those that may be its members: app users of its group's
 * environment, named once per group (the step's other changes may have moved a membership or a group since).
 */
function withDeclared(step: DeployStep, { people, memberOf }: Planned): { step: DeployStep; memberOf: Map<string, string[]> } {
  const declaration = step.declaration;
  const named = new Set<string>();
  const kept = new Map<string, string[]>();
  const memberships = declaration.memberships.map(membership => {
    const [identity, environment] = [groupIdentity(declaration, membership.group), environmentOf(declaration, membership.group)];
    const ids = (memberOf.get(membership.id) ?? []).filter(id => {
      const person = people.find(p => p.id === id);
      const fits = person?.type === 'APP_USER' && person.environment === environment && !named.has(`${id} in ${identity}`);
      if (fits) named.add(`${id} in ${identity}`);
      return fits;
    });
    if (ids.length === 0) return membership;
    kept.set(membership.id, ids);
    return { ...membership, people: ids };
  });
  return { step: { ...step, declaration: { ...declaration, memberships, people: [adoptedPerson(declaration), ...people] } }, memberOf: kept };
}

/**
 * The existing user every revision adopts (in capitals FinSpace does not keep) and keeps on removal: its updates and
 * rollbacks meet the same faults as the groups', and it stays a member wherever the declarations put it by id.
 */
function adoptedPerson(declaration: Declaration): PersonDeclaration {
  return {
    id: 'AdoptedUser',
    environment: 'a',
    email: `${DECLARED_USERS[0].toUpperCase()}@example.com`,
    firstName: `Steward${declaration.groups.length}`,
    type: 'APP_USER',
    retain: true,
  };
}
