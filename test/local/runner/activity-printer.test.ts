import { describeFinSpaceWait, formatEvent, formatStackResult } from '../../../local/runner/activity-printer';

const time = new Date(2026, 0, 2, 9, 5, 7);
const progress = { done: 3, total: 12 };

describe('formatEvent', () => {
  test('a resource event: stack, progress, time, status, type, construct path and logical id, elapsed time', () => {
    expect(formatEvent({
      kind: 'resource',
      stackName: 'Example',
      logicalId: 'AnalystsMembers4A85B9C0',
      constructPath: 'Analysts/Members/Resource/Default',
      resourceType: 'Custom::FinSpaceGroupMembership',
      status: 'CREATE_COMPLETE',
      time,
      progress,
      elapsedMs: 1234,
    })).toBe('Example |  3/12 | 09:05:07 | CREATE_COMPLETE      | Custom::FinSpaceGroupMembership  | Analysts/Members (AnalystsMembers4A85B9C0) 1.2s');
  });

  test('a failure carries its reason on one line', () => {
    expect(formatEvent({
      kind: 'resource',
      stackName: 'Example',
      logicalId: 'Group',
      resourceType: 'Custom::FinSpacePermissionGroup',
      status: 'UPDATE_FAILED',
      time,
      progress,
      elapsedMs: 61_000,
      reason: 'Received response status [FAILED]: boom\n\nLogs: /aws/lambda/fn\n',
    })).toBe('Example |  3/12 | 09:05:07 | UPDATE_FAILED        | Custom::FinSpacePermissionGroup  | Group 1m 1s Received response status [FAILED]: boom Logs: /aws/lambda/fn');
  });

  test('a stack event', () => {
    expect(formatEvent({ kind: 'stack', stackName: 'Example', status: 'UPDATE_IN_PROGRESS', time, progress: { done: 0, total: 12 }, reason: 'User Initiated' }))
      .toBe('Example |  0/12 | 09:05:07 | UPDATE_IN_PROGRESS   | AWS::CloudFormation::Stack       | Example User Initiated');
  });

  test('a poll that keeps waiting says what it waits for; the poll that ends the wait prints nothing', () => {
    const poll = {
      kind: 'waiting' as const,
      stackName: 'Example',
      logicalId: 'Members',
      resourceType: 'Custom::FinSpaceGroupMembership',
      status: 'CREATE_IN_PROGRESS',
      time,
      progress,
      attempt: 2,
      maxAttempts: 361,
      elapsedMs: 5000,
      logs: [],
      answer: { IsComplete: false, MembershipProgress: { adding: 3, removing: 1, waitingToReAdd: 0 } },
    };
    expect(formatEvent({ ...poll, complete: false }, { describeWait: describeFinSpaceWait }))
      .toBe('Example |  3/12 | 09:05:07 | CREATE_IN_PROGRESS   | Custom::FinSpaceGroupMembership  | Members waiting for FinSpace: 3 being added, 1 being removed (poll 2/361, 5.0s)');
    expect(formatEvent({ ...poll, complete: false, answer: { IsComplete: false } }))
      .toMatch(/\| Members waiting for isComplete \(poll 2\/361, 5.0s\)$/);
    expect(formatEvent({ ...poll, complete: true })).toBeUndefined();
  });
});

describe('formatStackResult', () => {
  test('success lists the outputs and the stack ARN', () => {
    expect(formatStackResult({
      stackName: 'Example', status: 'CREATE_COMPLETE', success: true, stackId: 'arn:stack', outputs: { RoleArn: { value: 'arn:role' } },
    }, 'deploy')).toEqual([' ✅  Example', '', 'Outputs:', 'Example.RoleArn = arn:role', 'Stack ARN:', 'arn:stack']);
  });

  test('failure names the final status and the first reason, as cdk deploy does', () => {
    expect(formatStackResult({ stackName: 'Example', status: 'UPDATE_ROLLBACK_COMPLETE', success: false, failureReason: 'boom\n\nLogs: x', outputs: {} }, 'deploy'))
      .toEqual([' ❌  Example failed: The stack named Example failed to deploy: UPDATE_ROLLBACK_COMPLETE: boom Logs: x']);
    expect(formatStackResult({ stackName: 'Example', status: 'REFUSED', success: false, failureReason: 'ValidationError: too big', outputs: {} }, 'deploy'))
      .toEqual([' ❌  Example failed: The stack named Example failed to deploy: ValidationError: too big']);
  });

  test('no changes, destroyed, not deployed', () => {
    expect(formatStackResult({ stackName: 'E', status: 'NO_CHANGES', success: true, outputs: {} }, 'deploy')).toEqual([' ✅  E (no changes)']);
    expect(formatStackResult({ stackName: 'E', status: 'DELETE_COMPLETE', success: true, outputs: {} }, 'destroy')).toEqual([' ✅  E: destroyed']);
    expect(formatStackResult({ stackName: 'E', status: 'DOES_NOT_EXIST', success: true, outputs: {} }, 'destroy'))
      .toEqual([' ✅  E: not deployed, nothing to destroy']);
  });
});

describe('describeFinSpaceWait', () => {
  test('reads the MembershipProgress of the isComplete answer', () => {
    expect(describeFinSpaceWait({ IsComplete: false, MembershipProgress: { adding: 0, removing: 0, waitingToReAdd: 2 } }))
      .toBe('waiting for FinSpace: 2 to add again once removed');
    expect(describeFinSpaceWait({ IsComplete: false, MembershipProgress: { adding: 4, removing: 2, waitingToReAdd: 1 } }))
      .toBe('waiting for FinSpace: 4 being added, 2 being removed, 1 to add again once removed');
  });

  test('an answer without a well-formed MembershipProgress describes nothing', () => {
    expect(describeFinSpaceWait(undefined)).toBeUndefined();
    expect(describeFinSpaceWait({ IsComplete: false })).toBeUndefined();
    expect(describeFinSpaceWait({ IsComplete: false, MembershipProgress: { adding: '3', removing: 0, waitingToReAdd: 0 } })).toBeUndefined();
    expect(describeFinSpaceWait({ IsComplete: false, MembershipProgress: null })).toBeUndefined();
  });
});
