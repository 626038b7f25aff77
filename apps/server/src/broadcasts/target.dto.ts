import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsUUID } from 'class-validator';

/**
 * Which clusters a schedule, immediate broadcast or live session reaches: the union of every IP cluster
 * below the given units (a commune, a district, a province), in the given villages, in the named groups,
 * and the clusters listed. At least one list must be non-empty (checked by the target resolver).
 */
export class TargetDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Communes, districts or provinces: every IP cluster below them',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  unitIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Villages (thôn, bản, tổ dân phố)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  villageIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Named cluster groups' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  groupIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Individual clusters' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  clusterIds?: string[];
}
