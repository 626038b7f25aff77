import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Like } from 'typeorm';
import { AdminUnit, Cluster, Station } from '@loa-xa/persistence';

/** The few reads and writes that set up the demo commune. */
@Injectable()
export class DemoRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** First rural commune (by code) of a province of the pre-2025 tree. */
  async firstCommune(provinceCode: string): Promise<AdminUnit | null> {
    const province = await this.dataSource
      .getRepository(AdminUnit)
      .findOneBy({ era: 'pre_2025', level: 'province', code: provinceCode });
    if (!province) return null;
    return (
      this.dataSource
        .getRepository(AdminUnit)
        .createQueryBuilder('u')
        .where('u.level = :level AND u.path LIKE :prefix', { level: 'commune', prefix: `${province.path}/%` })
        // A rural commune (Xã) shows the typical case: villages, long links.
        .orderBy("CASE WHEN u.type = 'Xã' THEN 0 ELSE 1 END", 'ASC')
        .addOrderBy('u.code', 'ASC')
        .getOne()
    );
  }

  async ensureStation(commune: AdminUnit): Promise<Station> {
    const repo = this.dataSource.getRepository(Station);
    return (
      (await repo.findOneBy({ communeId: commune.id })) ??
      (await repo.save({ communeId: commune.id, name: `Đài truyền thanh ${commune.name}`, isIp: true }))
    );
  }

  /** Villages of the commune, created with the given names when it has none. */
  async ensureVillages(commune: AdminUnit, names: string[]): Promise<AdminUnit[]> {
    const repo = this.dataSource.getRepository(AdminUnit);
    const existing = await repo.find({
      where: { parentId: commune.id, level: 'village' },
      order: { code: 'ASC' },
    });
    if (existing.length > 0) return existing;
    const created: AdminUnit[] = [];
    for (const [i, name] of names.entries()) {
      const village = await repo.save({
        code: `${commune.code}-${String(i + 1).padStart(2, '0')}`,
        level: 'village' as const,
        era: commune.era,
        name,
        type: 'Thôn',
        parentId: commune.id,
        path: '',
        successorId: null,
        validTo: null,
      });
      village.path = `${commune.path}/${village.id}`;
      await repo.update(village.id, { path: village.path });
      created.push(village);
    }
    return created;
  }

  demoClusters(prefix: string): Promise<Cluster[]> {
    return this.dataSource
      .getRepository(Cluster)
      .find({ where: { code: Like(`${prefix}%`), kind: 'ip' }, order: { code: 'ASC' } });
  }
}
