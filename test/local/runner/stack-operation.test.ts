/**
 * The runner's CloudFormation behaviour, end to end: real synthesized stacks with
 * an aws-cdk-lib Provider, run by the runner in local Lambda containers, observed
 * through the handler's journal, the runner's events and its state file.
 */
import * as fs from 'fs';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RecordingApp, reasonOf, resourceEvents } from './support/recording-app';

jest.setTimeout(30_000);

let recording: RecordingApp;
beforeEach(() => { recording = new RecordingApp(); });
afterEach(() => recording.remove());

describe('create', () => {
  test('creates in dependency order and resolves Ref and Fn::GetAtt of custom resources', async () => {
    const app = recording.synth(resource => {
      const first = resource('First', { Value: 'one' });
      const second = resource('Second', { Value: first.getAttString('Echo'), Upstream: first.ref });
      resource('Third', { Value: 'three' }).node.addDependency(second);
    });

    const run = await recording.deploy(app);

    expect(run.success).toBe(true);
    expect(run.stacks.map(s => s.status)).toEqual(['CREATE_COMPLETE']);
    expect(recording.calls()).toEqual(['Create First', 'Create Second', 'Create Third']);
    const [first, second] = recording.journal().filter(e => e.handler === 'onEvent');
    // The framework's default physical id of a create is the RequestId.
    expect(second.properties).toMatchObject({ Value: 'one', Upstream: first.requestId });
    expect(recording.state().stacks.Recorded.resources.First.physicalId).toBe(first.requestId);
  });

  test('hands every number and boolean over as a string, ServiceToken included', async () => {
    const app = recording.synth(resource => { resource('Typed', { Count: 3, Enabled: true, Names: ['a', 1] }); });

    await recording.deploy(app);

    const [create] = recording.journal();
    expect(create.properties).toMatchObject({ Count: '3', Enabled: 'true', Names: ['a', '1'] });
    expect(create.properties.ServiceToken).toMatch(/^arn:aws:lambda:eu-west-1:111122223333:function:Recorded-ProviderframeworkonEvent.*-[A-Z0-9]{12}$/);
  });

  test('runs the handler with its Lambda timeout: getRemainingTimeInMillis counts down from 30 s', async () => {
    await recording.deploy(recording.synth(resource => { resource('Timed', {}); }));

    const [create] = recording.journal();
    expect(create.remainingTimeMs).toBeGreaterThan(25_000);
    expect(create.remainingTimeMs).toBeLessThanOrEqual(30_000);
  });
});

describe('update', () => {
  test('a second deploy of the same assembly changes nothing', async () => {
    const app = recording.synth(resource => { resource('Only', { Value: 'v' }); });
    await recording.deploy(app);
    const before = recording.journal().length;

    const run = await recording.deploy(app);

    expect(run.stacks.map(s => s.status)).toEqual(['NO_CHANGES']);
    expect(recording.journal(before)).toEqual([]);
  });

  test('updates only resources whose resolved properties changed, with OldResourceProperties', async () => {
    const build = (value: string) => recording.synth(resource => {
      const source = resource('Source', { Value: value });
      resource('Follower', { Value: source.getAttString('Echo') });
      resource('Bystander', { Value: 'same' });
    });
    await recording.deploy(build('v1'));
    const before = recording.journal().length;

    const run = await recording.deploy(build('v2'));

    expect(run.stacks.map(s => s.status)).toEqual(['UPDATE_COMPLETE']);
    expect(recording.calls(before)).toEqual(['Update Source', 'Update Follower']);
    const [source, follower] = recording.journal(before).filter(e => e.handler === 'onEvent');
    expect(source.oldProperties).toMatchObject({ Value: 'v1' });
    expect(source.properties).toMatchObject({ Value: 'v2' });
    expect(follower).toMatchObject({ oldProperties: { Value: 'v1' }, properties: { Value: 'v2' } });
  });

  test('a new physical id replaces the resource: the old one is deleted with its old properties after all updates', async () => {
    const build = (id: string) => recording.synth(resource => {
      const replaced = resource('Replaced', { PhysicalId: id });
      resource('Dependent', { Upstream: replaced.ref });
    });
    await recording.deploy(build('first-id'));
    const before = recording.journal().length;

    const run = await recording.deploy(build('second-id'));

    expect(run.success).toBe(true);
    expect(recording.calls(before)).toEqual(['Update Replaced', 'Update Dependent', 'Delete Replaced']);
    const journal = recording.journal(before).filter(e => e.handler === 'onEvent');
    expect(journal[1].properties.Upstream).toBe('second-id');
    expect(journal[2]).toMatchObject({ physicalId: 'first-id', properties: { PhysicalId: 'first-id' } });
    const replacedEvents = run.events.filter(e => e.kind === 'resource' && e.logicalId === 'Replaced');
    expect(replacedEvents.map(e => [e.status, e.kind === 'resource' && e.reason])).toEqual([
      ['UPDATE_IN_PROGRESS', undefined],
      ['UPDATE_IN_PROGRESS', 'Requested update required the provider to create a new physical resource'],
      ['UPDATE_COMPLETE', undefined],
      ['DELETE_IN_PROGRESS', undefined],
      ['DELETE_COMPLETE', undefined],
    ]);
    expect(recording.state().stacks.Recorded.resources.Replaced.physicalId).toBe('second-id');
  });

  test('resources removed from the template are deleted in the cleanup phase, in reverse dependency order', async () => {
    await recording.deploy(recording.synth(resource => {
      const base = resource('Base', {});
      resource('OnTop', { Upstream: base.ref });
      resource('Kept', { Value: 'v1' });
    }));
    const before = recording.journal().length;

    const run = await recording.deploy(recording.synth(resource => {
      resource('Kept', { Value: 'v2' });
      resource('Added', {});
    }));

    const calls = recording.calls(before);
    expect(calls.slice(0, 2).sort()).toEqual(['Create Added', 'Update Kept']);
    expect(calls.slice(2)).toEqual(['Delete OnTop', 'Delete Base']);
    const stackStatuses = run.events.filter(e => e.kind === 'stack').map(e => e.status);
    expect(stackStatuses).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE']);
  });

  test('Retain policies leave removed and replaced resources in place', async () => {
    await recording.deploy(recording.synth(resource => {
      resource('Removed', {}).applyRemovalPolicy(RemovalPolicy.RETAIN);
      resource('Replaced', { PhysicalId: 'old' }).applyRemovalPolicy(RemovalPolicy.RETAIN);
    }));
    const before = recording.journal().length;

    const run = await recording.deploy(recording.synth(resource => {
      resource('Replaced', { PhysicalId: 'new' }).applyRemovalPolicy(RemovalPolicy.RETAIN);
    }));
    const destroyed = await recording.destroy(recording.synth(() => undefined));

    expect(recording.calls(before)).toEqual(['Update Replaced']);
    expect(resourceEvents(run.events)).toEqual(expect.arrayContaining(['DELETE_SKIPPED Removed', 'DELETE_SKIPPED Replaced']));
    expect(resourceEvents(destroyed.events)).toEqual(['DELETE_SKIPPED Replaced']);
  });
});

describe('delete failures', () => {
  test('a delete that fails in the cleanup phase is reported, and CloudFormation lets the resource go', async () => {
    await recording.deploy(recording.synth(resource => {
      resource('Stubborn', { FailOn: 'Delete' });
      resource('Kept', {});
    }));

    const run = await recording.deploy(recording.synth(resource => { resource('Kept', {}); }));

    expect(run.stacks[0]).toMatchObject({ status: 'UPDATE_COMPLETE', success: true });
    expect(reasonOf(run.events, 'DELETE_FAILED', 'Stubborn')).toContain('failing Delete as asked');
    expect(Object.keys(recording.state().stacks.Recorded.resources)).not.toContain('Stubborn');
  });

  test('a destroy that fails leaves the stack DELETE_FAILED with what is left, and further updates are refused', async () => {
    const app = recording.synth(resource => {
      const base = resource('Base', {});
      resource('Stubborn', { FailOn: 'Delete', Upstream: base.ref });
    });
    await recording.deploy(app);

    const run = await recording.destroy(app);

    expect(run.stacks[0]).toMatchObject({ status: 'DELETE_FAILED', success: false });
    expect(run.stacks[0].failureReason).toContain('failing Delete as asked');
    // Base must outlive Stubborn, which depends on it.
    expect(recording.calls()).toEqual(['Create Base', 'Create Stubborn', 'Delete Stubborn']);
    const state = recording.state().stacks.Recorded;
    expect(state.status).toBe('DELETE_FAILED');
    expect(Object.keys(state.resources)).toEqual(expect.arrayContaining(['Base', 'Stubborn']));
    const again = await recording.deploy(app);
    expect(again.stacks[0].failureReason).toMatch(/is in DELETE_FAILED state and can not be updated.$/);
  });
});

describe('rollback', () => {
  test('a failed update rolls back: updated resources and the failed one are updated back, created ones deleted', async () => {
    await recording.deploy(recording.synth(resource => {
      resource('Updated', { Value: 'old' });
      resource('Failing', { Value: 'old' });
    }));
    const before = recording.journal().length;

    const run = await recording.deploy(recording.synth(resource => {
      const updated = resource('Updated', { Value: 'new' });
      const created = resource('Created', {});
      const failing = resource('Failing', { Value: 'new', FailOn: 'Update' });
      failing.node.addDependency(updated, created);
    }));

    expect(run.success).toBe(false);
    expect(run.stacks[0]).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(run.stacks[0].failureReason).toMatch(/^Received response status \[FAILED\] from custom resource. Message returned: failing Update as asked\n\nLogs: \/aws\/lambda\/Recorded-/);
    const calls = recording.calls(before);
    expect(calls.slice(0, 3).sort()).toEqual(['Create Created', 'Update Failing', 'Update Updated']);
    expect(calls.slice(3, 5).sort()).toEqual(['Update Failing', 'Update Updated']);
    expect(calls.slice(5)).toEqual(['Delete Created']);
    const updatesBack = recording.journal(before).filter(e => e.handler === 'onEvent').slice(3, 5);
    for (const updateBack of updatesBack) {
      expect(updateBack.properties.Value).toBe('old');
      expect(updateBack.oldProperties?.Value).toBe('new');
    }
    expect(run.events.filter(e => e.kind === 'stack').map(e => e.status)).toEqual([
      'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE',
    ]);
    const state = recording.state().stacks.Recorded;
    expect(Object.keys(state.resources)).not.toContain('Created');
    expect(state.resources.Updated.properties.Value).toBe('old');
  });

  test('a replaced resource gets its old physical resource back; the new one is deleted', async () => {
    await recording.deploy(recording.synth(resource => { resource('Replaced', { PhysicalId: 'old' }); }));
    const before = recording.journal().length;

    await recording.deploy(recording.synth(resource => {
      const replaced = resource('Replaced', { PhysicalId: 'new' });
      resource('Failing', { FailOn: 'Create' }).node.addDependency(replaced);
    }));

    expect(recording.calls(before)).toEqual(['Update Replaced', 'Create Failing', 'Delete Replaced']);
    expect(recording.journal(before).filter(e => e.handler === 'onEvent')[2].physicalId).toBe('new');
    expect(recording.state().stacks.Recorded.resources.Replaced.physicalId).toBe('old');
  });

  test('a create that fails in onEvent answers the CREATE_FAILED marker, so its rollback delete skips the handler', async () => {
    const run = await recording.deploy(recording.synth(resource => {
      const first = resource('First', {});
      resource('Failing', { FailOn: 'Create' }).node.addDependency(first);
    }));

    expect(run.stacks[0]).toMatchObject({ status: 'ROLLBACK_COMPLETE', success: false });
    expect(recording.calls()).toEqual(['Create First', 'Create Failing', 'Delete First']);
    expect(resourceEvents(run.events)).toEqual(expect.arrayContaining(['DELETE_COMPLETE Failing']));
    expect(reasonOf(run.events, 'CREATE_FAILED')).toContain('failing Create as asked');
    expect(recording.state().stacks.Recorded.status).toBe('ROLLBACK_COMPLETE');
    const state = recording.state().stacks.Recorded;
    expect(state).toMatchObject({ status: 'ROLLBACK_COMPLETE', resources: {} });
  });

  test('a stack whose creation rolled back is created anew by the next deploy', async () => {
    const failed = await recording.deploy(recording.synth(resource => { resource('Failing', { FailOn: 'Create' }); }));
    const before = recording.journal().length;

    const run = await recording.deploy(recording.synth(resource => { resource('Fixed', {}); }));

    expect(run.stacks[0].status).toBe('CREATE_COMPLETE');
    expect(run.stacks[0].stackId).not.toBe(failed.stacks[0].stackId);
    expect(recording.calls(before)).toEqual(['Create Fixed']);
  });

  test('a create that fails in isComplete keeps the id onEvent answered, and the rollback deletes it', async () => {
    const run = await recording.deploy(recording.synth(resource => { resource('Partial', { PhysicalId: 'partial-1', IncompleteData: 'yes' }); }));

    expect(reasonOf(run.events, 'CREATE_FAILED')).toMatch(/Message returned: Error: "Data" is not allowed if "IsComplete" is "False"/);
    expect(recording.calls()).toEqual(['Create Partial', 'Delete Partial']);
    expect(recording.journal().filter(e => e.handler === 'onEvent')[1].physicalId).toBe('partial-1');
  });
});

describe('isComplete', () => {
  test('polls at the overridden interval up to the waiter\'s attempts, and merges the Data of both answers', async () => {
    const app = recording.synth(resource => {
      const polled = resource('Polled', { Value: 'echoed', PollsNeeded: 3 });
      resource('Reader', { Echo: polled.getAttString('Echo'), Completed: polled.getAttString('Completed') });
    }, { queryInterval: Duration.seconds(1), totalTimeout: Duration.seconds(10) });

    const run = await recording.deploy(app);

    const polls = run.events.filter(e => e.kind === 'waiting' && e.logicalId === 'Polled');
    expect(polls.map(p => p.kind === 'waiting' && [p.attempt, p.maxAttempts, p.complete])).toEqual([[1, 11, false], [2, 11, false], [3, 11, true]]);
    expect(polls[2].kind === 'waiting' && polls[2].logs).toEqual(['{"message":"polled","calls":3}']);
    const reader = recording.journal().find(e => e.logicalId === 'Reader' && e.handler === 'onEvent')!;
    expect(reader.properties).toMatchObject({ Echo: 'echoed', Completed: 'yes' });
    const isCompleteEvent = recording.journal().find(e => e.handler === 'isComplete' && e.logicalId === 'Polled')!;
    expect(isCompleteEvent.data).toEqual({ Echo: 'echoed' });
  });

  test('fails with "Operation timed out" when the retries are exhausted', async () => {
    const app = recording.synth(resource => { resource('Slow', { PhysicalId: 'slow-1', PollsNeeded: 100 }); },
      { queryInterval: Duration.seconds(1), totalTimeout: Duration.seconds(3) });

    const run = await recording.deploy(app);

    const polls = (type: string) => recording.journal().filter(e => e.handler === 'isComplete' && e.requestType === type);
    // The first attempt and MaxAttempts (3 = 3 s / 1 s) retries.
    expect(polls('Create')).toHaveLength(4);
    expect(reasonOf(run.events, 'CREATE_FAILED')).toMatch(/^Received response status \[FAILED\] from custom resource. Message returned: Operation timed out \(RequestId: /);
    // onTimeout answers with the id onEvent gave, so the rollback deletes it; that delete never completes either.
    expect(recording.calls()).toEqual(['Create Slow', 'Delete Slow']);
    expect(polls('Delete')).toHaveLength(4);
    expect(polls('Delete')[0].physicalId).toBe('slow-1');
    expect(run.stacks[0].status).toBe('ROLLBACK_FAILED');
    expect(Object.keys(recording.state().stacks.Recorded.resources)).toContain('Slow');
  });
});

describe('state between runs', () => {
  test('the state file carries the stack from run to run, and destroy empties it', async () => {
    const app = recording.synth(resource => {
      const base = resource('Base', { PhysicalId: 'base-1' });
      resource('OnTop', { Upstream: base.ref, PhysicalId: 'top-1' });
    });
    await recording.deploy(app);
    const deployed = recording.state().stacks.Recorded;
    expect(deployed).toMatchObject({ status: 'CREATE_COMPLETE', account: '111122223333', region: 'eu-west-1' });
    expect(deployed.resources.OnTop).toMatchObject({
      physicalId: 'top-1',
      // The ServiceToken is a Fn::GetAtt of the provider's function.
      dependsOn: ['ProviderframeworkonEvent83C1D0A7', 'Base'],
      properties: { Upstream: 'base-1' },
    });
    const functions = Object.values(deployed.resources).filter(r => r.type === 'AWS::Lambda::Function');
    expect(functions.map(f => f.attributes.Arn)).toEqual(
      // The two handlers and the framework's onEvent, isComplete and onTimeout.
      Array(5).fill(expect.stringMatching(/^arn:aws:lambda:eu-west-1:111122223333:function:Recorded-\w+-[A-Z0-9]{12}$/)));
    const before = recording.journal().length;

    const run = await recording.destroy(app);

    expect(run.stacks.map(s => s.status)).toEqual(['DELETE_COMPLETE']);
    expect(recording.calls(before)).toEqual(['Delete OnTop', 'Delete Base']);
    expect(recording.journal(before)[0]).toMatchObject({ physicalId: 'top-1', properties: { Upstream: 'base-1' } });
    expect(recording.state().stacks).toEqual({});
  });

  test('destroying a stack that is not deployed does nothing', async () => {
    const run = await recording.destroy(recording.synth(resource => { resource('Never', {}); }));

    expect(run).toMatchObject({ success: true, stacks: [{ stackName: 'Recorded', status: 'DOES_NOT_EXIST' }] });
    expect(recording.journal()).toEqual([]);
  });

  test('a stack left in UPDATE_ROLLBACK_FAILED is refused, as CloudFormation refuses it', async () => {
    const app = recording.synth(resource => { resource('Only', {}); });
    await recording.deploy(app);
    const state = recording.state();
    const stack = { ...state.stacks.Recorded, status: 'UPDATE_ROLLBACK_FAILED' as const };
    fs.writeFileSync(recording.stateFile, JSON.stringify({ ...state, stacks: { Recorded: stack } }));

    const run = await recording.deploy(recording.synth(resource => { resource('Only', { Value: 'changed' }); }));

    expect(run.stacks[0]).toMatchObject({
      status: 'REFUSED',
      failureReason: `ValidationError: Stack:${stack.stackId} is in UPDATE_ROLLBACK_FAILED state and can not be updated.`,
    });
  });
});
