import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadState, saveState, STATE_FILE_VERSION, type DeployedStack } from '../../../local/runner/state-file';

let directory: string;
beforeEach(() => { directory = fs.mkdtempSync(path.join(os.tmpdir(), 'state-file-test-')); });
afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

const stack: DeployedStack = {
  stackName: 'S',
  stackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/S/1',
  account: '111122223333',
  region: 'us-east-1',
  status: 'CREATE_COMPLETE',
  template: { Resources: { R: { Type: 'Custom::R' } } },
  resources: { R: { type: 'Custom::R', physicalId: 'r-1', properties: { A: 'a' }, attributes: { Out: 'o' }, dependsOn: [] } },
  outputs: { O: { value: 'v', exportName: 'E' } },
  lastUpdatedTime: '2026-01-01T00:00:00.000Z',
};

test('a missing file is an empty state', () => {
  expect(loadState(path.join(directory, 'absent.json'))).toEqual({ version: STATE_FILE_VERSION, stacks: {} });
});

test('what is saved is loaded back, and no temporary file is left behind', () => {
  const file = path.join(directory, 'nested', 'state.json');
  saveState(file, { version: STATE_FILE_VERSION, stacks: { S: stack } });
  expect(loadState(file)).toEqual({ version: STATE_FILE_VERSION, stacks: { S: stack } });
  expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']);
});

test('a file that is not a runner state is refused with its name', () => {
  const notJson = path.join(directory, 'broken.json');
  fs.writeFileSync(notJson, '{');
  expect(() => loadState(notJson)).toThrow(`state file ${notJson} is not valid JSON`);
  const otherVersion = path.join(directory, 'other.json');
  fs.writeFileSync(otherVersion, JSON.stringify({ version: 99, stacks: {} }));
  expect(() => loadState(otherVersion)).toThrow(`state file ${otherVersion} is not a local runner state file of version 1`);
});
