import type { UnitRef } from './registry-model';

/** A commune station as GET /stations lists it. */
export interface Station {
  id: string;
  communeId: string;
  commune: UnitRef | null;
  name: string;
  address: string | null;
  phone: string | null;
  isIp: boolean;
  establishedOn: string | null;
}

/** A named cluster group (GET /cluster-groups). */
export interface Group {
  id: string;
  name: string;
  description: string | null;
  unitId: string;
  clusterIds: string[];
  updatedAt: string;
}

/** An administrative unit (GET /units, /units/:id/children). */
export interface Unit {
  id: string;
  code: string;
  level: 'province' | 'district' | 'commune' | 'village';
  name: string;
  type: string | null;
  era: 'pre_2025' | 'post_2025';
  parentId: string | null;
}

export interface UnitDetail extends Unit {
  ancestors: { id: string; name: string; level: string; code: string }[];
  childCount: number;
}
