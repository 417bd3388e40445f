import type { Payload } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../../src/api/app';
import { ReleaseDecisionBodySchema } from '../../../src/api/schemas';
import { AesGcmCodec } from '../../../src/temporal/codec';
import { testVerify } from '../../helpers/auth';
import { reviewer } from '../../helpers/builders';
import { caseView, fakeWorld } from '../../helpers/fake-services';
import { apiClient } from '../../helpers/http';

/**
 * The OpenAPI document matches what the API answers: every status a route can give is declared,
 * a method a path does not take is a 405, the decision's rules are in its schema, and the codec
 * endpoint refuses what is not a payload.
 */
type Schema = Record<string, unknown>;
interface Operation {
  security?: unknown[];
  responses: Record<string, unknown>;
  requestBody?: { content: { 'application/json': { schema: Schema } } };
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

const codec = new AesGcmCodec([{ id: 'k1', key: Buffer.alloc(32, 7) }]);
let app: FastifyInstance;
let api: ReturnType<typeof apiClient>;
let doc: Document;

beforeAll(async () => {
  const world = fakeWorld();
  world.workflows.add(caseView({ caseId: 'UC-1' }));
  app = await buildApp({ services: world.services, verify: testVerify, codec });
  api = apiClient(app);
  doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<Document>();
});
afterAll(() => app.close());

const operations = (): [string, string, Operation][] =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]): [string, string, Operation] => [path, method, op]),
  );

describe('every status a route can answer is declared', () => {
  it('each operation but the public ones needs the bearer token and declares 401 and 429; bodies 400, 413, 415; path ids 400, 414', async () => {
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
    for (const [path, method, op] of operations()) {
      const declared = Object.keys(op.responses);
      // As the API takes them: no token needed (Schemathesis found /auth/config declared otherwise).
      if (['/health', '/metrics', '/auth/config', '/auth/dev-token'].includes(path)) {
        expect({ path, security: op.security }).toEqual({ path, security: [] });
        expect({ path, declared }).toEqual({ path, declared: expect.arrayContaining(['429']) });
        continue;
      }
      expect({ path, method, security: op.security }).toEqual({ path, method, security: [{ bearerAuth: [] }] });
      expect({ path, method, declared }).toEqual({ path, method, declared: expect.arrayContaining(['401', '429']) });
      if (op.requestBody)
        expect({ path, method, declared }).toEqual({ path, method, declared: expect.arrayContaining(['400', '413', '415']) });
      if (path.includes('{'))
        expect({ path, method, declared }).toEqual({ path, method, declared: expect.arrayContaining(['400', '414']) });
    }
    expect(Object.keys(doc.paths['/cases/{id}/events']!['post']!.responses)).toContain('422');
    expect(doc.paths['/auth/config']).toBeDefined();
    expect((await app.inject({ method: 'GET', url: '/auth/config' })).statusCode).toBe(200);
  });

  it('413, 414 and 415 happen as declared, each with the error body', async () => {
    const big = await api.call('POST', '/cases/UC-1/events', {
      body: JSON.stringify({ type: 'COMPLETE_INTAKE', reason: 'x'.repeat(70_000) }),
    });
    expect(big).toMatchObject({ status: 413, body: { error: 'Payload Too Large' } });
    const long = await api.call('GET', `/cases/${'U'.repeat(1_200)}`);
    expect(long).toMatchObject({ status: 414, body: { error: 'URI Too Long' } });
    const text = await api.call('POST', '/cases/UC-1/events', {
      body: '<event type="COMPLETE_INTAKE"/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(text).toMatchObject({ status: 415, body: { error: 'Unsupported Media Type' } });
    // A long id within the router's limit is the schema's 400, which names it.
    expect(await api.get(`/cases/${'U'.repeat(300)}`)).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
  });
});

describe('a method a path does not take', () => {
  it.each([
    ['DELETE', '/cases', 'GET, HEAD, POST'],
    ['PATCH', '/cases/UC-1/events', 'POST'],
    ['TRACE', '/health', 'GET, HEAD'],
    ['PUT', '/cases/UC-1', 'GET, HEAD'],
  ])('%s %s: 405 with Allow: %s', async (method, path, allow) => {
    const reply = await api.withHeaders(method, path);
    expect({ status: reply.status, allow: reply.headers.get('allow'), code: reply.body.code }).toEqual({
      status: 405,
      allow,
      code: 'method_not_allowed',
    });
  });

  it('a method with a body (QUERY) is refused before its body is asked for', async () => {
    expect((await api.withHeaders('QUERY', '/cases/UC-1')).status).toBe(405);
  });
});

/** The JSON Schema keywords the decision body uses, evaluated as a validator would. */
function valid(schema: Schema, value: unknown): boolean {
  const s = schema as {
    type?: string;
    enum?: unknown[];
    properties?: Record<string, Schema>;
    required?: string[];
    additionalProperties?: boolean;
    anyOf?: Schema[];
    not?: Schema;
    minLength?: number;
    maxLength?: number;
    minItems?: number;
    items?: Schema;
  };
  if (s.enum && !s.enum.includes(value)) return false;
  if (s.anyOf && !s.anyOf.some((sub) => valid(sub, value))) return false;
  if (s.not && valid(s.not, value)) return false;
  if (s.type === 'string' && (typeof value !== 'string' || value.length < (s.minLength ?? 0) || value.length > (s.maxLength ?? Infinity)))
    return false;
  if (s.type === 'array' && (!Array.isArray(value) || value.length < (s.minItems ?? 0) || !value.every((v) => valid(s.items ?? {}, v))))
    return false;
  if (s.type === 'object' && (typeof value !== 'object' || value === null)) return false;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    if (s.required?.some((key) => !(key in object))) return false;
    if (s.additionalProperties === false && Object.keys(object).some((key) => !(key in (s.properties ?? {})))) return false;
    for (const [key, sub] of Object.entries(s.properties ?? {})) if (key in object && !valid(sub, object[key])) return false;
  }
  return true;
}

describe("the decision's rules are in its schema", () => {
  it('says that a reason is required for deny and remand', () => {
    const schema = doc.paths['/cases/{id}/decision']!['post']!.requestBody!.content['application/json'].schema;
    expect(schema['description']).toMatch(/^Reason required for deny and remand/);
    expect(valid(schema, { type: 'DECIDE_RELEASE', decision: 'deny' })).toBe(false);
  });

  it('a body is valid by the document exactly when the API takes it, for every combination of the fields the rules tie', () => {
    const schema = doc.paths['/cases/{id}/decision']!['post']!.requestBody!.content['application/json'].schema;
    const disagreements: string[] = [];
    let combinations = 0;
    for (const decision of ['approve', 'approve_with_services', 'deny', 'remand', 'refer_home_study'])
      for (const remandTo of [undefined, 'application', 'vetting', 'home_study'])
        for (const recheck of [undefined, ['identity']])
          for (const reason of [undefined, 'Because'])
            for (const grounds of [undefined, ['child_danger']]) {
              const body = { type: 'DECIDE_RELEASE', decision, remandTo, recheck, reason, grounds };
              for (const key of Object.keys(body) as (keyof typeof body)[]) if (body[key] === undefined) delete body[key];
              combinations += 1;
              const byDocument = valid(schema, body);
              const byApi = ReleaseDecisionBodySchema.safeParse(body).success;
              if (byDocument !== byApi) disagreements.push(`${JSON.stringify(body)}: document ${byDocument}, API ${byApi}`);
            }
    expect({ combinations, disagreements }).toEqual({ combinations: 160, disagreements: [] });
  });
});

describe('/codec/decode refuses what is not a payload', () => {
  const wire = (p: Payload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  });

  it.each([
    ['an empty payload', { payloads: [{}] }],
    ['metadata that is not base64', { payloads: [{ metadata: { encoding: 'not base64!' }, data: '' }] }],
    ['an unknown encoding', { payloads: [{ metadata: { encoding: Buffer.from('garbage').toString('base64') }, data: '' }] }],
    ['no payloads list', { garbage: true }],
  ])('%s: 400', async (_what, body) => {
    expect(await api.post('/codec/decode', body, { as: reviewer })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
  });

  it('a sealed payload whose data was tampered with: 400 naming it, not 500', async () => {
    const [sealed] = await codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') }]);
    const tampered = wire({ ...sealed!, data: Buffer.from(sealed!.data!).fill(1, 20, 24) });
    expect(await api.post('/codec/decode', { payloads: [wire(sealed!), tampered] }, { as: reviewer })).toMatchObject({
      status: 400,
      body: { code: 'invalid_request', message: expect.stringMatching(/^payloads\.1: cannot be opened/) },
    });
    const opened = await api.post<{ payloads: { data: string }[] }>('/codec/decode', { payloads: [wire(sealed!)] }, { as: reviewer });
    expect(Buffer.from(opened.body.payloads[0]!.data, 'base64').toString()).toBe('"x"');
  });
});

describe('text PostgreSQL cannot store', () => {
  it('a U+0000 anywhere in a request is refused at the door with 400 naming where, before the case sees it', async () => {
    const reply = await api.post('/cases/UC-1/events', { type: 'COMPLETE_INTAKE', reason: 'nul \u0000 here' });
    expect(reply).toEqual({
      status: 400,
      body: {
        error: 'Bad Request',
        code: 'invalid_request',
        message: 'Invalid body: reason: must not contain the character U+0000',
        issues: [{ where: 'body', path: 'reason', message: 'must not contain the character U+0000' }],
      },
    });
    expect(await api.get('/cases?careProviderId=a%00b')).toMatchObject({
      status: 400,
      body: { issues: [{ where: 'querystring', path: 'careProviderId' }] },
    });
  });
});

describe("a body key __proto__ (Schemathesis sent one in a payload's metadata)", () => {
  it('is refused with 400 naming where, on any route, and nothing runs', async () => {
    const metadata = '{"encoding":"YmluYXJ5L3BsYWlu","__proto__":""}';
    const reply = await api.post('/codec/encode', `{"payloads":[{"metadata":{"encoding":"YmluYXJ5L3BsYWlu"}},{"metadata":${metadata}}]}`, {
      as: reviewer,
    });
    const message = 'must not have the key "__proto__" (refused everywhere: it would reach object prototypes)';
    expect(reply).toEqual({
      status: 400,
      body: {
        error: 'Bad Request',
        code: 'invalid_request',
        message: `Invalid body: payloads.1.metadata: ${message}`,
        issues: [{ where: 'body', path: 'payloads.1.metadata', message }],
      },
    });
    expect(await api.post('/cases/UC-1/events', '{"type":"COMPLETE_INTAKE","__proto__":{"admin":true}}')).toMatchObject({
      status: 400,
      body: { issues: [{ where: 'body', path: '(root)', message }] },
    });
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it("the codec's open metadata says so in its schema, so that a client (or a fuzzer) does not send it", () => {
    const body = doc.paths['/codec/encode']!['post']!.requestBody!.content['application/json'].schema as {
      properties: { payloads: { items: { properties: { metadata: Schema } } } };
    };
    expect(body.properties.payloads.items.properties.metadata['not']).toEqual({ required: ['__proto__'] });
  });
});

describe('rules JSON Schema can state are in the document (Schemathesis found them missing)', () => {
  it('a comma-separated filter states its form, and a bulk list that its ids are unique', () => {
    const list = doc.paths['/cases']!['get'] as unknown as { parameters: { name: string; schema: Schema }[] };
    const level = new RegExp(list.parameters.find((p) => p.name === 'level')!.schema['pattern'] as string);
    expect(['at_risk', 'at_risk,breached', ' on_track , breached', '', 'lost', 'at_risk,'].map((text) => level.test(text))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    const bulk = doc.paths['/bulk/reassign']!['post']!.requestBody!.content['application/json'].schema as {
      properties: Record<string, Schema>;
    };
    expect(bulk.properties['caseIds']).toMatchObject({ type: 'array', uniqueItems: true });
  });
});
