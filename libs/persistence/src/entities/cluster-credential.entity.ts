import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Cluster } from './cluster.entity';

/**
 * The MQTT credential of an IP cluster: username = cluster id, password = a random 256-bit secret shown once.
 * Only its SHA-256 is stored: the secret has full entropy, so a slow KDF adds nothing but connect latency
 * when thousands of clusters reconnect at once.
 */
@Entity('cluster_credential')
export class ClusterCredential {
  @PrimaryColumn({ type: 'uuid', name: 'cluster_id' })
  clusterId!: string;

  @ManyToOne(() => Cluster, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'fk_cluster_credential_cluster' })
  cluster?: Cluster;

  @Column({ type: 'varchar', length: 64, name: 'secret_sha256' })
  secretSha256!: string;

  @Column({ type: 'timestamptz', name: 'issued_at' })
  issuedAt!: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
