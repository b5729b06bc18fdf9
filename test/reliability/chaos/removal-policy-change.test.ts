/**
 * The local runner records a removal policy changed on a resource whose properties
 * stay the same, as CloudFormation does (without a resource event). Found by chaos
 * seeds 200, 203, 206 and 217 (of an earlier plan generator): the runner kept the
 * old policy, so a group switched to RemovalPolicy.RETAIN was deleted on destroy.
 */
import { group, StackWorld } from '../support/stack-world';

jest.setTimeout(30_000);

let world: StackWorld;
beforeEach(async () => {
  world = await StackWorld.start();
});
afterEach(() => world.stop());

test('a group switched to RETAIN, with nothing else changed, stays in FinSpace when the stack is destroyed', async () => {
  await world.deploy({ groups: [group('Analysts', { retain: false })], memberships: [] });
  const retained = await world.deploy({ groups: [group('Analysts', { retain: true })], memberships: [] });
  expect(retained.status).toBe('UPDATE_COMPLETE');

  const destroyed = await world.destroy();

  expect(destroyed.status).toBe('DELETE_COMPLETE');
  expect(world.group('analysts')).toBeDefined();
});
