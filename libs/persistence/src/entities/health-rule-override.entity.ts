import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AdminUnit } from './admin-unit.entity';

/**
 * A province, district or commune changing one health rule for everything under it: enable/disable,
 * severity, thresholds. The most specific unit wins, parameter by parameter (libs/health resolves it).
 */
@Entity('health_rule_override')
@Index('uq_health_rule_override_unit_rule', ['unitId', 'rule'], { unique: true })
export class HealthRuleOverride {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'unit_id' })
  unitId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_health_rule_override_unit' })
  unit?: AdminUnit;

  @Index('ix_health_rule_override_unit_path')
  @Column({ type: 'text', name: 'unit_path' })
  unitPath!: string;

  @Column({ type: 'varchar', length: 32 })
  rule!: string;

  @Column({ type: 'boolean', nullable: true })
  enabled!: boolean | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  severity!: string | null;

  /** Only the parameters this unit changes; the rest come from above. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  params!: Record<string, number>;

  @Column({ type: 'int', default: 1 })
  revision!: number;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
