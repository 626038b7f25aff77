import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Cluster } from './cluster.entity';

/** The manifest last published to a cluster, and what the cluster acknowledged and holds. */
@Entity('cluster_manifest')
export class ClusterManifest {
  @PrimaryColumn({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @OneToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_cluster_manifest_cluster' })
  cluster?: Cluster;

  @Column({ type: 'int' })
  version!: number;

  /** SHA-256 of the manifest's content without URLs and timestamps: unchanged content is not republished. */
  @Column({ type: 'varchar', length: 64, name: 'content_hash' })
  contentHash!: string;

  @Column({ type: 'timestamptz', name: 'published_at' })
  publishedAt!: Date;

  @Column({ type: 'int', name: 'item_count' })
  itemCount!: number;

  @Column({ type: 'int', name: 'acked_version', nullable: true })
  ackedVersion!: number | null;

  @Column({ type: 'timestamptz', name: 'acked_at', nullable: true })
  ackedAt!: Date | null;

  /** SHA-256 of the files the cluster reported holding. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  held!: string[];

  /** Files it failed to fetch: [{ sha256, reason }]. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  missing!: { sha256: string; reason: string }[];
}
