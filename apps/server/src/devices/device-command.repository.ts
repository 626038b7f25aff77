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

  /** Moves a command forward; a row already in a later state is left alone. Returns the new row or null. */
  async transition(
    commandId: string,
    from: CommandState[],
    changes: Partial<
      Pick<DeviceCommand, 'status' | 'deliveredAt' | 'completedAt' | 'result' | 'errorCode' | 'errorMessage'>
    >,
  ): Promise<boolean> {
    const result = await this.commands.update(
      { id: commandId, status: In(from) },
      changes as QueryDeepPartialEntity<DeviceCommand>,
    );
    return (result.affected ?? 0) > 0;
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
