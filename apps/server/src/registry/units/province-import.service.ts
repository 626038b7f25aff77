import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { UnitLevel } from '@loa-xa/persistence';
import { DVHCVN_DATE, DvhcvnSource, type OfficialUnit } from './dvhcvn.source';
import { UnitsRepository, type NewUnit, type UnitChange } from './units.repository';
import type { ProvinceImportResult } from './unit.dto';
import { AuditService, SYSTEM, type Actor } from '../../audit/audit.service';

interface Placed {
  id: string;
  code: string;
  name: string;
  type: string;
  path: string;
}

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Loads one province of the official pre-2025 list (province → districts → communes) into the registry.
 * Idempotent: units are matched by (era, level, code); names, types and places in the tree are brought up to
 * date, missing units are added, nothing is duplicated. One transaction, a few multi-row statements per level.
 */
@Injectable()
export class ProvinceImportService {
  constructor(
    private readonly source: DvhcvnSource,
    private readonly units: UnitsRepository,
    private readonly audit: AuditService,
  ) {}

  async importProvince(provinceCode: string, actor: Actor = SYSTEM): Promise<ProvinceImportResult> {
    const official = await this.source.province(provinceCode);
    if (!official) {
      const codes = await this.source.provinceCodes();
      throw new NotFoundException(
        `province code ${provinceCode} is not in the official list of ${DVHCVN_DATE} ` +
          `(${codes.length} provinces, codes ${codes[0]}–${codes[codes.length - 1]})`,
      );
    }
    return this.units.transaction(async (manager) => {
      await this.units.lockImports(manager);
      const counts: Counts = { created: 0, updated: 0, unchanged: 0 };
      const [province] = await this.sync(manager, 'province', [{ unit: official, parent: null }], counts);
      const districts = await this.sync(
        manager,
        'district',
        official.districts.map((unit) => ({ unit, parent: province })),
        counts,
      );
      const districtByCode = new Map(districts.map((d) => [d.code, d]));
      const communes = await this.sync(
        manager,
        'commune',
        official.districts.flatMap((d) =>
          d.communes.map((unit) => ({ unit, parent: districtByCode.get(d.code) as Placed })),
        ),
        counts,
      );
      const outcome = { ...counts, districts: districts.length, communes: communes.length };
      await this.audit.record(manager, actor, {
        action: 'unit.import',
        objectType: 'unit',
        objectId: province.id,
        unitPath: province.path,
        detail: { provinceCode, source: DVHCVN_DATE, ...outcome },
      });
      return {
        province: {
          id: province.id,
          code: province.code,
          level: 'province',
          name: province.name,
          type: province.type,
        },
        ...outcome,
      };
    });
  }

  /** Brings one level up to date; returns every unit of it with its id and path, in the order given. */
  private async sync(
    manager: EntityManager,
    level: UnitLevel,
    wanted: { unit: OfficialUnit; parent: Placed | null }[],
    counts: Counts,
  ): Promise<Placed[]> {
    const existing = new Map(
      (
        await this.units.findByCodes(
          'pre_2025',
          level,
          wanted.map((w) => w.unit.code),
          manager,
        )
      ).map((u) => [u.code, u]),
    );
    const inserts: NewUnit[] = [];
    const changes: UnitChange[] = [];
    const moves: [string, string][] = [];
    const placed = wanted.map(({ unit, parent }) => {
      const found = existing.get(unit.code);
      const id = found?.id ?? randomUUID();
      const parentId = parent?.id ?? null;
      const path = parent ? `${parent.path}/${id}` : id;
      if (!found) {
        inserts.push({
          id,
          code: unit.code,
          level,
          era: 'pre_2025',
          name: unit.name,
          type: unit.type,
          parentId,
          path,
        });
      } else if (
        found.name !== unit.name ||
        found.type !== unit.type ||
        found.parentId !== parentId ||
        found.path !== path
      ) {
        changes.push({ id, name: unit.name, type: unit.type, parentId, path });
        if (found.path !== path) moves.push([found.path, path]);
      } else {
        counts.unchanged++;
      }
      return { id, code: unit.code, name: unit.name, type: unit.type, path };
    });
    await this.units.insertMany(inserts, manager);
    await this.units.updateMany(changes, manager);
    for (const [from, to] of moves) await this.units.rebaseDescendants(from, to, manager);
    counts.created += inserts.length;
    counts.updated += changes.length;
    return placed;
  }
}
