import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { UnitRef } from '../registry/units/unit.dto';

export class InventoryQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only under this unit: a province, district or commune (either era), or a village',
  })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/** FM clusters of one kind by state (TT39: working ones may be connected to the IP system, Điều 6). */
export class FmCounts {
  @ApiProperty({ description: 'Working (lifecycle active)' }) working!: number;
  @ApiProperty({ description: 'Of the working ones: fed by an IP receiver at the station' })
  ipConnected!: number;
  @ApiProperty({ description: 'Broken (lifecycle faulty)' }) broken!: number;
  @ApiProperty({ description: 'Replaced by an IP cluster' }) replaced!: number;
}

export class FmCommuneInventory {
  @ApiProperty({ type: UnitRef }) commune!: UnitRef;
  @ApiPropertyOptional({
    nullable: true,
    type: UnitRef,
    description: 'The district above the commune (null for post-2025 communes, which have none)',
  })
  district!: UnitRef | null;
  @ApiProperty({ type: FmCounts }) fmWired!: FmCounts;
  @ApiProperty({ type: FmCounts }) fmWireless!: FmCounts;
}

export class FmInventoryTotals {
  @ApiProperty({ type: FmCounts }) fmWired!: FmCounts;
  @ApiProperty({ type: FmCounts }) fmWireless!: FmCounts;
}

export class FmInventoryView {
  @ApiProperty({
    type: [FmCommuneInventory],
    description: 'Communes with at least one FM cluster, by district code then commune code',
  })
  communes!: FmCommuneInventory[];
  @ApiProperty({ type: FmInventoryTotals }) totals!: FmInventoryTotals;
}

export class VillageRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
}

export class CommuneCoverage {
  @ApiProperty({ type: UnitRef }) commune!: UnitRef;
  @ApiPropertyOptional({ nullable: true, type: UnitRef }) district!: UnitRef | null;
  @ApiProperty({ description: 'Villages registered under the commune' }) villagesTotal!: number;
  @ApiProperty({ description: 'Villages with at least one working cluster (any kind)' })
  villagesCovered!: number;
  @ApiProperty({ type: [VillageRef], description: 'Villages without any working cluster, by code' })
  uncovered!: VillageRef[];
}

export class CoverageTotals {
  @ApiProperty() villagesTotal!: number;
  @ApiProperty() villagesCovered!: number;
}

export class CoverageGapsView {
  @ApiProperty({
    type: [CommuneCoverage],
    description: 'Communes with at least one registered village, by district code then commune code',
  })
  communes!: CommuneCoverage[];
  @ApiProperty({ type: CoverageTotals }) totals!: CoverageTotals;
}
