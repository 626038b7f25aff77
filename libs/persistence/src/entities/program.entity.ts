import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AdminUnit } from './admin-unit.entity';

/** An ordered list of media assets played one after another (a morning bulletin: anthem, news, notices). */
@Entity('program')
export class Program {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Owner unit (commune, district or province); scope checks go by its path. */
  @Index('ix_program_unit')
  @Column({ type: 'uuid', name: 'unit_id' })
  unitId!: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id', foreignKeyConstraintName: 'fk_program_unit' })
  unit?: AdminUnit;

  @Column({ type: 'text', name: 'unit_path' })
  unitPath!: string;

  @OneToMany(() => ProgramItem, (item) => item.program, { cascade: false })
  items?: ProgramItem[];

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}

/** One asset at one position of a program. */
@Entity('program_item')
@Index('ix_program_item_asset', ['assetId'])
export class ProgramItem {
  @PrimaryColumn({ type: 'uuid', name: 'program_id' })
  programId!: string;

  @PrimaryColumn({ type: 'int' })
  position!: number;

  @ManyToOne(() => Program, (program) => program.items, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'program_id', foreignKeyConstraintName: 'fk_program_item_program' })
  program?: Program;

  /** A media asset; deleting an asset a program uses is refused by the media library. */
  @Column({ type: 'uuid', name: 'asset_id' })
  assetId!: string;
}
