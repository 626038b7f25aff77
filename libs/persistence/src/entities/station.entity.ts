import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AdminUnit } from './admin-unit.entity';

/** A commune radio station: one per commune. */
@Entity('station')
export class Station {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', name: 'commune_id', unique: true })
  communeId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'commune_id' })
  commune?: AdminUnit;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  address!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone!: string | null;

  /** IT-telecom station per TT39/2020 (as opposed to a wired/FM-only station). */
  @Column({ type: 'boolean', name: 'is_ip', default: true })
  isIp!: boolean;

  @Column({ type: 'date', name: 'established_on', nullable: true })
  establishedOn!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
