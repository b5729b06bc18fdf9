import { MODEL } from './support/model';
import { resolveEndpoint, resolveRegion } from '../../../lambda/finspace/endpoint';

describe('resolveRegion', () => {
  test('prefers the option, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' };
    expect(resolveRegion('ca-central-1', env)).toBe('ca-central-1');
    expect(resolveRegion(undefined, env)).toBe('eu-west-1');
    expect(resolveRegion(undefined, { AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-west-2');
  });

  test('fails clearly without any', () => {
    expect(() => resolveRegion(undefined, {})).toThrow('FinSpace Data client needs a region');
  });
});

describe('resolveEndpoint', () => {
  const serviceVariable = `AWS_ENDPOINT_URL_${MODEL.metadata.serviceId.toUpperCase().replace(/ /g, '_')}`;

  test('defaults to the public regional host of the model endpoint prefix', () => {
    expect(resolveEndpoint('us-east-2', undefined, {})).toEqual({
      protocol: 'https:',
      hostname: `${MODEL.metadata.endpointPrefix}.us-east-2.amazonaws.com`,
      port: undefined,
      basePath: '',
      url: `https://${MODEL.metadata.endpointPrefix}.us-east-2.amazonaws.com`,
    });
  });

  test('takes the service variable named after the model serviceId over the global one', () => {
    const env = { [serviceVariable]: 'http://127.0.0.1:4010', AWS_ENDPOINT_URL: 'http://127.0.0.1:4020' };
    expect(resolveEndpoint('us-east-1', undefined, env).url).toBe('http://127.0.0.1:4010');
    expect(resolveEndpoint('us-east-1', undefined, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4020' }).url).toBe('http://127.0.0.1:4020');
  });

  test('an explicit endpoint wins over both variables', () => {
    const env = { [serviceVariable]: 'http://127.0.0.1:4010', AWS_ENDPOINT_URL: 'http://127.0.0.1:4020' };
    expect(resolveEndpoint('us-east-1', 'https://explicit.example.test', env).url).toBe('https://explicit.example.test');
  });

  test('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS switches the variables off', () => {
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4020', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
    expect(resolveEndpoint('us-east-1', undefined, env).hostname).toBe('finspace-api.us-east-1.amazonaws.com');
  });

  test('keeps port and path prefix', () => {
    expect(resolveEndpoint('us-east-1', 'http://localhost:8080/finspace/', {})).toEqual({
      protocol: 'http:',
      hostname: 'localhost',
      port: 8080,
      basePath: '/finspace',
      url: 'http://localhost:8080/finspace',
    });
  });

  test.each([
    ['not a URL', 'not a valid URL'],
    ['ftp://host', 'must use http or https'],
    ['https://host/?q=1', 'must not carry a query or fragment'],
  ])('refuses %s', (endpoint, message) => {
    expect(() => resolveEndpoint('us-east-1', endpoint, {})).toThrow(message);
  });
});
