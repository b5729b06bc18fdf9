/**
 * Where requests go: region and endpoint resolution with the AWS SDK's
 * precedence (explicit option, then the service-specific and the global
 * `AWS_ENDPOINT_URL*` variables, then the public regional host).
 */

/** Service-specific override, named after the model's serviceId "finspace data". */
export const SERVICE_ENDPOINT_ENV = 'AWS_ENDPOINT_URL_FINSPACE_DATA';
export const GLOBAL_ENDPOINT_ENV = 'AWS_ENDPOINT_URL';
/** The SDK switch that makes both variables above be ignored. */
export const IGNORE_ENDPOINT_ENV = 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS';

export interface Endpoint {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port?: number;
  /** Path prefix of the endpoint URL ('' for none); operation paths are appended to it. */
  readonly basePath: string;
  /** Normalized URL, used as part of the credential cache key. */
  readonly url: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function resolveRegion(region: string | undefined, env: Env = process.env): string {
  const resolved = region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!resolved) {
    throw new Error('FinSpace Data client needs a region: pass the region option or set AWS_REGION.');
  }
  return resolved;
}

export function resolveEndpoint(region: string, endpoint: string | undefined, env: Env = process.env): Endpoint {
  const configured = endpoint ?? configuredEndpoint(env);
  return parseEndpoint(configured ?? `https://finspace-api.${region}.amazonaws.com`);
}

function configuredEndpoint(env: Env): string | undefined {
  if (env[IGNORE_ENDPOINT_ENV]?.toLowerCase() === 'true') return undefined;
  return env[SERVICE_ENDPOINT_ENV] || env[GLOBAL_ENDPOINT_ENV] || undefined;
}

function parseEndpoint(value: string): Endpoint {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`FinSpace Data endpoint is not a valid URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`FinSpace Data endpoint must use http or https: ${value}`);
  }
  if (url.search || url.hash) {
    throw new Error(`FinSpace Data endpoint must not carry a query or fragment: ${value}`);
  }
  const basePath = url.pathname.replace(/\/+$/, '');
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    basePath,
    url: `${url.protocol}//${url.host}${basePath}`,
  };
}
