import { ApiProperty, OmitType } from '@nestjs/swagger';
import { ClusterQuery } from './cluster.dto';

/**
 * The columns of GET /clusters/map, in order. Names and live state only: what a map, a list and its state
 * counts need for every cluster of a province at once (the detail view has the rest).
 */
export const CLUSTER_MAP_FIELDS = [
  'id',
  'code',
  'name',
  'kind',
  'lifecycle',
  'communeId',
  'villageId',
  'lat',
  'lon',
  'online',
  'lastSeenAt',
  'faults',
  'rsrp',
  'rssi',
  'power',
  'batteryPct',
  'volume',
] as const;

export type ClusterMapField = (typeof CLUSTER_MAP_FIELDS)[number];
export type ClusterMapRow = (string | number | boolean | string[] | null)[];

/** The list's filters, without paging or sorting (every matching cluster, in code order). */
export class ClusterMapQuery extends OmitType(ClusterQuery, ['page', 'pageSize', 'order', 'sort'] as const) {}

export class ClusterMapView {
  @ApiProperty({
    enum: CLUSTER_MAP_FIELDS,
    isArray: true,
    description:
      'Names of the columns of each row, in order: id, code, name, kind, lifecycle, communeId, villageId (or ' +
      'null), lat and lon (or null), online (connected now), lastSeenAt (ISO time or null), faults (codes of ' +
      'the faults open now), then from the latest telemetry (all null when none since the server started): ' +
      'rsrp and rssi (dBm), power (mains | battery), batteryPct, volume (%). New columns may be added at the end.',
  })
  fields!: ClusterMapField[];

  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: {} },
    description: 'One array per cluster, values in the order of `fields`; sorted by code',
    example: [
      [
        '3f1e2d4c-0000-4000-8000-123456789012',
        'LS-05971-001',
        'Cụm loa thôn Nà Chuông',
        'ip',
        'active',
        '8a0c…',
        null,
        21.85,
        106.76,
        true,
        '2026-11-24T03:00:00.000Z',
        [],
        -87,
        null,
        'mains',
        null,
        70,
      ],
    ],
  })
  rows!: ClusterMapRow[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Names of the communes the rows refer to, by id',
  })
  communes!: Record<string, string>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Names of the villages the rows refer to, by id',
  })
  villages!: Record<string, string>;

  @ApiProperty({ description: 'Number of rows' })
  total!: number;
}
