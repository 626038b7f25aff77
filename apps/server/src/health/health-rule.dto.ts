import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsUUID, Min } from 'class-validator';
import { RULE_IDS, SEVERITIES } from '@loa-xa/health';
import { OptionalNullable } from '../common/validation';

export class ParamSpecDto {
  @ApiProperty() default!: number;
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
  @ApiProperty({ enum: ['s', 'dBm', 'dB', '%', 'ms', 'MiB', 'count'] }) unit!: string;
  @ApiProperty() description!: string;
}

export class RuleNameDto {
  @ApiProperty() vi!: string;
  @ApiProperty() en!: string;
}

export class RuleDefinitionDto {
  @ApiProperty({ enum: RULE_IDS }) id!: string;
  @ApiProperty({ type: RuleNameDto }) name!: RuleNameDto;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: SEVERITIES, description: 'Default severity' }) severity!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ParamSpecDto' },
    description: 'Parameters by name',
  })
  params!: Record<string, ParamSpecDto>;
}

export class EffectiveRuleDto {
  @ApiProperty({ enum: RULE_IDS }) rule!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) params!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Which unit set each value (null: the built-in default): {enabled, severity, params}',
  })
  from!: Record<string, unknown>;
}

export class EffectiveRulesDto {
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: [EffectiveRuleDto] }) rules!: EffectiveRuleDto[];
}

export class EffectiveQuery {
  @ApiProperty({ format: 'uuid', description: 'A province, district or commune in my scope' })
  @IsUUID()
  unitId!: string;
}

export class OverrideListQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Overrides set on this unit and below' })
  @IsOptional()
  @IsUUID()
  unitId?: string;
}

export class RuleOverrideParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  unitId!: string;

  @ApiProperty({ enum: RULE_IDS })
  @IsIn(RULE_IDS)
  rule!: string;
}

export class PutRuleOverrideDto {
  @ApiPropertyOptional({ nullable: true, type: Boolean, description: 'null: inherit' })
  @OptionalNullable()
  @IsBoolean()
  enabled?: boolean | null;

  @ApiPropertyOptional({ nullable: true, enum: SEVERITIES, description: 'null: inherit' })
  @OptionalNullable()
  @IsIn(SEVERITIES)
  severity?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Parameters this unit changes (the rest inherited), e.g. {"rsrpDbm": -118}',
  })
  @OptionalNullable()
  @IsObject()
  params?: Record<string, number> | null;

  @ApiPropertyOptional({ description: 'The revision being replaced (409 if someone changed it meanwhile)' })
  @OptionalNullable()
  @IsInt()
  @Min(1)
  revision?: number | null;
}

export class RuleOverrideView {
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty() unitName!: string;
  @ApiProperty() unitLevel!: string;
  @ApiProperty({ enum: RULE_IDS }) rule!: string;
  @ApiProperty({ nullable: true, type: Boolean }) enabled!: boolean | null;
  @ApiProperty({ nullable: true, enum: SEVERITIES }) severity!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) params!: Record<string, number>;
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
