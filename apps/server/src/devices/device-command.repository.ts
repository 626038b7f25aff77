import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThan, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Cluster, DeviceCommand, type CommandState } from '@loa-xa/persistence';
import { whereInScope, type Scope } from '../access/scope';

export type CommandTarget = Pick<Cluster, 'id' | 'kind' | 'lifecycle'> & { communePath: string };

/** Storage of remote commands and the few cluster facts the command path needs. */
@Injectable()
export class DeviceCommandRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get commands() {
    return this.dataSource.getRepository(DeviceCommand);
  }

  /** The cluster, if it lies inside the scope (null scope: any). */
  async findCluster(clusterId: string, scope: Scope | null): Promise<CommandTarget | null> {
    const query = this.dataSource
      .getRepository(Cluster)
      .createQueryBuilder('c')
      .innerJoin('c.commune', 'commune')
      .select(['c.id AS id', 'c.kind AS kind', 'c.lifecycle AS lifecycle', 'commune.path AS "communePath"'])
      .where('c.id = :clusterId', { clusterId });
    return (await whereInScope(query, scope, 'commune.path').getRawOne<CommandTarget>()) ?? null;
  }

  async insert(
    command: Omit<DeviceCommand, 'cluster' | 'createdAt'> & { createdAt?: Date },
    manager: EntityManager,
  ): Promise<DeviceCommand> {
    await manager.getRepository(DeviceCommand).insert(command as QueryDeepPartialEntity<DeviceCommand>);
    return (await manager.getRepository(DeviceCommand).findOneBy({ id: command.id })) as DeviceCommand;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findOne(clusterId: string, commandId: string): Promise<DeviceCommand | null> {
    return this.commands.findOneBy({ id: commandId, clusterId });
  }

  async list(clusterId: string, page: number, pageSize: number): Promise<[DeviceCommand[], number]> {
    return this.commands.findAndCount({
      where: { clusterId },
      order: { createdAt: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
  }

  /** Commands not yet delivered and still valid, oldest first (re-sent when a cluster says hello). */
  undelivered(clusterId: string, now: Date): Promise<DeviceCommand[]> {
    return this.commands
      .createQueryBuilder('c')
      .where('c.cluster_id = :clusterId AND c.status = :status AND c.expires_at > :now', {
        clusterId,
        status: 'pending',
        now,
      })
      .orderBy('c.created_at', 'ASC')
      .getMany();
  }

  async clustersWithUndelivered(now: Date): Promise<string[]> {
    const rows: { cluster_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT cluster_id FROM device_command WHERE status = 'pending' AND expires_at > $1`,
      [now],
    );
    return rows.map((r) => r.cluster_id);
  }

  findMany(ids: string[]): Promise<DeviceCommand[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.commands.findBy({ id: In(ids) });
  }

  /**
   * Writes ack results in one statement. Each row changes only if it is still in the state the changes were
   * computed from (the expiry job may have moved it meanwhile).
   */
  async applyChanges(
    rows: {
      id: string;
      from: CommandState;
      changes: Pick<
        DeviceCommand,
        'status' | 'deliveredAt' | 'completedAt' | 'result' | 'errorCode' | 'errorMessage'
      >;
    }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    await this.dataSource.query(
      `UPDATE device_command d SET status = s.status, delivered_at = s.delivered_at, completed_at = s.completed_at,
              result = s.result, error_code = s.error_code, error_message = s.error_message
         FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::timestamptz[], $5::timestamptz[], $6::jsonb[],
                     $7::varchar[], $8::text[])
           AS s(id, from_status, status, delivered_at, completed_at, result, error_code, error_message)
        WHERE d.id = s.id AND d.status = s.from_status`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.from),
        rows.map((r) => r.changes.status),
        rows.map((r) => iso(r.changes.deliveredAt)),
        rows.map((r) => iso(r.changes.completedAt)),
        rows.map((r) => (r.changes.result === null ? null : JSON.stringify(r.changes.result))),
        rows.map((r) => r.changes.errorCode),
        rows.map((r) => r.changes.errorMessage),
      ],
    );
  }

  /** Expires every open command whose time is up. */
  async expireDue(now: Date): Promise<number> {
    const result = await this.commands.update(
      { status: In(['pending', 'delivered']), expiresAt: LessThan(now) },
      {
        status: 'expired',
        completedAt: now,
        errorCode: 'expired',
        errorMessage: 'no final ack before expiry',
      },
    );
    return result.affected ?? 0;
  }
}
