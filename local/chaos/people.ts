/**
 * The people of a chaos sequence: FinSpaceUsers of the stack, created in either
 * environment, their names and type changed, their removal policy flipped (with a
 * name), removed (disabled, or left enabled when retained), and made members of
 * groups of their environment by the construct itself. Drawn from a generator of
 * their own (plan.ts planSequence), so that the rest of a seed's plan stays as it was.
 * Every revision also adopts one existing user (adoptedPerson), whose first name
 * follows the number of groups, and keeps it on removal.
 *
 * Every person is declared with ifExists ADOPT: a create that fails midway is rolled
 * back by disabling the user it made (FinSpace cannot delete one), and the step's
 * next attempt must take that user over rather than fail on its address.
 */
import {
  type Declaration, ENVIRONMENT_KEYS, environmentOf, groupIdentity, type MembershipDeclaration, type PersonDeclaration, personEmail,
} from './declaration';
import { DECLARED_USERS } from './environments';
import type { DeployStep, Dice, Step } from './plan';

const MAX_PEOPLE = 3;
const CHANGE_CHANCE = 0.6;

type PersonChange = (people: Planned) => string | undefined;

/** The people as the plan has them deployed: who exists, and which memberships name whom. */
interface Planned {
  people: PersonDeclaration[];
  /** Person construct ids by membership construct id. */
  memberOf: Map<string, string[]>;
  declaration: Declaration;
}

/**
 * The steps with people: a step that must fail declares them as deployed; the others
 * change one or two things about them now and then. A destroy removes them all.
 */
export function withPeople(dice: Dice, steps: readonly Step[]): Step[] {
  let people: PersonDeclaration[] = [];
  let memberOf = new Map<string, string[]>();
  let counter = 0;
  const next = () => ++counter;
  return steps.map(step => {
    if (step.kind === 'destroy') {
      people = [];
      memberOf = new Map();
      return step;
    }
    if (step.plannedFailure) return withDeclared(step, people, memberOf).step;
    const planned: Planned = { people: [...people], memberOf: new Map(memberOf), declaration: step.declaration };
    const changes: string[] = [];
    if (dice.chance(CHANGE_CHANCE)) {
      const wanted = dice.int(1, 2);
      for (let attempt = 0; attempt < 10 && changes.length < wanted; attempt++) {
        const change = pickChange(dice, planned, next)(planned);
        if (change) changes.push(change);
      }
    }
    const declared = withDeclared({ ...step, changes: [...step.changes, ...changes] }, planned.people, planned.memberOf);
    people = planned.people;
    memberOf = declared.memberOf;
    return declared.step;
  });
}

function pickChange(dice: Dice, planned: Planned, next: () => number): PersonChange {
  const { people } = planned;
  const members = people.filter(p => p.type === 'APP_USER');
  const weighted: [PersonChange, number][] = [
    [p => addPerson(dice, p, next()), people.length < MAX_PEOPLE ? 3 : 0],
    [p => renamePerson(dice, p, next()), people.length > 0 ? 2 : 0],
    [p => changeType(dice, p), people.length > 0 ? 1 : 0],
    [p => flipRetention(dice, p, next()), people.length > 0 ? 1 : 0],
    [p => removePerson(dice, p), people.length > 0 ? 1 : 0],
    [p => makeMember(dice, p), members.length > 0 ? 3 : 0],
    [p => dropMember(dice, p), planned.memberOf.size > 0 ? 1 : 0],
  ];
  return dice.weighted(weighted);
}

function addPerson(dice: Dice, planned: Planned, n: number): string {
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
}

function renamePerson(dice: Dice, planned: Planned, n: number): string {
  const person = dice.pick(planned.people);
  const renamed = dice.chance(0.5) ? { ...person, firstName: `First${n}` } : { ...person, firstName: `First${n}`, lastName: `Last${n}` };
  replacePerson(planned, person, renamed);
  return `rename person ${person.id}`;
}

/** A superuser cannot be a member of a group: only people no membership names change type. */
function changeType(dice: Dice, planned: Planned): string | undefined {
  const named = new Set([...planned.memberOf.values()].flat());
  const free = planned.people.filter(p => !named.has(p.id));
  if (free.length === 0) return undefined;
  const person = dice.pick(free);
  const type = person.type === 'APP_USER' ? 'SUPER_USER' : 'APP_USER';
  replacePerson(planned, person, { ...person, type });
  return `make person ${person.id} ${type}`;
}

/** With a rename: the local runner drops a removal policy change that comes alone. */
function flipRetention(dice: Dice, planned: Planned, n: number): string {
  const person = dice.pick(planned.people);
  replacePerson(planned, person, { ...person, retain: !person.retain, firstName: `First${n}` });
  return `${person.retain ? 'disable' : 'retain'} person ${person.id} on removal, and rename it`;
}

function removePerson(dice: Dice, planned: Planned): string {
  const person = dice.pick(planned.people);
  planned.people = planned.people.filter(p => p !== person);
  for (const [membership, ids] of planned.memberOf) planned.memberOf.set(membership, ids.filter(id => id !== person.id));
  return `remove person ${person.id} (${person.retain ? 'stays enabled' : 'disabled'})`;
}

function makeMember(dice: Dice, planned: Planned, person = dice.pick(planned.people.filter(p => p.type === 'APP_USER'))): string | undefined {
  const open = planned.declaration.memberships.filter(m => environmentOf(planned.declaration, m.group) === person.environment &&
    !namedInGroup(planned, m).includes(person.id));
  if (open.length === 0) return undefined;
  const membership = dice.pick(open);
  planned.memberOf.set(membership.id, [...planned.memberOf.get(membership.id) ?? [], person.id]);
  return `make person ${person.id} a member through membership ${membership.id}`;
}

function dropMember(dice: Dice, planned: Planned): string | undefined {
  const [membership, ids] = dice.pick([...planned.memberOf.entries()]);
  if (ids.length === 0) return undefined;
  const id = dice.pick(ids);
  planned.memberOf.set(membership, ids.filter(other => other !== id));
  return `remove person ${id} from membership ${membership}`;
}

/** People the memberships of a membership's group name. */
function namedInGroup(planned: Planned, membership: MembershipDeclaration): string[] {
  const identity = groupIdentity(planned.declaration, membership.group);
  return planned.declaration.memberships.filter(m => groupIdentity(planned.declaration, m.group) === identity)
    .flatMap(m => planned.memberOf.get(m.id) ?? []);
}

function replacePerson(planned: Planned, old: PersonDeclaration, person: PersonDeclaration): void {
  planned.people = planned.people.map(p => p === old ? person : p);
}

/**
 * The step's declaration with the people, and each membership with the people that
 * may be its members: app users of its group's environment, each named once per
 * group (the step's other changes may have moved a membership or a group since).
 */
function withDeclared(
  step: DeployStep, people: readonly PersonDeclaration[], memberOf: ReadonlyMap<string, readonly string[]>,
): { step: DeployStep; memberOf: Map<string, string[]> } {
  const declaration = step.declaration;
  const named = new Map<string, Set<string>>();
  const kept = new Map<string, string[]>();
  const memberships = declaration.memberships.map(membership => {
    const identity = groupIdentity(declaration, membership.group);
    const inGroup = named.get(identity) ?? new Set<string>();
    named.set(identity, inGroup);
    const ids = (memberOf.get(membership.id) ?? []).filter(id => {
      const person = people.find(p => p.id === id);
      if (!person || person.type !== 'APP_USER' || person.environment !== environmentOf(declaration, membership.group) || inGroup.has(id)) return false;
      inGroup.add(id);
      return true;
    });
    if (ids.length > 0) kept.set(membership.id, ids);
    return ids.length > 0 ? { ...membership, people: ids } : membership;
  });
  return { step: { ...step, declaration: { ...declaration, memberships, people: [adoptedPerson(declaration), ...people] } }, memberOf: kept };
}

/**
 * The existing user every revision adopts (declared in capitals FinSpace does not
 * keep) and keeps on removal: its create, updates and their rollbacks meet the same
 * faults as the groups, and it stays a member wherever the declarations put it by id.
 */
export function adoptedPerson(declaration: Declaration): PersonDeclaration {
  return {
    id: 'AdoptedUser',
    environment: 'a',
    email: `${DECLARED_USERS[0].toUpperCase()}@example.com`,
    firstName: `Steward${declaration.groups.length}`,
    type: 'APP_USER',
    retain: true,
  };
}
