import {
  BadRequestException,
  ConflictException,
  Injectable,
  UnprocessableEntityException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { UNIT_ERAS, type AdminUnit, type UnitEra } from '@loa-xa/persistence';
import { flattenValidationErrors, validationFailed } from '../../common/validation';
import { textProblem } from '../../common/text';
import { BrokerService } from '../../broker/broker.service';
import { CredentialsService, type IssuedCredential } from '../credentials.service';
import { FleetView } from '../../fleet/fleet-view.service';
import { isUniqueViolation } from '../errors';
import { StationsRepository } from '../stations/stations.repository';
import { UnitsRepository } from '../units/units.repository';
import { ClusterFieldsDto } from './cluster.dto';
import type {
  ClusterImportResult,
  CsvRowError,
  ImportedCluster,
  ImportedCredential,
} from './cluster-import.dto';
import { AuditService, diff } from '../../audit/audit.service';
import { pathInScope, type Principal } from '../../access/scope';
import { ClustersRepository, type NewCluster } from './clusters.repository';
import { CLUSTER_AUDITED_FIELDS, ipConnectedError, positionErrors } from './clusters.service';

/** Columns of the import file. `commune_code` is a GSO code of the era in `era` (default pre_2025). */
export const CSV_COLUMNS = [
  'code',
  'name',
  'kind',
  'lifecycle',
  'commune_code',
  'village_code',
  'latitude',
  'longitude',
  'address',
  'vendor',
  'model',
  'firmware',
  'serial',
  'msisdn',
  'iccid',
  'installed_on',
  'notes',
  'era',
  'ip_connected',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
export const REQUIRED_COLUMNS: readonly Column[] = ['code', 'name', 'kind', 'commune_code'];

/** Column → field of ClusterFieldsDto, validated with exactly the rules of the API. */
const FIELD_OF_COLUMN: Partial<Record<Column, keyof ClusterFieldsDto>> = {
  code: 'code',
  name: 'name',
  kind: 'kind',
  lifecycle: 'lifecycle',
  latitude: 'latitude',
  longitude: 'longitude',
  address: 'address',
  vendor: 'vendor',
  model: 'model',
  firmware: 'firmware',
  serial: 'serial',
  msisdn: 'msisdn',
  iccid: 'iccid',
  installed_on: 'installedOn',
  notes: 'notes',
  ip_connected: 'ipConnected',
};
const COLUMN_OF_FIELD = new Map(
  Object.entries(FIELD_OF_COLUMN).map(([column, field]) => [field as string, column]),
);

/** The part of a multer file the import reads (no @types/multer in the project). */
export interface UploadedCsv {
  buffer: Buffer;
  size: number;
  originalname?: string;
}

export interface CsvUpload {
  contentType?: string;
  body: unknown;
  file?: UploadedCsv;
}

interface Line {
  line: number;
  fields: string[];
}

interface Candidate {
  line: number;
  era: UnitEra;
  fields: ClusterFieldsDto;
  communeCode?: string;
  villageCode?: string;
  errors: CsvRowError[];
  commune?: AdminUnit;
  village?: AdminUnit;
}

const NO_CSV =
  'no CSV received: send it as the request body with Content-Type: text/csv, or as the multipart/form-data field "file"';

/**
 * Bulk registration of clusters from a spreadsheet. Every row is checked with the rules of the API (the same
 * DTO) plus what only the registry knows (commune and village exist, codes are new); by default one bad row
 * means nothing is written and every problem is reported by line and column. The write is one transaction of
 * multi-row INSERTs; IP clusters get their MQTT credentials in the same transaction, also batched.
 */
@Injectable()
export class ClusterImportService {
  constructor(
    private readonly clusters: ClustersRepository,
    private readonly units: UnitsRepository,
    private readonly stations: StationsRepository,
    private readonly broker: BrokerService,
    private readonly fleet: FleetView,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditService,
  ) {}

  importUpload(
    principal: Principal,
    upload: CsvUpload,
    options: { partial: boolean; dryRun: boolean },
  ): Promise<ClusterImportResult> {
    return this.importCsv(principal, csvText(upload), options);
  }

  async importCsv(
    principal: Principal,
    text: string,
    options: { partial: boolean; dryRun: boolean },
  ): Promise<ClusterImportResult> {
    const lines = readCsv(text);
    if (lines.length === 0) throw headerError('the CSV is empty: the first line must name the columns');
    const header = readHeader(lines[0].fields);
    const rows = lines.slice(1).filter((row) => row.fields.some((f) => f !== ''));
    if (rows.length === 0) throw new BadRequestException('the CSV has a header but no rows');

    const candidates = await Promise.all(rows.map((row) => this.checkRow(header, row)));
    await this.checkAgainstRegistry(principal, candidates);
    const errors = candidates.flatMap((c) => c.errors).sort((a, b) => a.line - b.line);
    const good = candidates.filter((c) => c.errors.length === 0);
    const result = { rows: rows.length, errors };

    if (errors.length > 0 && (!options.partial || good.length === 0)) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `${new Set(errors.map((e) => e.line)).size} of ${rows.length} row(s) have errors; nothing was imported`,
        imported: 0,
        ...result,
      });
    }
    if (options.dryRun) return { imported: 0, ...result, clusters: [], credentials: [], dryRun: true };
    return { ...(await this.write(principal, good)), ...result };
  }

  /** Checks one row on its own: column count, era, and every field with the API's rules. */
  private async checkRow(header: Column[], row: Line): Promise<Candidate> {
    const errors: CsvRowError[] = [];
    const error = (field: string, rule: string, message: string) =>
      errors.push({ line: row.line, field, rule, message });
    if (row.fields.length !== header.length) {
      error(
        'row',
        'columnCount',
        `the line has ${row.fields.length} fields, the header has ${header.length}`,
      );
      return { line: row.line, era: 'pre_2025', fields: new ClusterFieldsDto(), errors };
    }
    const cells = new Map<Column, string>();
    header.forEach((column, i) => {
      if (row.fields[i] !== '') cells.set(column, row.fields[i]);
    });
    for (const column of REQUIRED_COLUMNS)
      if (!cells.has(column)) error(column, 'required', `${column} is required`);

    const eraCell = cells.get('era');
    let era: UnitEra = 'pre_2025';
    if (eraCell !== undefined) {
      if ((UNIT_ERAS as readonly string[]).includes(eraCell)) era = eraCell as UnitEra;
      else error('era', 'isIn', `era must be one of ${UNIT_ERAS.join(', ')}`);
    }

    const plain: Record<string, unknown> = {};
    for (const [column, field] of Object.entries(FIELD_OF_COLUMN) as [Column, string][]) {
      const cell = cells.get(column);
      if (cell !== undefined) plain[field] = cellValue(column, cell);
    }
    const fields = plainToInstance(ClusterFieldsDto, plain);
    const reported = new Set(errors.map((e) => e.field));
    for (const e of flattenValidationErrors(
      await validate(fields, { whitelist: true, forbidNonWhitelisted: true }),
    )) {
      const column = COLUMN_OF_FIELD.get(e.field) ?? e.field;
      if (!reported.has(column)) error(column, e.rule, e.message.replace(e.field, column));
    }
    for (const e of positionErrors(fields.latitude ?? null, fields.longitude ?? null))
      if (!reported.has(e.field)) error(e.field, 'pairedCoordinates', e.message);
    const ipConnected = ipConnectedError(fields.kind, fields.ipConnected);
    if (ipConnected && !reported.has('ip_connected') && !reported.has('kind'))
      error('ip_connected', 'fmOnly', ipConnected.message.replace('ipConnected', 'ip_connected'));
    return {
      line: row.line,
      era,
      fields,
      communeCode: cells.get('commune_code'),
      villageCode: cells.get('village_code'),
      errors,
    };
  }

  /** What needs the database: communes and villages exist, codes are new (in the file and in the registry). */
  private async checkAgainstRegistry(principal: Principal, candidates: Candidate[]): Promise<void> {
    const firstLineOfCode = new Map<string, number>();
    for (const c of candidates) {
      const code = c.fields.code;
      if (typeof code !== 'string' || c.errors.some((e) => e.field === 'code')) continue;
      const first = firstLineOfCode.get(code);
      if (first === undefined) firstLineOfCode.set(code, c.line);
      else
        c.errors.push({
          line: c.line,
          field: 'code',
          rule: 'uniqueInFile',
          message: `code ${code} is also on line ${first}`,
        });
    }
    const taken = new Set(await this.clusters.existingCodes([...firstLineOfCode.keys()]));
    for (const c of candidates) {
      if (taken.has(c.fields.code) && !c.errors.some((e) => e.field === 'code'))
        c.errors.push({
          line: c.line,
          field: 'code',
          rule: 'unique',
          message: `a cluster with code ${c.fields.code} already exists`,
        });
    }

    const communes = new Map<string, AdminUnit>();
    for (const era of UNIT_ERAS) {
      const codes = new Set<string>();
      for (const c of candidates) {
        if (c.era !== era || !c.communeCode) continue;
        codes.add(c.communeCode);
        if (/^[0-9]{1,4}$/.test(c.communeCode)) codes.add(c.communeCode.padStart(5, '0'));
      }
      for (const unit of await this.units.findByCodes(era, 'commune', [...codes]))
        communes.set(`${era}:${unit.code}`, unit);
    }
    for (const c of candidates) {
      if (!c.communeCode) continue;
      c.commune = communes.get(`${c.era}:${c.communeCode}`);
      if (c.commune && !pathInScope(principal.scope, c.commune.path)) {
        c.errors.push({
          line: c.line,
          field: 'commune_code',
          rule: 'inScope',
          message: `commune ${c.commune.name} (${c.commune.code}) is outside your scope`,
        });
        c.commune = undefined;
        continue;
      }
      if (c.commune) continue;
      const padded = /^[0-9]{1,4}$/.test(c.communeCode)
        ? communes.get(`${c.era}:${c.communeCode.padStart(5, '0')}`)
        : undefined;
      c.errors.push({
        line: c.line,
        field: 'commune_code',
        rule: 'exists',
        message:
          `no ${c.era} commune has code ${c.communeCode}` +
          (padded ? ` (did you mean ${padded.code}, ${padded.name}? spreadsheets drop leading zeros)` : ''),
      });
    }

    const withVillage = candidates.filter((c) => c.commune && c.villageCode);
    const villages = await this.units.findChildrenByCodes(
      [...new Set(withVillage.map((c) => (c.commune as AdminUnit).id))],
      'village',
      [...new Set(withVillage.map((c) => c.villageCode as string))],
    );
    const villageByKey = new Map(villages.map((v) => [`${v.parentId}:${v.code}`, v]));
    for (const c of withVillage) {
      const commune = c.commune as AdminUnit;
      c.village = villageByKey.get(`${commune.id}:${c.villageCode}`);
      if (!c.village)
        c.errors.push({
          line: c.line,
          field: 'village_code',
          rule: 'villageOfCommune',
          message: `commune ${commune.name} (${commune.code}) has no village with code ${c.villageCode}`,
        });
    }
  }

  private async write(
    principal: Principal,
    good: Candidate[],
  ): Promise<Omit<ClusterImportResult, 'rows' | 'errors'>> {
    const pathOf = new Map(good.map((c) => [(c.commune as AdminUnit).id, (c.commune as AdminUnit).path]));
    const stationOf = new Map(
      (await this.stations.findByCommunes([...new Set(good.map((c) => (c.commune as AdminUnit).id))])).map(
        (s) => [s.communeId, s.id],
      ),
    );
    const rows: (NewCluster & { line: number })[] = good.map((c) => {
      const f = c.fields;
      const commune = c.commune as AdminUnit;
      return {
        line: c.line,
        id: randomUUID(),
        code: f.code,
        name: f.name.normalize('NFC'),
        kind: f.kind,
        lifecycle: f.lifecycle ?? 'active',
        communeId: commune.id,
        villageId: c.village?.id ?? null,
        stationId: stationOf.get(commune.id) ?? null,
        latitude: f.latitude ?? null,
        longitude: f.longitude ?? null,
        address: f.address?.normalize('NFC') ?? null,
        vendor: f.vendor ?? null,
        model: f.model ?? null,
        firmware: f.firmware ?? null,
        serial: f.serial ?? null,
        msisdn: f.msisdn ?? null,
        iccid: f.iccid ?? null,
        ipConnected: f.ipConnected ?? false,
        installedOn: f.installedOn ?? null,
        notes: f.notes?.normalize('NFC') ?? null,
      };
    });
    let issued: IssuedCredential[];
    try {
      issued = await this.clusters.transaction(async (manager) => {
        await this.clusters.insertMany(
          rows.map(({ line: _line, ...row }) => row),
          manager,
        );
        const ipIds = rows.filter((row) => row.kind === 'ip').map((row) => row.id);
        const credentials = await this.credentials.issueMany(ipIds, manager);
        await this.audit.recordMany(
          manager,
          principal,
          rows.map(({ line, ...row }) => ({
            action: 'cluster.create',
            objectType: 'cluster',
            objectId: row.id,
            unitPath: pathOf.get(row.communeId) ?? null,
            changes: diff(null, row, CLUSTER_AUDITED_FIELDS),
            detail: { import: 'csv', line, ...(row.kind === 'ip' ? { credential: 'issued' } : {}) },
          })),
        );
        return credentials;
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictException(
          'a cluster code of this file was registered meanwhile; nothing was imported, try again',
        );
      throw err;
    }
    this.credentials.prime(issued);
    const codeOf = new Map(rows.map((r) => [r.id, r.code]));
    const credentials: ImportedCredential[] = issued.map((c) => ({
      code: codeOf.get(c.clusterId) as string,
      username: c.clusterId,
      clientId: c.clusterId,
      password: c.secret,
    }));
    for (const row of rows) if (row.kind === 'ip') this.fleet.register(row.id);
    const brokerUrl = this.broker.publicUrl;
    const clusters: ImportedCluster[] = rows.map((r) => ({ code: r.code, id: r.id, line: r.line }));
    return { imported: rows.length, clusters, credentials, ...(brokerUrl ? { brokerUrl } : {}) };
  }
}

/** The CSV text of a text/csv body or of the multipart field `file`, as UTF-8. */
function csvText(upload: CsvUpload): string {
  if (upload.file) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(upload.file.buffer);
    } catch {
      throw notUtf8();
    }
    // A text/csv body passes the global input check; an uploaded file reaches us unchecked.
    const problem = textProblem(text);
    if (problem) throw validationFailed([{ field: 'file', rule: 'storable', message: `file ${problem}` }]);
    return text;
  }
  if (typeof upload.body === 'string') {
    if (upload.body.includes('\uFFFD')) throw notUtf8();
    return upload.body;
  }
  if (upload.contentType?.startsWith('multipart/form-data')) throw new BadRequestException(NO_CSV);
  throw new UnsupportedMediaTypeException(NO_CSV);
}

function notUtf8(): BadRequestException {
  return new BadRequestException(
    'the CSV is not UTF-8 text: save it as "CSV UTF-8" (Excel) or choose the UTF-8 encoding (LibreOffice)',
  );
}

/** Parses the text into lines of fields, each with the line number where it starts (the header is line 1). */
function readCsv(text: string): Line[] {
  let records: { record: string[]; info: { lines: number; empty_lines: number } }[];
  try {
    // Windows line ends become \n first: csv-parse counts the \r and the \n of a CRLF inside a quoted field as
    // two lines, which would shift every line number after it (and notes keep one kind of line break).
    records = parse(text.replace(/\r\n/g, '\n'), {
      bom: true,
      delimiter: guessDelimiter(text),
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as { record: string[]; info: { lines: number; empty_lines: number } }[];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    const message = `the CSV cannot be read: ${(err as Error).message}`;
    throw new BadRequestException({
      message,
      imported: 0,
      errors: [{ line: line ?? 1, field: 'row', rule: 'csv', message }],
    });
  }
  const out: Line[] = [];
  let previousEnd = 0;
  let previousEmpty = 0;
  for (const { record, info } of records) {
    out.push({ line: previousEnd + 1 + (info.empty_lines - previousEmpty), fields: record });
    previousEnd = info.lines;
    previousEmpty = info.empty_lines;
  }
  return out;
}

/** Spreadsheets in a Vietnamese locale often export with ';' (the comma is the decimal separator). */
function guessDelimiter(text: string): string {
  const first = text.slice(0, Math.max(0, text.search(/\r?\n/)) || text.length).replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1] as const);
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  return best[1] > 0 ? best[0] : ',';
}

/** A header cell as errors name it: an empty one must still be named. */
function columnLabel(name: string): string {
  return name || '(empty)';
}

function readHeader(fields: string[]): Column[] {
  const names = fields.map((f) =>
    f
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  const known = new Set<string>(CSV_COLUMNS);
  const unknown = names.filter((n) => !known.has(n));
  const duplicated = names.filter((n, i) => names.indexOf(n) !== i);
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  const errors: CsvRowError[] = [
    ...unknown.map((n) => ({
      line: 1,
      field: columnLabel(n),
      rule: 'knownColumn',
      message: `unknown column "${n}"`,
    })),
    ...duplicated.map((n) => ({
      line: 1,
      field: columnLabel(n),
      rule: 'uniqueColumn',
      message: `column "${n}" appears twice`,
    })),
    ...missing.map((n) => ({
      line: 1,
      field: n,
      rule: 'requiredColumn',
      message: `required column "${n}" is missing`,
    })),
  ];
  if (errors.length > 0) {
    const parts = [
      unknown.length ? `unknown column(s): ${unknown.join(', ')}` : '',
      duplicated.length ? `repeated column(s): ${duplicated.join(', ')}` : '',
      missing.length ? `missing required column(s): ${missing.join(', ')}` : '',
    ].filter(Boolean);
    throw headerError(`${parts.join('; ')}. Columns: ${CSV_COLUMNS.join(',')}`, errors);
  }
  return names as Column[];
}

function headerError(message: string, errors: CsvRowError[] = []): BadRequestException {
  return new BadRequestException({ message, imported: 0, errors });
}

/** A cell as the DTO expects it: numbers for coordinates (decimal comma accepted), ISO dates, lower-case enums. */
function cellValue(column: Column, cell: string): unknown {
  switch (column) {
    case 'latitude':
    case 'longitude': {
      const normalised = /^-?[0-9]+,[0-9]+$/.test(cell) ? cell.replace(',', '.') : cell;
      const value = Number(normalised);
      return normalised !== '' && Number.isFinite(value) ? value : cell;
    }
    case 'installed_on': {
      const match = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})$/.exec(cell); // dd/mm/yyyy, as written in Vietnam
      return match ? `${match[3]}-${match[2].padStart(2, '0')}-${match[1].padStart(2, '0')}` : cell;
    }
    case 'kind':
    case 'lifecycle':
      return cell.toLowerCase();
    case 'ip_connected': {
      // Spreadsheets say it many ways; anything else is left for @IsBoolean to refuse.
      const word = cell.toLowerCase();
      if (['true', '1', 'yes', 'x', 'có'].includes(word)) return true;
      if (['false', '0', 'no', 'không'].includes(word)) return false;
      return cell;
    }
    default:
      return cell;
  }
}
