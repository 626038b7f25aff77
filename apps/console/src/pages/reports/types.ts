/** The API's report shapes (apps/server/src/reports/*.dto.ts), as the console reads them. */

export interface ReportFigures {
  stationsIp: number;
  stationsOther: number;
  ipWorking: number;
  ipBroken: number;
  fmWiredWorking: number;
  fmWiredBroken: number;
  fmWirelessWorking: number;
  fmWirelessBroken: number;
  fmConnectedToIp: number;
  newStations: number;
  replacements: number;
  expansions: number;
  villages: number;
  villagesCovered: number;
  scheduledMs: number | null;
  scheduledHours: number | null;
  playedMs: number;
  playedHours: number;
  onlineMs: number;
  observedMs: number;
  uptimePercent: number | null;
  openAlerts: number;
}

export interface ReportRow {
  level: 'district' | 'commune';
  stt: string;
  unitId: string;
  code: string;
  name: string;
  districtCode: string | null;
  figures: ReportFigures;
}

export interface SpendingItem {
  programme: string;
  programmeName: string;
  kind: 'new_station' | 'replacement' | 'expansion';
  orders: number;
  costVnd: number;
  ordersWithoutCost: number;
}

export interface ProvinceReport {
  schema: string;
  generatedAt: string;
  timeZone: string;
  period: { from: string; to: string; start: string; end: string };
  unit: { id: string; code: string; name: string; level: string; era: string; lineage: string[] };
  scheduledKnown: boolean;
  rows: ReportRow[];
  totals: ReportFigures;
  spending: SpendingItem[];
  spendingTotal: { orders: number; costVnd: number };
}

export interface ReportJob {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  stage: string;
  error: string | null;
  format: 'xlsx' | 'csv' | 'json';
  downloadUrl: string | null;
}

export interface AvailabilityFigures {
  clusters: number;
  observedMs: number;
  onlineMs: number;
  downtimeMs: number;
  uptimePercent: number | null;
  outages: number;
  scheduledOccurrences: number | null;
  startedOccurrences: number;
  successRate: number | null;
  resolvedFaults: number;
  mttrMs: number | null;
  incidents: number;
}

export interface AvailabilityRow extends AvailabilityFigures {
  level: 'cluster' | 'village' | 'commune';
  id: string | null;
  code: string | null;
  name: string | null;
  communeId: string;
  communeName: string;
  villageId: string | null;
  villageName: string | null;
}

export interface AvailabilityReport {
  from: string;
  to: string;
  level: 'cluster' | 'village' | 'commune';
  scheduledKnown: boolean;
  rows: AvailabilityRow[];
  total: AvailabilityFigures;
}
