/**
 * A local AWS service endpoint that answers its first `failures` requests with one
 * kind of failure, then success: for the retry tests of the handler's calls to
 * Parameter Store, CloudFormation and S3.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Failure = 'throttle' | 'server-error' | 'reset' | 'refusal';

export interface ServiceAnswers {
  /** The content type of every answer. */
  readonly contentType: string;
  /** The body of a success. */
  readonly ok: string;
  /** The status and error code of each failure that is an answer. */
  readonly errors: Record<Exclude<Failure, 'reset'>, readonly [number, string]>;
  /** How the protocol carries an error code: headers and body. */
  readonly error: (code: string) => { readonly headers?: Record<string, string>; readonly body: string };
}

export async function flakyAwsService(answers: ServiceAnswers, failure: Failure, failures: number) {
  let requests = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests++;
      if (requests > failures) {
        response.writeHead(200, { 'content-type': answers.contentType }).end(answers.ok);
        return;
      }
      if (failure === 'reset') {
        request.socket.destroy();
        return;
      }
      const [status, code] = answers.errors[failure];
      const { headers, body } = answers.error(code);
      response.writeHead(status, { 'content-type': answers.contentType, ...headers }).end(body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}
