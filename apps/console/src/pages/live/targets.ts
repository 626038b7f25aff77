/**
 * Choosing where a live or emergency broadcast plays, without the DOM (unit-tested): the scope's IP
 * clusters grouped by commune and village, and the API target a choice becomes.
 */
export interface UnitRef {
  id: string;
  name: string;
  type?: string | null;
}

/** The fields of the API's ClusterView a target choice needs. */
export interface TargetCluster {
  id: string;
  code: string;
  name: string;
  communeId: string;
  commune: UnitRef | null;
  villageId: string | null;
  village: UnitRef | null;
  online: boolean;
}

export interface VillageGroup {
  /** null: clusters registered without a village. */
  id: string | null;
  name: string;
  clusters: TargetCluster[];
}

export interface CommuneGroup {
  id: string;
  name: string;
  villages: VillageGroup[];
  clusterIds: string[];
}

/** The API's TargetDto. */
export interface Target {
  unitIds?: string[];
  villageIds?: string[];
  clusterIds?: string[];
}

const collator = new Intl.Collator('vi', { numeric: true, sensitivity: 'base' });
const byName = (a: { name: string }, b: { name: string }) => collator.compare(a.name, b.name);

/** Words that start a unit's name when it carries its own type ("Xã …", "Bản …"). */
const UNIT_TYPES =
  /^(xã|phường|thị trấn|thị xã|thành phố|huyện|quận|tỉnh|thôn|bản|tổ dân phố|ấp|khu phố|làng|xóm) /i;

/** "Xã Hoàng Đồng" from a unit with its type; the name alone when it already says what it is ("Bản Nà Chà"). */
export function unitLabel(unit: UnitRef | null | undefined): string {
  if (!unit) return '';
  return unit.type && !UNIT_TYPES.test(unit.name) ? `${unit.type} ${unit.name}` : unit.name;
}

/** Communes, then villages (clusters without a village last), then clusters, each sorted by name. */
export function groupClusters(clusters: readonly TargetCluster[]): CommuneGroup[] {
  const communes = new Map<string, { group: CommuneGroup; villages: Map<string, VillageGroup> }>();
  for (const cluster of clusters) {
    let entry = communes.get(cluster.communeId);
    if (!entry) {
      entry = {
        group: {
          id: cluster.communeId,
          name: unitLabel(cluster.commune) || cluster.communeId,
          villages: [],
          clusterIds: [],
        },
        villages: new Map(),
      };
      communes.set(cluster.communeId, entry);
    }
    const key = cluster.villageId ?? '';
    let village = entry.villages.get(key);
    if (!village) {
      village = { id: cluster.villageId, name: unitLabel(cluster.village), clusters: [] };
      entry.villages.set(key, village);
    }
    village.clusters.push(cluster);
    entry.group.clusterIds.push(cluster.id);
  }
  return [...communes.values()]
    .map(({ group, villages }) => ({
      ...group,
      villages: [...villages.values()]
        .map((v) => ({ ...v, clusters: [...v.clusters].sort(byName) }))
        .sort((a, b) => (a.id === null ? 1 : b.id === null ? -1 : byName(a, b))),
    }))
    .sort(byName);
}

/** A target choice: a whole unit (the scope, a commune, a village scope), or clusters picked one by one. */
export type TargetChoice =
  | { mode: 'unit'; unitId: string; level: 'province' | 'district' | 'commune' | 'village' }
  | { mode: 'pick'; clusterIds: ReadonlySet<string> };

/**
 * The API target for a choice and how many of the listed clusters it reaches. Picked clusters that make up
 * a whole village are sent as that village (its new clusters are then included too); the rest one by one.
 */
export function buildTarget(
  choice: TargetChoice,
  groups: readonly CommuneGroup[],
): { target: Target; count: number } {
  if (choice.mode === 'unit') {
    const count =
      choice.level === 'commune'
        ? (groups.find((g) => g.id === choice.unitId)?.clusterIds.length ?? 0)
        : choice.level === 'village'
          ? (groups.flatMap((g) => g.villages).find((v) => v.id === choice.unitId)?.clusters.length ?? 0)
          : groups.reduce((n, g) => n + g.clusterIds.length, 0);
    return {
      target: choice.level === 'village' ? { villageIds: [choice.unitId] } : { unitIds: [choice.unitId] },
      count,
    };
  }
  const villageIds: string[] = [];
  const clusterIds: string[] = [];
  let count = 0;
  for (const village of groups.flatMap((g) => g.villages)) {
    const picked = village.clusters.filter((c) => choice.clusterIds.has(c.id));
    count += picked.length;
    if (village.id !== null && picked.length === village.clusters.length && picked.length > 0)
      villageIds.push(village.id);
    else clusterIds.push(...picked.map((c) => c.id));
  }
  const target: Target = {};
  if (villageIds.length) target.villageIds = villageIds;
  if (clusterIds.length) target.clusterIds = clusterIds;
  return { target, count };
}

/** Whether a village's checkbox is checked, unchecked or mixed for a set of picked clusters. */
export function villageCheckState(
  village: VillageGroup,
  picked: ReadonlySet<string>,
): 'all' | 'some' | 'none' {
  const n = village.clusters.filter((c) => picked.has(c.id)).length;
  return n === 0 ? 'none' : n === village.clusters.length ? 'all' : 'some';
}

/**
 * "Xã Hoàng Đồng" → "xã Hoàng Đồng" (to follow "Toàn"); a bare name gets the level word in front:
 * ("Hoàng Đồng", "xã") → "xã Hoàng Đồng".
 */
export function areaPhrase(name: string, levelWord: string): string {
  const match = UNIT_TYPES.exec(name);
  if (match) return match[1].toLowerCase() + name.slice(match[1].length);
  return `${levelWord.toLowerCase()} ${name}`;
}
