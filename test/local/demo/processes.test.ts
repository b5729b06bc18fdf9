/**
 * `npm run demo` starts processes (projen, ts-node, the app's synthesis, one local
 * Lambda container per warm function): when it exits, none of them may be left
 * running, however loaded the machine. The demo runs in a process group of its own,
 * and the group is looked at once the demo has exited: whatever is still there
 * outlived it.
 */
import { execFileSync, spawn } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..', '..');

/** Live (not zombie) processes of a process group, as `ps` lines. */
function runningIn(groupId: number): string[] {
  return execFileSync('ps', ['-eo', 'pgid=,pid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map(line => line.trim().split(/\s+/))
    .filter(([pgid, , stat]) => Number(pgid) === groupId && stat !== undefined && !stat.startsWith('Z'))
    .map(fields => fields.slice(1).join(' '));
}

test('npm run demo leaves no process of its own running when it exits', async () => {
  // detached: the demo leads a new process group, which holds everything it starts.
  const demo = spawn('npm', ['run', '--silent', 'demo'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  demo.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exitCode = await new Promise<number | null>(resolve => demo.on('close', resolve));

  const left = runningIn(demo.pid!);
  if (left.length > 0) process.kill(-demo.pid!, 'SIGKILL');
  expect({ exitCode, left }).toEqual({ exitCode: 0, left: [] });
  expect(output).toContain('Demo finished');
}, 300_000);
