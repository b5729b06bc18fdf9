import { evaluateCondition, resolve, type ResolveScope } from '../../../local/runner/intrinsics';

const deployed: Record<string, { ref: string; attributes: Record<string, unknown> }> = {
  Role: { ref: 'stack-Role-ABC', attributes: { Arn: 'arn:aws:iam::111122223333:role/stack-Role-ABC' } },
  Group: { ref: 'grp123', attributes: { PermissionGroupId: 'grp123' } },
};

const scope: ResolveScope = {
  region: 'eu-west-1',
  mappings: { Sizes: { small: { Memory: 128 } } },
  ref: name => {
    if (name === 'AWS::Region') return 'eu-west-1';
    if (name === 'AWS::AccountId') return '111122223333';
    if (name === 'Env') return 'prod';
    const resource = deployed[name];
    if (!resource) throw new Error(`unknown ${name}`);
    return resource.ref;
  },
  getAtt: (logicalId, attribute) => deployed[logicalId].attributes[attribute],
  condition: name => name === 'IsProd',
  importValue: name => (name === 'Shared-Topic' ? 'arn:aws:sns:eu-west-1:111122223333:topic' : undefined),
};

describe('resolve', () => {
  test.each([
    ['Ref of a resource: its physical id', { Ref: 'Group' }, 'grp123'],
    ['Ref of a pseudo parameter', { Ref: 'AWS::AccountId' }, '111122223333'],
    ['Fn::GetAtt as a list', { 'Fn::GetAtt': ['Role', 'Arn'] }, 'arn:aws:iam::111122223333:role/stack-Role-ABC'],
    ['Fn::GetAtt as a dotted string', { 'Fn::GetAtt': 'Group.PermissionGroupId' }, 'grp123'],
    ['Fn::Join', { 'Fn::Join': ['-', ['a', { Ref: 'Group' }, 'c']] }, 'a-grp123-c'],
    ['Fn::Select', { 'Fn::Select': [1, ['a', 'b', 'c']] }, 'b'],
    ['Fn::Split', { 'Fn::Split': [',', 'a,b'] }, ['a', 'b']],
    ['Fn::Select of Fn::Split', { 'Fn::Select': ['0', { 'Fn::Split': ['/', { Ref: 'Group' }] }] }, 'grp123'],
    ['Fn::Sub with pseudo parameters, attributes and a literal',
      { 'Fn::Sub': 'arn:${AWS::Region}:${Role.Arn}:${!Literal}' }, 'arn:eu-west-1:arn:aws:iam::111122223333:role/stack-Role-ABC:${Literal}'],
    ['Fn::Sub with its own variables', { 'Fn::Sub': ['${Name}-${Group}', { Name: { Ref: 'Env' } }] }, 'prod-grp123'],
    ['Fn::If', { 'Fn::If': ['IsProd', 'big', 'small'] }, 'big'],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Sizes', 'small', 'Memory'] }, 128],
    ['Fn::Base64', { 'Fn::Base64': 'hi' }, 'aGk='],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'Shared-Topic' }, 'arn:aws:sns:eu-west-1:111122223333:topic'],
    ['Fn::GetAZs', { 'Fn::GetAZs': '' }, ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']],
    ['nested objects and lists', { A: [{ Ref: 'Group' }, 2], B: { C: true } }, { A: ['grp123', 2], B: { C: true } }],
  ])('%s', (_name, value, expected) => {
    expect(resolve(value, scope)).toEqual(expected);
  });

  test('Ref AWS::NoValue leaves the property or list element out', () => {
    expect(resolve({ Kept: 'a', Dropped: { 'Fn::If': ['IsTest', 'x', { Ref: 'AWS::NoValue' }] }, List: ['a', { Ref: 'AWS::NoValue' }] }, scope))
      .toEqual({ Kept: 'a', List: ['a'] });
  });

  test('refuses what it cannot evaluate, naming the function', () => {
    expect(() => resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }, scope)).toThrow('Fn::Cidr is not supported by the local runner');
    expect(() => resolve({ 'Fn::Select': [5, ['a']] }, scope)).toThrow('Fn::Select cannot select nonexistent value at index 5');
    expect(() => resolve({ 'Fn::Join': ['-', 'not a list'] }, scope)).toThrow('Fn::Join needs a list');
  });
});

describe('evaluateCondition', () => {
  test.each([
    [{ 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }, true],
    [{ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }] }, false],
    [{ 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['a', 'a'] }] }, true],
    [{ 'Fn::Or': [{ Condition: 'IsTest' }, { 'Fn::Equals': ['a', 'b'] }] }, false],
  ])('%j is %s', (expression, expected) => {
    expect(evaluateCondition(expression, scope)).toBe(expected);
  });

  test('a value that is not a condition is refused', () => {
    expect(() => evaluateCondition('yes', scope)).toThrow('a condition must be a condition function');
  });
});
