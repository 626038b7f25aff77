import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import { COMMAND_TYPES, type CommandType } from '@loa-xa/protocol';

export class CreateCommandDto {
  @ApiProperty({ enum: COMMAND_TYPES, example: 'set_volume' })
  @IsIn(COMMAND_TYPES)
  type!: CommandType;

  @ApiPropertyOptional({
    description: 'Parameters of the command type: set_volume {volume 0–100}, reboot {delayS?}, ping {}',
    example: { volume: 70 },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Seconds before the command expires (default COMMAND_TTL_S)',
    minimum: 1,
    maximum: 2592000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30 * 86400)
  ttlS?: number;
}
