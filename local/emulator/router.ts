/**
 * Matches an HTTP method and path to an operation, using each operation's
 * `http.method` and `http.requestUri` from the model.
 */
import { OPERATION_NAMES, OperationName, serviceModel } from './model';

export interface RouteMatch {
  readonly operation: OperationName;
  /** Values of the `{label}` segments of the request URI, still percent-encoded. */
  readonly rawLabels: Readonly<Record<string, string>>;
}

interface Route {
  readonly operation: OperationName;
  readonly method: string;
  readonly pattern: RegExp;
  readonly labelNames: readonly string[];
  /** Number of literal characters; the more specific route wins. */
  readonly literalLength: number;
}

export class Router {
  private readonly routes: Route[];

  constructor(operations: readonly OperationName[] = OPERATION_NAMES) {
    this.routes = operations.map(compileRoute).sort((a, b) => b.literalLength - a.literalLength);
  }

  /**
   * @param rawPath the path as sent, still percent-encoded, without the query
   * @returns undefined when no operation has this method and path
   */
  match(method: string, rawPath: string): RouteMatch | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(rawPath);
      if (!found) continue;
      const rawLabels: Record<string, string> = {};
      route.labelNames.forEach((name, index) => {
        rawLabels[name] = found[index + 1];
      });
      return { operation: route.operation, rawLabels };
    }
    return undefined;
  }
}

function compileRoute(operation: OperationName): Route {
  const { method, requestUri } = serviceModel.operations[operation].http;
  if (requestUri.includes('?')) {
    // No operation of this model has a literal query in its URI; refuse rather than mis-route.
    throw new Error(`${operation}: literal query strings in requestUri are not supported`);
  }
  const labelNames: string[] = [];
  let literalLength = 0;
  const source = requestUri.replace(/\{(\w+)(\+?)\}|[^{]+/g, (part, label: string | undefined, greedy: string) => {
    if (label === undefined) {
      literalLength += part.length;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    labelNames.push(label);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { operation, method, pattern: new RegExp(`^${source}$`), labelNames, literalLength };
}
