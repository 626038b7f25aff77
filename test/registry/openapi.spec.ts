import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { startTestServer, type TestServer } from '../support/test-server';
import { request } from '../support/http';
import {
  CreateUnitDto,
  ImportProvinceDto,
  UnitChildrenQuery,
  UnitQuery,
} from '../../apps/server/src/registry/units/unit.dto';
import {
  CreateStationDto,
  StationQuery,
  UpdateStationDto,
} from '../../apps/server/src/registry/stations/station.dto';
import {
  ClusterQuery,
  CreateClusterDto,
  UpdateClusterDto,
} from '../../apps/server/src/registry/clusters/cluster.dto';
import { ClusterImportQuery } from '../../apps/server/src/registry/clusters/cluster-import.dto';
import { createCluster, createVillage, importLangSon } from './fixtures';

interface Schema {
  properties?: Record<string, Schema>;
  $ref?: string;
  allOf?: Schema[];
  items?: Schema;
}
interface OpenApi {
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>
  >;
  components: { schemas: Record<string, Schema> };
}

const validated = (dto: new () => object) =>
  [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto, '', false, false)
        .map((m) => m.propertyName),
    ),
  ].sort();

/** The OpenAPI document must describe everything the registry accepts and returns (no CLI plugin fills it in). */
describe('registry: OpenAPI description', () => {
  let server: TestServer;
  let doc: OpenApi;
  const schema = (name: string) => doc.components.schemas[name];
  const refName = (s: Schema | undefined) =>
    (s?.$ref ?? s?.allOf?.[0]?.$ref ?? s?.items?.$ref)?.split('/').pop();

  /** Every key of `value` (recursively, through referenced schemas) is a documented property of `name`. */
  function undocumented(value: unknown, name: string, path = name): string[] {
    if (value === null || typeof value !== 'object') return [];
    const props = schema(name)?.properties ?? {};
    const out: string[] = [];
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      const prop = props[key];
      if (!prop) {
        out.push(`${path}.${key}`);
        continue;
      }
      const nested = refName(prop);
      if (!nested) continue;
      const values = Array.isArray(inner) ? inner : [inner];
      for (const v of values) out.push(...undocumented(v, nested, `${path}.${key}`));
    }
    return out;
  }

  beforeAll(async () => {
    server = await startTestServer();
    doc = (await request<OpenApi>('GET', server.url('/api/docs-json'))).body;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('names every API schema class once (Swagger keeps one schema per class name)', () => {
    const root = join(__dirname, '../../apps/server/src');
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const file of readdirSync(root, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
      const text = readFileSync(join(root, file), 'utf8');
      if (!text.includes('@nestjs/swagger')) continue;
      for (const [, name] of text.matchAll(/^export class (\w+)/gm)) {
        if (seen.has(name)) twice.push(`${name}: ${seen.get(name)} and ${file}`);
        else seen.set(name, file);
      }
    }
    expect(twice).toEqual([]);
  });

  it('lists every registry route with its method', () => {
    const routes = Object.entries(doc.paths)
      .filter(
        ([path]) =>
          /^\/api\/v1\/(units|stations|clusters)/.test(path) && !/commands|telemetry|manifest/.test(path),
      )
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(routes).toEqual(
      [
        'GET /api/v1/units',
        'POST /api/v1/units',
        'POST /api/v1/units/import',
        'GET /api/v1/units/{id}',
        'GET /api/v1/units/{id}/children',
        'GET /api/v1/stations',
        'POST /api/v1/stations',
        'GET /api/v1/stations/{id}',
        'PATCH /api/v1/stations/{id}',
        'DELETE /api/v1/stations/{id}',
        'GET /api/v1/clusters',
        'GET /api/v1/clusters/map',
        'POST /api/v1/clusters',
        'POST /api/v1/clusters/import',
        'GET /api/v1/clusters/{id}',
        'GET /api/v1/clusters/{id}/stream',
        'PATCH /api/v1/clusters/{id}',
        'DELETE /api/v1/clusters/{id}',
        'POST /api/v1/clusters/{id}/credential/rotate',
      ].sort(),
    );
  });

  it.each([
    ['CreateUnitDto', CreateUnitDto],
    ['ImportProvinceDto', ImportProvinceDto],
    ['CreateStationDto', CreateStationDto],
    ['UpdateStationDto', UpdateStationDto],
    ['CreateClusterDto', CreateClusterDto],
    ['UpdateClusterDto', UpdateClusterDto],
  ] as const)('documents every field %s accepts', (name, dto) => {
    expect(Object.keys(schema(name).properties ?? {}).sort()).toEqual(validated(dto));
  });

  it.each([
    ['/api/v1/units', UnitQuery],
    ['/api/v1/units/{id}/children', UnitChildrenQuery],
    ['/api/v1/stations', StationQuery],
    ['/api/v1/clusters', ClusterQuery],
  ] as const)('documents every query parameter of GET %s', (path, dto) => {
    const names = (doc.paths[path].get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(names.sort()).toEqual(validated(dto));
  });

  it('documents the query parameters of the CSV import', () => {
    const names = (doc.paths['/api/v1/clusters/import'].post.parameters ?? []).map((p) => p.name);
    expect(names.sort()).toEqual(validated(ClusterImportQuery));
  });

  it('documents every field the registry returns', async () => {
    const { byCode } = await importLangSon(server);
    const commune = await byCode('05971');
    const village = await createVillage(server, commune.id, 'DOC-01', 'Khối 1');
    const station = await request('POST', server.url('/api/v1/stations'), {
      communeId: commune.id,
      name: 'Đài',
    });
    const created = await createCluster(server, {
      code: 'DOC-1',
      name: 'Cụm',
      kind: 'ip',
      communeId: commune.id,
      villageId: village.id,
      latitude: 21,
      longitude: 106,
    });
    const id = created.cluster.id;
    const responses: [unknown, string][] = [
      [
        (await request('POST', server.url('/api/v1/units/import'), { provinceCode: '20' })).body,
        'ProvinceImportResult',
      ],
      [(await request('GET', server.url('/api/v1/units?level=commune&pageSize=1'))).body, 'UnitPage'],
      [(await request('GET', server.url(`/api/v1/units/${commune.id}`))).body, 'UnitDetailView'],
      [village, 'UnitView'],
      [station.body, 'StationView'],
      [(await request('GET', server.url('/api/v1/stations'))).body, 'StationPage'],
      [created, 'CreatedClusterView'],
      [(await request('GET', server.url('/api/v1/clusters'))).body, 'ClusterPage'],
      [(await request('GET', server.url(`/api/v1/clusters/${id}`))).body, 'ClusterDetailView'],
      [
        (await request('POST', server.url(`/api/v1/clusters/${id}/credential/rotate`))).body,
        'RotatedCredentialView',
      ],
      [
        (
          await request(
            'POST',
            server.url('/api/v1/clusters/import?partial=true'),
            'code,name,kind,commune_code\nDOC-2,Cụm,ip,05971\nDOC-3,Cụm,xyz,05971\n',
            {
              'content-type': 'text/csv',
            },
          )
        ).body,
        'ClusterImportResult',
      ],
    ];
    const missing = responses.flatMap(([body, name]) => undocumented(body, name));
    expect(missing).toEqual([]);
    // The live part of a cluster is described too (checked on a populated value).
    expect(
      undocumented(
        {
          online: true,
          since: null,
          lastSeenAt: null,
          hello: null,
          telemetry: null,
          telemetryAt: null,
          faults: [{ code: 'x', since: '', detail: null }],
        },
        'ClusterLiveView',
      ),
    ).toEqual([]);
  });
});
