import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { SimCredential } from './fleet';

/**
 * Creates simulated clusters through the server's HTTP API, the way an installer would register real
 * hardware: look the commune up, then POST one IP cluster per device and keep the MQTT credential.
 */

// Only the fields the simulator relies on; the server may send more.
const UnitPageSchema = Type.Object({
  items: Type.Array(
    Type.Object({ id: Type.String({ minLength: 1 }), code: Type.String(), name: Type.String() }),
  ),
});
const CreatedClusterSchema = Type.Object({
  cluster: Type.Object({ id: Type.String({ minLength: 1 }), code: Type.String() }),
  credential: Type.Object({
    username: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1 }),
    clientId: Type.String({ minLength: 1 }),
    brokerUrl: Type.Optional(Type.String()),
  }),
});

export type CommuneUnit = Static<typeof UnitPageSchema>['items'][number];

export interface ProvisionedCluster extends SimCredential {
  code: string;
  brokerUrl?: string;
}

export interface ApiOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:3000 */
  apiUrl: string;
  /** Value of the Authorization header, e.g. "Bearer …" (an API key as `Bearer lxk_…`, or an access token). */
  authorization?: string;
  /** Injected for tests; default global fetch. */
  fetchImpl?: typeof fetch;
}

export interface ProvisionOptions extends ApiOptions {
  /** Official code of the commune (5 digits in the 2025 list). */
  communeCode: string;
  count: number;
  /** Cluster codes are `${codePrefix}-${number}`. Default `SIM-${communeCode}`. */
  codePrefix?: string;
  /** First number used in codes (continue after clusters provisioned earlier). Default 1. */
  startNumber?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Called after each created cluster (progress output). */
  onCreated?: (cluster: ProvisionedCluster, done: number) => void;
}

export class ProvisionError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: string,
  ) {
    super(message);
    this.name = 'ProvisionError';
  }
}

export async function findCommune(options: ApiOptions, communeCode: string): Promise<CommuneUnit> {
  const url = `${trimSlash(options.apiUrl)}/api/v1/units?level=commune&code=${encodeURIComponent(communeCode)}`;
  const page = await request(options, 'GET', url, undefined, 200, UnitPageSchema);
  const unit = page.items.find((item) => item.code === communeCode) ?? page.items[0];
  if (!unit) throw new ProvisionError(`no commune with code ${communeCode}`);
  return unit;
}

export async function createCluster(
  options: ApiOptions,
  body: { code: string; name: string; communeId: string },
): Promise<ProvisionedCluster> {
  const url = `${trimSlash(options.apiUrl)}/api/v1/clusters`;
  const created = await request(options, 'POST', url, { ...body, kind: 'ip' }, 201, CreatedClusterSchema);
  const { cluster, credential } = created;
  // The contract makes the registry id the MQTT username and client id; anything else would break topic ACLs.
  if (credential.username !== cluster.id || credential.clientId !== cluster.id) {
    throw new ProvisionError(
      `cluster ${cluster.code}: credential username/clientId (${credential.username}/${credential.clientId}) ` +
        `differ from the cluster id ${cluster.id}, which the device contract requires`,
    );
  }
  return {
    clusterId: cluster.id,
    code: cluster.code,
    secret: credential.password,
    ...(credential.brokerUrl ? { brokerUrl: credential.brokerUrl } : {}),
  };
}

/** Creates `count` IP clusters in one commune; stops at the first failure (already created ones are returned in the error). */
export async function provisionClusters(options: ProvisionOptions): Promise<ProvisionedCluster[]> {
  const commune = await findCommune(options, options.communeCode);
  const prefix = options.codePrefix ?? `SIM-${options.communeCode}`;
  const first = options.startNumber ?? 1;
  const created: ProvisionedCluster[] = new Array(options.count);
  let next = 0;
  let done = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < options.count) {
      const index = next++;
      const code = `${prefix}-${String(first + index).padStart(4, '0')}`;
      try {
        created[index] = await createCluster(options, {
          code,
          name: `Simulated cluster ${code}`,
          communeId: commune.id,
        });
        options.onCreated?.(created[index], ++done);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, options.count));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) {
    throw new PartialProvisionError(failure, created.filter(Boolean));
  }
  return created;
}

/** Provisioning failed part-way: `created` holds the clusters that exist now, so they can still be saved. */
export class PartialProvisionError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly created: ProvisionedCluster[],
  ) {
    super(
      `provisioning failed after ${created.length} cluster(s): ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'PartialProvisionError';
  }
}

async function request<S extends TSchema>(
  options: ApiOptions,
  method: 'GET' | 'POST',
  url: string,
  body: unknown,
  expectedStatus: number,
  schema: S,
): Promise<Static<S>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.authorization) headers.authorization = options.authorization;
  const doFetch = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ProvisionError(`${method} ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  if (response.status !== expectedStatus) {
    throw new ProvisionError(
      `${method} ${url}: HTTP ${response.status} (expected ${expectedStatus}): ${text.slice(0, 500)}`,
      response.status,
      text,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProvisionError(`${method} ${url}: response is not JSON`, response.status, text);
  }
  if (!Value.Check(schema, parsed)) {
    const first = Value.Errors(schema, parsed).First();
    throw new ProvisionError(
      `${method} ${url}: unexpected response shape (${first ? `${first.path}: ${first.message}` : '?'})`,
      response.status,
      text,
    );
  }
  return parsed;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
