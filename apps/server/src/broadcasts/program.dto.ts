import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { MaxChars } from '../common/text';
import { OptionalNotNull } from '../common/validation';
import { trimmed } from '../registry/validators';

export class CreateProgramDto {
  @ApiProperty({ example: 'Bản tin sáng', maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @ValidateIf((o: CreateProgramDto) => o.description !== null && o.description !== undefined)
  @IsString()
  @Length(0, 2000)
  @MaxChars(2000)
  description?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Owner unit; default: your scope unit' })
  @OptionalNotNull()
  @IsUUID()
  unitId?: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Media assets in playing order (the same asset may appear twice)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  assetIds!: string[];
}

export class UpdateProgramDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @OptionalNotNull()
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  @MaxChars(200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @ValidateIf((o: UpdateProgramDto) => o.description !== null && o.description !== undefined)
  @IsString()
  @Length(0, 2000)
  @MaxChars(2000)
  description?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Replaces the items, in order' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  assetIds?: string[];
}

export class ProgramItemView {
  @ApiProperty() position!: number;
  @ApiProperty({ format: 'uuid' }) assetId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['processing', 'ready', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
}

export class ProgramView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: [ProgramItemView] }) items!: ProgramItemView[];
  @ApiProperty({ description: 'Sum of the items, ms (items not yet probed count as 0)' }) durationMs!: number;
  @ApiProperty({ description: 'Every item is transcoded and can be sent to devices' }) ready!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}
