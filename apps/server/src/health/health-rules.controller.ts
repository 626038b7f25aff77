import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { RuleId } from '@loa-xa/health';
import { CurrentPrincipal, RequirePermission } from '../access/access.decorators';
import type { Principal } from '../access/scope';
import {
  EffectiveQuery,
  EffectiveRulesDto,
  OverrideListQuery,
  ParamSpecDto,
  PutRuleOverrideDto,
  RuleDefinitionDto,
  RuleOverrideParams,
  RuleOverrideView,
} from './health-rule.dto';
import { HealthRulesService } from './health-rules.service';

@ApiTags('health rules')
@ApiExtraModels(ParamSpecDto)
@Controller('api/v1/health-rules')
export class HealthRulesController {
  constructor(private readonly rules: HealthRulesService) {}

  @Get()
  @RequirePermission('alerts.read')
  @ApiOperation({ summary: 'The health rules, their default severity and thresholds' })
  @ApiOkResponse({ type: [RuleDefinitionDto] })
  catalogue(): RuleDefinitionDto[] {
    return this.rules.catalogue();
  }

  @Get('effective')
  @RequirePermission('alerts.read')
  @ApiOperation({ summary: 'The rules in force for a unit, and which unit set each value' })
  @ApiOkResponse({ type: EffectiveRulesDto })
  @ApiNotFoundResponse()
  effective(
    @CurrentPrincipal() principal: Principal,
    @Query() query: EffectiveQuery,
  ): Promise<EffectiveRulesDto> {
    return this.rules.effective(principal, query.unitId);
  }

  @Get('overrides')
  @RequirePermission('alerts.read')
  @ApiOperation({ summary: 'Overrides set by units in my scope (or on and below unitId)' })
  @ApiOkResponse({ type: [RuleOverrideView] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: OverrideListQuery,
  ): Promise<RuleOverrideView[]> {
    return this.rules.list(principal, query.unitId);
  }

  @Put('overrides/:unitId/:rule')
  @RequirePermission('health.configure')
  @ApiOperation({
    summary:
      'Set what a province, district or commune changes of a rule (enabled, severity, thresholds); clusters there are judged again at once',
  })
  @ApiOkResponse({ type: RuleOverrideView })
  @ApiNotFoundResponse()
  @ApiForbiddenResponse({ description: 'The unit is above my scope' })
  @ApiConflictResponse({ description: 'Stale revision' })
  put(
    @CurrentPrincipal() principal: Principal,
    @Param() params: RuleOverrideParams,
    @Body() body: PutRuleOverrideDto,
  ): Promise<RuleOverrideView> {
    return this.rules.put(principal, params.unitId, params.rule as RuleId, body);
  }

  @Delete('overrides/:unitId/:rule')
  @HttpCode(204)
  @RequirePermission('health.configure')
  @ApiOperation({ summary: 'Remove an override: the unit inherits again' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  @ApiForbiddenResponse({ description: 'The unit is above my scope' })
  async remove(@CurrentPrincipal() principal: Principal, @Param() params: RuleOverrideParams): Promise<void> {
    await this.rules.remove(principal, params.unitId, params.rule as RuleId);
  }
}
