import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMMAND_STATES, type DeviceCommand } from '@loa-xa/persistence';

export class CommandErrorView {
  @ApiProperty() code!: string;
  @ApiPropertyOptional() message?: string | null;
}

/** A command as the API shows it. */
export class CommandView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clusterId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty({ enum: COMMAND_STATES }) status!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() expiresAt!: Date;
  @ApiPropertyOptional({ nullable: true }) deliveredAt!: Date | null;
  @ApiPropertyOptional({ nullable: true }) completedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true }) result!: Record<
    string,
    unknown
  > | null;
  @ApiPropertyOptional({ nullable: true, type: CommandErrorView }) error!: CommandErrorView | null;

  static from(row: DeviceCommand): CommandView {
    return {
      id: row.id,
      clusterId: row.clusterId,
      type: row.type,
      params: row.params,
      status: row.status,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      deliveredAt: row.deliveredAt,
      completedAt: row.completedAt,
      result: row.result,
      error: row.errorCode ? { code: row.errorCode, message: row.errorMessage } : null,
    };
  }
}
