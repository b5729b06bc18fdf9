import { dependencyGraph, dependencyOrder, referencedNames, type Template } from '../../../local/runner/template';

describe('referencedNames', () => {
  test('finds Ref, Fn::GetAtt and Fn::Sub targets, not pseudo parameters, literals, Sub variables or conditions', () => {
    const names = referencedNames({
      A: { Ref: 'Bucket' },
      B: { 'Fn::GetAtt': ['Role', 'Arn'] },
      C: { 'Fn::GetAtt': 'Topic.TopicName' },
      D: { 'Fn::Sub': ['${Queue.Arn}/${AWS::Region}/${!Escaped}/${Own}', { Own: { Ref: 'Param' } }] },
      E: { 'Fn::If': ['SomeCondition', { Ref: 'Table' }, { Ref: 'AWS::NoValue' }] },
    });
    expect([...names].sort()).toEqual(['Bucket', 'Param', 'Queue', 'Role', 'Table', 'Topic']);
  });
});

describe('dependencyGraph', () => {
  test('joins DependsOn (string or list) and references; parameters are not resources', () => {
    const template: Template = {
      Parameters: { Env: { Type: 'String', Default: 'dev' } },
      Resources: {
        Role: { Type: 'AWS::IAM::Role' },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Env: { Ref: 'Env' } } },
        Group: { Type: 'Custom::G', DependsOn: 'Fn', Properties: {} },
        Members: { Type: 'Custom::M', DependsOn: ['Group', 'Role'], Properties: { Id: { Ref: 'Group' } } },
      },
    };
    const graph = dependencyGraph(template, template.Resources!);
    expect(Object.fromEntries([...graph].map(([id, deps]) => [id, [...deps].sort()]))).toEqual({
      Role: [], Fn: ['Role'], Group: ['Fn'], Members: ['Group', 'Role'],
    });
  });

  test('refuses references to names the template does not have, as CloudFormation does', () => {
    const template: Template = { Resources: { A: { Type: 'AWS::SNS::Topic', DependsOn: 'Ghost', Properties: { X: { Ref: 'Phantom' } } } } };
    expect(() => dependencyGraph(template, template.Resources!))
      .toThrow('Template format error: Unresolved resource dependencies [Ghost, Phantom] in the Resources block of the template');
  });
});

describe('dependencyOrder', () => {
  test('puts each resource after its dependencies and keeps the template order otherwise', () => {
    const graph = new Map([['Z', new Set(['B'])], ['A', new Set<string>()], ['B', new Set(['A'])], ['C', new Set<string>()]]);
    expect(dependencyOrder(graph)).toEqual(['A', 'B', 'Z', 'C']);
  });

  test('refuses a cycle, naming what is caught in it', () => {
    const graph = new Map([['A', new Set(['C'])], ['B', new Set(['A'])], ['C', new Set(['B'])], ['D', new Set<string>()]]);
    expect(() => dependencyOrder(graph)).toThrow('Circular dependency between resources: [A, B, C]');
  });
});
