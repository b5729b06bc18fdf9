import { MAX_INLINE_USER_IDS, parseUserIdsObjectContent, userIdsObjectContent } from '../../contract/user-ids-object';

/** The Provider framework's Step Functions waiter holds the whole event in one state. */
const STEP_FUNCTIONS_STATE_LIMIT = 256 * 1024;

/** The largest event an inline list can produce: an update whose old and new lists are full of 26-character ids. */
function worstCaseEventBytes(usersPerResource: number): number {
  const ids = (prefix: string) => Array.from({ length: usersPerResource }, (_, i) => `${prefix}${String(i).padStart(25, '0')}`);
  const properties = (userIds: string[]) => ({
    ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:FinSpaceGroupsExample-FinSpaceDataProviderframewor-AbCdEfGhIjKl',
    EnvironmentId: 'abcdefghijklmnopqrstuvwxyz',
    PermissionGroupId: 'abcdefghijklmnopqrstuvwxyz',
    UserIds: userIds,
    Exclusive: 'false',
    MembershipKey: '0123abcd',
    ShardIndex: '0',
    ShardCount: '1',
    ServiceTimeout: '2100',
  });
  const event = {
    RequestType: 'Update',
    ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:FinSpaceGroupsExample-FinSpaceDataProviderframewor-AbCdEfGhIjKl',
    ResponseURL: `https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/${'x'.repeat(1200)}`,
    StackId: `arn:aws:cloudformation:us-east-1:111122223333:stack/${'s'.repeat(128)}/${'0'.repeat(36)}`,
    RequestId: '0'.repeat(36),
    LogicalResourceId: 'L'.repeat(255),
    PhysicalResourceId: 'p'.repeat(26 + 1 + 8 + 1 + 4),
    ResourceType: 'Custom::FinSpaceGroupMembership',
    ResourceProperties: properties(ids('n')),
    OldResourceProperties: properties(ids('o')),
    // What onEvent adds for isComplete.
    Data: { PermissionGroupId: 'abcdefghijklmnopqrstuvwxyz', Members: usersPerResource },
    ReconcileStartedAt: Date.now(),
  };
  return Buffer.byteLength(JSON.stringify(event));
}

test('a full inline list keeps its worst-case event within 60% to 75% of the largest that fits the 256 KiB waiter state', () => {
  let largest = 0;
  for (let step = 4096; step >= 1; step /= 2) {
    if (worstCaseEventBytes(largest + step) <= STEP_FUNCTIONS_STATE_LIMIT) largest += step;
  }
  expect(largest).toBe(4468);
  expect(MAX_INLINE_USER_IDS).toBeLessThanOrEqual(largest * 0.75);
  expect(MAX_INLINE_USER_IDS).toBeGreaterThanOrEqual(largest * 0.6);
});


test('the object holds the ids sorted as a JSON array, and reads back only as such', () => {
  const content = userIdsObjectContent(['zoe', 'adam', 'Ωmega']);
  expect(content).toBe('["adam","zoe","Ωmega"]');
  expect(parseUserIdsObjectContent(content)).toEqual(['adam', 'zoe', 'Ωmega']);
  for (const bad of ['{"userIds":["a"]}', '["a",""]', '["a",1]', 'null']) {
    expect(() => parseUserIdsObjectContent(bad)).toThrow('the object is not a JSON array of non-empty user ids');
  }
});
