// fast-check arbitraries for the bad-input sweep: valid requests generated from a route's JSON schema (the OpenAPI
// document, itself generated from the shared zod schemas), then broken in one named way per case.
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  default?: unknown;
}

export interface OperationParameter {
  in: 'path' | 'query' | 'header' | string;
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

/** One route of the OpenAPI document, reduced to what the sweep needs. */
export interface SweptRoute {
  method: string;
  /** OpenAPI form: /api/v1/chats/{id}/messages */
  path: string;
  parameters: OperationParameter[];
  /** Content types of the request body the route declares ('application/json', 'text/csv', 'image/png', …). */
  bodyTypes: string[];
  bodySchema: JsonSchema | null;
  bodyRequired: boolean;
}

export interface OpenApiOperation {
  parameters?: OperationParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

export function sweptRoutes(spec: { paths: Record<string, Record<string, OpenApiOperation>> }): SweptRoute[] {
  return Object.entries(spec.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => {
      const content = operation.requestBody?.content ?? {};
      return {
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        bodyTypes: Object.keys(content),
        bodySchema: content['application/json']?.schema ?? null,
        bodyRequired: operation.requestBody?.required ?? false,
      };
    }),
  );
}

/** A route takes input when it has path or query parameters, or a body of any kind (or is a write method). */
export const takesInput = (route: SweptRoute) =>
  route.parameters.length > 0 || route.bodyTypes.length > 0 || ['POST', 'PUT', 'PATCH'].includes(route.method);

/**
 * Where valid ids come from, by the name of the field or parameter that holds them: ids the caller has been shown
 * (in scope, so handlers run past the scope check) and ids anywhere in the database (mostly someone else's).
 */
export type IdsFor = (fieldName: string, path: string) => { inScope: string[]; anywhere: string[] };

/** JSON text inserted verbatim where this value stands (1e309, deeply nested arrays: things JSON.stringify cannot write). */
export class RawJson {
  constructor(readonly text: string) {}
}

export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const marker = (i: number) => `__sweep_raw_${i}__`;
  const text = JSON.stringify(value, (_key, inner: unknown) => {
    if (inner instanceof RawJson) {
      raws.push(inner.text);
      return marker(raws.length - 1);
    }
    return inner;
  }) ?? '';
  return raws.reduce((out, raw, i) => out.replace(`"${marker(i)}"`, () => raw), text);
}

const uuidFormat = /^[0-9a-f]{8}-/i;

/**
 * Instants and days near today (UTC midnight, so one seed draws the same values all day): the server refuses a
 * deadline in the past or a check-in day far off, and an input refused for that never reaches the handler.
 */
function daysFromToday(days: number): Date {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days));
}

/** A "YYYY-MM-DD" pattern: random digits would make month 00 or day 72, so such fields get real days near now. */
const looksLikeDayPattern = (pattern: RegExp) => pattern.test('2026-11-26') && !pattern.test('2026-1-1') && !pattern.test('x2026-11-26');

function stringArbitrary(schema: JsonSchema, fieldName: string, path: string, idsFor: IdsFor): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? Math.max(minLength, 40);
  if (schema.format === 'uuid') {
    const { inScope, anywhere } = idsFor(fieldName, path);
    const choices: fc.WeightedArbitrary<string>[] = [{ arbitrary: fc.uuid({ version: 4 }), weight: 1 }];
    // Mostly ids in the caller's scope: a body with two or three ids otherwise almost never reaches the handler.
    if (inScope.length > 0) choices.push({ arbitrary: fc.constantFrom(...inScope), weight: 8 });
    if (anywhere.length > 0) choices.push({ arbitrary: fc.constantFrom(...anywhere), weight: 1 });
    return fc.oneof(...choices);
  }
  if (schema.format === 'date-time') {
    return fc.date({ min: daysFromToday(-1), max: daysFromToday(60), noInvalidDate: true }).map((d) => d.toISOString());
  }
  if (schema.format === 'uri' || schema.format === 'url') return fc.webUrl().filter((u) => u.length <= maxLength);
  if (schema.pattern && looksLikeDayPattern(new RegExp(schema.pattern))) {
    return fc.date({ min: daysFromToday(-10), max: daysFromToday(2), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  }
  if (schema.pattern) {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= minLength && s.length <= maxLength);
  }
  const ordinary = fc.string({ minLength, maxLength: Math.min(maxLength, 80), unit: 'grapheme' }).filter((s) => s.length <= maxLength);
  // Exactly as long as the schema allows, in CJK: a column narrower than the schema would fail only here.
  return schema.maxLength !== undefined && schema.maxLength <= 20_000
    ? fc.oneof({ arbitrary: ordinary, weight: 4 }, { arbitrary: fc.constantFrom('中'.repeat(maxLength), 'x'.repeat(maxLength)), weight: 1 })
    : ordinary;
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-6) : -1e6);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-6) : 1e6);
  // The bounds themselves, often: a total or a column narrower than the schema's range overflows only there.
  const bounds = fc.constantFrom(min, max);
  if (integer) {
    const low = Math.ceil(Math.max(min, Number.MIN_SAFE_INTEGER));
    const high = Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER));
    return fc.oneof({ arbitrary: fc.integer({ min: low, max: high }), weight: 3 }, { arbitrary: fc.constantFrom(low, high), weight: 1 });
  }
  if (schema.minimum !== undefined && schema.maximum !== undefined) {
    return fc.oneof({ arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((n) => Math.round(n * 10) / 10).filter((n) => n >= min && n <= max), weight: 3 }, { arbitrary: bounds, weight: 1 });
  }
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((n) => Math.round(n * 10) / 10).filter((n) => n >= min && n <= max);
}

/** A value the schema accepts (as far as JSON Schema can say: zod refinements such as "closesAt after opensAt" are not in it). */
export function valueFromSchema(schema: JsonSchema | undefined, idsFor: IdsFor, fieldName = '', path = ''): fc.Arbitrary<unknown> {
  if (!schema) return fc.jsonValue({ maxDepth: 2 });
  const variants = schema.anyOf ?? schema.oneOf;
  let arbitrary: fc.Arbitrary<unknown>;
  if (variants) arbitrary = fc.oneof(...variants.map((v) => valueFromSchema(v, idsFor, fieldName, path)));
  else if (schema.const !== undefined) arbitrary = fc.constant(schema.const);
  else if (schema.enum) arbitrary = fc.constantFrom(...schema.enum);
  else {
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type) {
      case 'string': arbitrary = stringArbitrary(schema, fieldName, path, idsFor); break;
      case 'integer': arbitrary = numberArbitrary(schema, true); break;
      case 'number': arbitrary = numberArbitrary(schema, false); break;
      case 'boolean': arbitrary = fc.boolean(); break;
      case 'null': arbitrary = fc.constant(null); break;
      case 'array': {
        const minLength = schema.minItems ?? 0;
        arbitrary = fc.array(valueFromSchema(schema.items, idsFor, singular(fieldName), path), { minLength, maxLength: Math.min(schema.maxItems ?? 3, Math.max(minLength, 3)) });
        break;
      }
      case 'object': {
        const required = new Set(schema.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [key, inner] of Object.entries(schema.properties ?? {})) record[key] = valueFromSchema(inner, idsFor, key, path);
        const requiredKeys = Object.keys(record).filter((k) => required.has(k));
        arbitrary = fc.record(record, { requiredKeys });
        break;
      }
      default: arbitrary = fc.jsonValue({ maxDepth: 2 });
    }
  }
  return schema.nullable ? fc.oneof({ arbitrary, weight: 4 }, { arbitrary: fc.constant(null), weight: 1 }) : arbitrary;
}

const singular = (name: string) => name.replace(/Ids$/, 'Id').replace(/s$/, '');

// ---------------------------------------------------------------------------------------------------------------
// What goes wrong

export const mutationKinds = [
  'valid', 'wrong-type', 'missing-field', 'extra-field', 'huge-string', 'bad-number', 'bad-date', 'unicode', 'deep-nesting',
  'content-type', 'empty-body',
] as const;
export type MutationKind = (typeof mutationKinds)[number];

export const wrongTypeValues: unknown[] = [true, false, 0, 1.5, -7, '', 'text', [], [1, 2], {}, { a: 1 }, null, ['00000000-0000-4000-8000-000000000000'], { $gt: '' }, "'; DROP TABLE users;--"];

/** Numbers as they arrive over JSON or a query string: out of range, fractional, huge, or not numbers at all. */
export const badNumbers: unknown[] = [
  -1, -0.5, 0.5, 1.5, -0, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 1e21, -1e21, 5e-324, 99999999999999999999,
  new RawJson('1e309'), new RawJson('-1e309'), new RawJson('1e-400'), new RawJson('1E2'), new RawJson('-0.0'),
  'NaN', 'Infinity', '-Infinity', '1e309', '0x10', ' 12 ', '1_000', '١٢', null,
];

/** Strings that break naive text handling: lone surrogates, NUL and control characters, bidi and zero-width marks. */
export const unicodeEdgeStrings: string[] = [
  '\ud800', '\udfff', 'a\ud83d', '\udc00\ud800', '\u0000', 'a\u0000b', '\u202eevil\u202c', '\u200b\u200c\u200d\ufeff',
  '\u2066\u2067\u2069', '👨‍👩‍👧‍👦🏳️‍🌈', '１３８０１１１０１００', '１２３４', '０', 'e\u0301\u0301\u0301', '\uffff\ufffe', '𠀀𪚥',
  '\u0008\u001b[31m', '\r\n\t', '\u00a0', 'İı', '\u{e0041}', 'Ａ'.repeat(300),
];

/** Days and instants that parse as dates in one place and not in another: out of range, impossible, odd offsets. */
export const edgeDates: string[] = [
  '0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00+14:00', '9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59-12:00', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-26T24:00:00Z', '2026-11-26T00:00:00+14:00', '2026-11-26T00:00:00-12:00',
  '2026-11-26T00:00:00.123456789Z', '1970-01-01T00:00:00Z', '2026-11-26', '0000-00-00', '2026-02-29', '2026-02-30', '9999-12-31',
  '0001-01-01', '1900-01-01', '2026-11-26T16:00:00', '20261126', 'Thu, 26 Nov 2026 00:00:00 GMT', '2026-W48-4',
];

/** Bytes that are not what a text or image body claims: invalid UTF-8, GBK, BOMs, NUL, a JSON document. */
export const oddBytes: Buffer[] = [
  Buffer.from([0xff, 0xfe, 0x00, 0x00]), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from('楼栋,单元,房号\n1号楼,1,101\n', 'utf16le'), Buffer.from([0xb2, 0xe2, 0xca, 0xd4, 0x2c, 0x0a]), Buffer.from('\ufeff\ufeffa,b\n\u0000,\u202e\n'),
  Buffer.from('{"a":1}'), Buffer.alloc(0),
];

/** JSON text nested `depth` levels deep, arrays or objects. */
export const deeplyNested = (depth: number, kind: 'array' | 'object') =>
  new RawJson(kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** Lengths past every maxLength we declare, up to past the 1 MB body limit. */
export const hugeLengths = [10_001, 100_000, 1_100_000];

/** Where a value sits inside a request: in the body (a path of keys/indexes), a query parameter, a path parameter or a header. */
export type Location =
  | { in: 'body'; at: (string | number)[] }
  | { in: 'query' | 'path' | 'header'; name: string };

export interface RequestInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  /** undefined: no body. */
  body: unknown;
  /** How the body is sent. */
  contentType: string | null;
  /** Already serialised body (overrides `body`). */
  rawBody?: string | Buffer;
}

export interface SweepCase {
  kind: MutationKind;
  /** What was broken, in words (field, value summary). */
  detail: string;
  input: RequestInput;
}

/** A valid request for the route (body from its schema, ids from the database). */
export function validInput(route: SweptRoute, idsFor: IdsFor): fc.Arbitrary<RequestInput> {
  const byPlace = (place: string) => route.parameters.filter((p) => p.in === place);
  const paramsRecord = (place: string, optional: boolean) => {
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    // Cursors are opaque tokens the server issues: a generated one is only ever refused, so valid requests start without.
    for (const p of byPlace(place)) if (p.name !== 'cursor') record[p.name] = valueFromSchema(p.schema, idsFor, p.name === 'id' ? '' : p.name, route.path);
    const requiredKeys = byPlace(place).filter((p) => p.name in record && (!optional || p.required)).map((p) => p.name);
    return fc.record(record, { requiredKeys });
  };
  const jsonBody = route.bodySchema ? valueFromSchema(route.bodySchema, idsFor, '', route.path) : fc.constant(undefined);
  const binaryType = route.bodyTypes.find((type) => type !== 'application/json');
  const binaryBody = binaryType?.startsWith('text/')
    ? fc.array(fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 5 }).map((cells) => cells.join(',')), { maxLength: 5 }).map((lines) => Buffer.from(lines.join('\n')))
    : fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(bytes)]));
  return fc.record({
    params: paramsRecord('path', false),
    query: paramsRecord('query', true),
    headers: paramsRecord('header', true).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]))),
    body: route.bodySchema ? jsonBody : binaryType ? binaryBody : fc.constant(undefined),
  }).map(({ params, query, headers, body }) => ({
    params, query, headers, body,
    contentType: route.bodySchema ? 'application/json' : binaryType ?? null,
  }));
}

/** Every place in a JSON value (the root included), as key paths. */
function placesIn(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((inner, i) => placesIn(inner, [...at, i], out));
  else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, inner] of Object.entries(value)) placesIn(inner, [...at, key], out);
  }
  return out;
}

function setAt(root: unknown, at: (string | number)[], value: unknown, remove = false): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at as [string | number, ...(string | number)[]];
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  if (rest.length === 0 && remove) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else copy[head] = setAt(copy[head], rest, value, remove);
  return copy;
}

function getAt(root: unknown, at: (string | number)[]): unknown {
  return at.reduce<any>((inner, key) => (inner == null ? undefined : inner[key]), root);
}

/** All places a value can be replaced: body places (JSON bodies only), query, path parameters, headers. */
function locationsOf(route: SweptRoute, input: RequestInput): Location[] {
  const body: Location[] = input.contentType === 'application/json' && input.body !== undefined
    ? placesIn(input.body).map((at) => ({ in: 'body', at }))
    : Buffer.isBuffer(input.body) ? [{ in: 'body', at: [] }] : [];
  return [
    ...body,
    ...route.parameters.filter((p) => p.in === 'query' || p.in === 'path' || p.in === 'header').map((p) => ({ in: p.in as 'query', name: p.name })),
  ];
}

const describe = (location: Location) => (location.in === 'body' ? `body.${location.at.join('.') || '(root)'}` : `${location.in}.${location.name}`);

function replace(input: RequestInput, location: Location, value: unknown): RequestInput {
  if (location.in === 'body') return { ...input, body: setAt(input.body, location.at, value) };
  if (location.in === 'path') return { ...input, params: { ...input.params, [location.name]: value } };
  if (location.in === 'query') return { ...input, query: { ...input.query, [location.name]: value } };
  return { ...input, headers: { ...input.headers, [location.name]: typeof value === 'string' ? value : toJsonText(value) } };
}

/** A short, printable account of a value (huge strings and deep nesting summarised). */
export function summarise(value: unknown): string {
  if (value instanceof RawJson) return value.text.length > 60 ? `raw ${value.text.slice(0, 20)}…(${value.text.length} chars)` : `raw ${value.text}`;
  if (typeof value === 'string') return value.length > 60 ? `"${value.slice(0, 10)}…"(${value.length} chars)` : JSON.stringify(value);
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  const text = toJsonText(value);
  return text.length > 120 ? `${text.slice(0, 120)}…(${text.length} chars)` : text;
}

function currentValue(input: RequestInput, location: Location): unknown {
  if (location.in === 'body') return getAt(input.body, location.at);
  if (location.in === 'path') return input.params[location.name];
  return location.in === 'query' ? input.query[location.name] : input.headers[location.name];
}

function pick<T>(items: readonly T[]): fc.Arbitrary<T> {
  return fc.nat({ max: items.length - 1 }).map((i) => items[i]!);
}

/** `input` broken in the way `kind` names. */
function mutate(route: SweptRoute, input: RequestInput, kind: MutationKind): fc.Arbitrary<SweepCase> {
  const locations = locationsOf(route, input);
  const stringLocations = locations.filter((l) => l.in !== 'body' || typeof getAt(input.body, l.at) === 'string' || Buffer.isBuffer(getAt(input.body, l.at)));
  const leafLocations = locations.filter((l) => l.in !== 'body' || getAt(input.body, l.at) === null || typeof getAt(input.body, l.at) !== 'object');
  const replacing = (where: Location[], values: fc.Arbitrary<unknown>) =>
    where.length === 0
      ? null
      : fc.tuple(pick(where), values).map(([location, value]) => ({ kind, detail: `${describe(location)} = ${summarise(value)}`, input: replace(input, location, value) }));
  const fallback = (why: string) => fc.constant<SweepCase>({ kind, detail: `(no place to break: ${why}; sent valid)`, input });
  const isWrite = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method);

  switch (kind) {
    case 'valid':
      return fc.constant({ kind, detail: 'as generated', input });
    case 'wrong-type':
      return replacing(locations, pick(wrongTypeValues)) ?? fallback('no fields');
    case 'missing-field': {
      const removable: { label: string; input: RequestInput }[] = [];
      for (const location of locations) {
        if (location.in === 'body' && location.at.length > 0) removable.push({ label: describe(location), input: { ...input, body: setAt(input.body, location.at, undefined, true) } });
        if (location.in === 'query') removable.push({ label: describe(location), input: { ...input, query: { ...input.query, [location.name]: undefined } } });
        if (location.in === 'header') removable.push({ label: describe(location), input: { ...input, headers: Object.fromEntries(Object.entries(input.headers).filter(([k]) => k !== location.name)) } });
        if (location.in === 'path') removable.push({ label: `${describe(location)} (empty segment)`, input: { ...input, params: { ...input.params, [location.name]: '' } } });
      }
      if (input.body !== undefined && input.contentType === 'application/json') removable.push({ label: 'body = {}', input: { ...input, body: {} } });
      return removable.length === 0 ? fallback('nothing to remove') : pick(removable).map(({ label, input: broken }) => ({ kind, detail: `without ${label}`, input: broken }));
    }
    case 'extra-field': {
      const extraKeys = ['__proto__', 'constructor', 'prototype', 'id', 'role', 'isAdmin', 'communityId', 'status', 'seq', '$where', 'x'.repeat(300), '', '\u0000key'];
      const objects = locations.filter((l) => l.in === 'body' && getAt(input.body, l.at) !== null && typeof getAt(input.body, l.at) === 'object' && !Array.isArray(getAt(input.body, l.at)));
      const bodyExtra = objects.length === 0 ? null : fc.tuple(pick(objects), pick(extraKeys), fc.oneof(pick(wrongTypeValues), fc.constant({ polluted: true }))).map(([location, key, value]): SweepCase => {
        const at = (location as { at: (string | number)[] }).at;
        // Assigned with defineProperty so "__proto__" becomes an own key that JSON.stringify writes out.
        const target = { ...(getAt(input.body, at) as object) };
        Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
        return { kind, detail: `${describe(location)}["${key.slice(0, 20)}"] = ${summarise(value)}`, input: { ...input, body: setAt(input.body, at, target) } };
      });
      const queryExtra = fc.tuple(pick(extraKeys.filter(Boolean)), pick(['1', 'true', '[]', '{"a":1}'])).map(([key, value]): SweepCase => ({
        kind, detail: `query["${key.slice(0, 20)}"] = ${value}`, input: { ...input, query: { ...input.query, [key]: value } },
      }));
      return bodyExtra ? fc.oneof(bodyExtra, queryExtra) : queryExtra;
    }
    case 'huge-string': {
      const huge = pick(hugeLengths).chain((n) => pick(['x', '中', '😀']).map((unit) => unit.repeat(Math.ceil(n / unit.length))));
      // A 1 MB string cannot go in a URL (the router answers 414 long before): path and query get up to 100 000.
      const where = stringLocations.length > 0 ? stringLocations : leafLocations;
      return where.length === 0
        ? fallback('no string fields')
        : fc.tuple(pick(where), huge).map(([location, value]) => {
            const fitted = location.in === 'body' ? (Buffer.isBuffer(input.body) ? Buffer.from(value) : value) : value.slice(0, 100_000);
            return { kind, detail: `${describe(location)} = ${summarise(fitted)}`, input: replace(input, location, fitted) };
          });
    }
    case 'bad-number':
      return replacing(leafLocations, pick(badNumbers)) ?? fallback('no fields');
    case 'bad-date': {
      const dated = stringLocations.filter((l) => /^\d{4}-\d{2}-\d{2}/.test(String(currentValue(input, l) ?? '')));
      return replacing(dated.length > 0 ? dated : stringLocations, pick(edgeDates)) ?? fallback('no string fields');
    }
    case 'unicode': {
      if (Buffer.isBuffer(input.body) && locations.length === 1) {
        return fc.oneof(pick(oddBytes), pick(unicodeEdgeStrings).map((edge) => Buffer.from(edge))).map((bytes) => ({ kind, detail: `body = ${summarise(bytes)} ${bytes.toString('hex').slice(0, 40)}`, input: { ...input, body: bytes } }));
      }
      const values = fc.tuple(pick(unicodeEdgeStrings), fc.boolean()).chain(([edge, appended]) => fc.constant({ edge, appended }));
      return stringLocations.length === 0
        ? fallback('no string fields')
        : fc.tuple(pick(stringLocations), values).map(([location, { edge, appended }]) => {
            const current = currentValue(input, location);
            const value = appended && typeof current === 'string' ? `${current}${edge}` : edge;
            return { kind, detail: `${describe(location)} = ${summarise(value)}`, input: replace(input, location, value) };
          });
    }
    case 'deep-nesting': {
      const nested = fc.tuple(pick([64, 1_000, 10_000, 100_000]), pick(['array', 'object'] as const)).map(([depth, shape]) => deeplyNested(depth, shape));
      const bodyPlaces = locations.filter((l) => l.in === 'body');
      if (bodyPlaces.length > 0) return replacing(bodyPlaces, nested)!;
      // No JSON body to nest into: send a nested JSON body anyway (the route must refuse it, not crash).
      return nested.map((value) => ({ kind, detail: `body = ${summarise(value)} as JSON`, input: { ...input, body: value, contentType: 'application/json' } }));
    }
    case 'content-type': {
      const others = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/json', 'application/xml', 'application/json; charset=utf-16', 'image/png', 'text/csv', '', 'application/json, text/plain', 'application/vnd.api+json'];
      const otherType = pick(others.filter((type) => type !== input.contentType)).map((contentType) => ({
        kind,
        detail: `sent as ${contentType || '(no content-type)'} instead of ${input.contentType ?? '(no body)'}`,
        input: { ...input, contentType, body: input.body ?? (isWrite ? { a: 1 } : undefined) },
      }));
      // A multipart body its parser cannot read: the upload route must refuse it as the caller's fault.
      const brokenMultipart = pick([
        { label: 'multipart without a boundary', contentType: 'multipart/form-data', rawBody: 'garbage' },
        { label: 'multipart cut off inside its file', contentType: `multipart/form-data; boundary=${multipartBoundary}`, rawBody: `--${multipartBoundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG` },
      ]).map((broken) => ({ kind, detail: `sent as ${broken.label}`, input: { ...input, body: undefined, contentType: broken.contentType, rawBody: broken.rawBody } }));
      return fc.oneof({ arbitrary: otherType, weight: 3 }, { arbitrary: brokenMultipart, weight: 1 });
    }
    case 'empty-body': {
      const variants: { label: string; input: RequestInput }[] = [
        { label: `empty body as ${input.contentType ?? 'application/json'}`, input: { ...input, body: undefined, rawBody: '', contentType: input.contentType ?? 'application/json' } },
        { label: 'no body, no content-type', input: { ...input, body: undefined, contentType: null } },
        { label: 'body "null"', input: { ...input, rawBody: 'null', contentType: 'application/json' } },
        { label: 'body "{"', input: { ...input, rawBody: '{', contentType: 'application/json' } },
        { label: 'body "  "', input: { ...input, rawBody: '  ', contentType: 'application/json' } },
      ];
      return pick(variants).map(({ label, input: broken }) => ({ kind, detail: label, input: broken }));
    }
  }
}

/** How often each kind is drawn: valid inputs rarely (they are the control), each way of breaking them equally. */
const kindWeights: Record<MutationKind, number> = {
  'valid': 1, 'wrong-type': 2, 'missing-field': 2, 'extra-field': 2, 'huge-string': 2, 'bad-number': 2, 'bad-date': 1, 'unicode': 2,
  'deep-nesting': 1, 'content-type': 2, 'empty-body': 1,
};

export function sweepCase(route: SweptRoute, idsFor: IdsFor): fc.Arbitrary<SweepCase> {
  const kind = fc.oneof(...mutationKinds.map((k) => ({ arbitrary: fc.constant(k), weight: kindWeights[k] })));
  return fc.tuple(validInput(route, idsFor), kind).chain(([input, k]) => mutate(route, input, k));
}

// ---------------------------------------------------------------------------------------------------------------
// Onto the wire

/** Percent-encoding that also writes lone surrogates (as the WTF-8 bytes a sloppy client would send). */
export function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    let bytes: Buffer;
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      bytes = Buffer.from(text.slice(i, i + 2), 'utf8');
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      bytes = Buffer.from([0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]);
    } else if (/[A-Za-z0-9\-_.~]/.test(text[i]!)) {
      out += text[i];
      continue;
    } else bytes = Buffer.from(text[i]!, 'utf8');
    for (const b of bytes) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : value instanceof RawJson ? value.text : toJsonText(value));

export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

const multipartBoundary = '----linliSweepBoundary7MA4YWxkTrZu0gW';

/** The request as bytes on the wire: URL with encoded parameters and query, body serialised for its content type. */
export function toWire(route: SweptRoute, input: RequestInput): WireRequest {
  const path = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => percentEncode(asText(input.params[name] ?? '')));
  const query = Object.entries(input.query).flatMap(([key, value]) => {
    if (value === undefined) return [];
    const values = Array.isArray(value) ? value : [value];
    return values.map((v) => `${percentEncode(key)}=${percentEncode(asText(v))}`);
  });
  const url = query.length > 0 ? `${path}?${query.join('&')}` : path;
  const headers: Record<string, string> = { ...input.headers };
  // Header values must be latin-1 on the wire: anything else is replaced, as an HTTP client would refuse to send it.
  for (const [key, value] of Object.entries(headers)) headers[key] = value.replace(/[^\x20-\x7e]/g, '?');
  if (input.rawBody !== undefined) {
    if (input.contentType) headers['content-type'] = input.contentType;
    return { method: route.method, url, headers, payload: input.rawBody };
  }
  if (input.body === undefined || input.contentType === null) {
    if (input.contentType) headers['content-type'] = input.contentType;
    return { method: route.method, url, headers };
  }
  const type = input.contentType;
  const body = input.body;
  let payload: string | Buffer;
  if (Buffer.isBuffer(body)) payload = body;
  else if (typeof body === 'string' && !type.includes('json')) payload = body;
  else if (type.startsWith('application/x-www-form-urlencoded')) {
    payload = body !== null && typeof body === 'object' && !Array.isArray(body)
      ? Object.entries(body).map(([k, v]) => `${percentEncode(k)}=${percentEncode(asText(v))}`).join('&')
      : percentEncode(asText(body));
  } else if (type.startsWith('multipart/form-data')) {
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? Object.entries(body) : [['value', body] as [string, unknown]];
    const parts = fields.map(([k, v]) => `--${multipartBoundary}\r\nContent-Disposition: form-data; name="${k.replace(/"/g, '')}"\r\n\r\n${asText(v)}\r\n`);
    parts.push(`--${multipartBoundary}\r\nContent-Disposition: form-data; name="file"; filename="a.json"\r\nContent-Type: application/json\r\n\r\n${toJsonText(body)}\r\n`);
    payload = `${parts.join('')}--${multipartBoundary}--\r\n`;
    headers['content-type'] = `multipart/form-data; boundary=${multipartBoundary}`;
    return { method: route.method, url, headers, payload };
  } else payload = toJsonText(body);
  if (type) headers['content-type'] = type;
  return { method: route.method, url, headers, payload };
}
