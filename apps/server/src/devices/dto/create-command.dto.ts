import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import type { CommandType } from '@loa-xa/protocol';

/**
 * Maintenance commands to one cluster. play_now and stop go through /api/v1/broadcasts, which checks the
 * priority the caller may use and signs the media URLs.
 */
export const MAINTENANCE_COMMANDS = [
  'set_volume',
  'reboot',
  'ping',
] as const satisfies readonly CommandType[];

export class CreateCommandDto {
  @ApiProperty({ enum: MAINTENANCE_COMMANDS, example: 'set_volume' })
  @IsIn(MAINTENANCE_COMMANDS, {
    message: `type must be one of ${MAINTENANCE_COMMANDS.join(', ')} (play_now and stop: POST /api/v1/broadcasts)`,
  })
  type!: (typeof MAINTENANCE_COMMANDS)[number];

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
