import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  ManyToOne,
  JoinColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';

export const UNIT_LEVELS = ['province', 'district', 'commune', 'village'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

/**
 * Which administrative tree a unit belongs to. `pre_2025`: province → district → commune (GSO codes as of
 * 01/03/2025); `post_2025`: the reform of 1 July 2025, province → commune. Villages hang below communes in both.
 */
export const UNIT_ERAS = ['pre_2025', 'post_2025'] as const;
export type UnitEra = (typeof UNIT_ERAS)[number];

@Entity('admin_unit')
@Index('uq_admin_unit_era_level_code', ['era', 'level', 'code'], { unique: true })
export class AdminUnit {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Official GSO code for provinces, districts and communes; a local code for villages. */
  @Column({ type: 'varchar', length: 16 })
  code!: string;

  @Column({ type: 'varchar', length: 16 })
  level!: UnitLevel;

  @Column({ type: 'varchar', length: 16 })
  era!: UnitEra;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Official type word: Tỉnh, Thành phố Trung ương, Huyện, Quận, Xã, Phường, Thị trấn, Thôn, Bản… */
  @Column({ type: 'varchar', length: 64, nullable: true })
  type!: string | null;

  @Column({ type: 'uuid', name: 'parent_id', nullable: true })
  parentId!: string | null;

  @ManyToOne(() => AdminUnit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id' })
  parent?: AdminUnit | null;

  /**
   * Ids from the root down to this unit, joined by '/'; lets "everything under X" be one indexed prefix
   * match instead of a recursive query.
   */
  @Index('ix_admin_unit_path')
  @Column({ type: 'text' })
  path!: string;

  /** When a commune is merged into another, the unit that took it over (history is kept, not deleted). */
  @Column({ type: 'uuid', name: 'successor_id', nullable: true })
  successorId!: string | null;

  @Column({ type: 'date', name: 'valid_to', nullable: true })
  validTo!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
