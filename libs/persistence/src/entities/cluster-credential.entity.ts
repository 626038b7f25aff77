import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Cluster } from './cluster.entity';

/**
 * The MQTT credential of an IP cluster: username = cluster id, password = a random 256-bit secret shown once.
 * Only its SHA-256 is stored: the secret has full entropy, so a slow KDF adds nothing but connect latency
 * when thousands of clusters reconnect at once. After a rotation the previous digest is kept for a grace
 * period, so a device can be reconfigured without losing its connection.
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

  /**
   * The digest this one replaced at the last rotation. It still connects until `previousValidUntil`, and
   * only until the device first connects with the new secret (then both columns are cleared).
   */
  @Column({ type: 'varchar', length: 64, name: 'previous_secret_sha256', nullable: true })
  previousSecretSha256!: string | null;

  @Column({ type: 'timestamptz', name: 'previous_valid_until', nullable: true })
  previousValidUntil!: Date | null;
}
