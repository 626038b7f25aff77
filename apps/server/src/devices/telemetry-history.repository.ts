import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TelemetrySample } from '@loa-xa/persistence';

/** Reads of stored telemetry. */
@Injectable()
export class TelemetryHistoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(clusterId: string, from: Date, to: Date, limit: number): Promise<TelemetrySample[]> {
    return this.dataSource
      .getRepository(TelemetrySample)
      .createQueryBuilder('t')
      .where('t.cluster_id = :clusterId', { clusterId })
      .andWhere('t.received_at >= :from AND t.received_at < :to', { from, to })
      .orderBy('t.received_at', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(limit)
      .getMany();
  }
}
