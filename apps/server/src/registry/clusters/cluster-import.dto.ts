import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { queryBoolean } from '../validators';

export class ClusterImportQuery {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      'Import the good rows and report the bad ones (default: any bad row means nothing is imported)',
  })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  partial: boolean = false;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Check every row and report, but write nothing',
  })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  dryRun: boolean = false;
}

export class CsvRowError {
  @ApiProperty({ description: 'Line in the file (the header is line 1)', example: 3 }) line!: number;
  @ApiProperty({ description: 'CSV column at fault (`row` for the row as a whole)', example: 'kind' })
  field!: string;
  @ApiProperty({ description: 'The rule broken', example: 'isIn' }) rule!: string;
  @ApiProperty({ example: 'kind must be one of the following values: ip, fm_wired, fm_wireless' })
  message!: string;
}

export class ImportedCluster {
  @ApiProperty() code!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Line in the file' }) line!: number;
}

export class ImportedCredential {
  @ApiProperty() code!: string;
  @ApiProperty({ format: 'uuid', description: 'MQTT username (the cluster id)' }) username!: string;
  @ApiProperty({ format: 'uuid', description: 'MQTT client id (the cluster id)' }) clientId!: string;
  @ApiProperty({ description: 'MQTT password, shown only in this response' }) password!: string;
}

export class ClusterImportResult {
  @ApiProperty({ description: 'Clusters written' }) imported!: number;
  @ApiProperty({ description: 'Rows in the file (without the header and empty lines)' }) rows!: number;
  @ApiProperty({ type: [CsvRowError] }) errors!: CsvRowError[];
  @ApiProperty({ type: [ImportedCluster] }) clusters!: ImportedCluster[];
  @ApiProperty({ type: [ImportedCredential], description: 'One per IP cluster imported' })
  credentials!: ImportedCredential[];
  @ApiPropertyOptional({ description: 'Broker URL for the devices' }) brokerUrl?: string;
  @ApiPropertyOptional({ description: 'True when nothing was written because dryRun was asked' })
  dryRun?: boolean;
}
