import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from './access.decorators';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './api-key.dto';
import type { Principal } from './scope';

@ApiTags('api-keys')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @RequirePermission('api_keys.manage')
  @ApiOperation({ summary: 'API keys whose scope lies inside mine, with when they were last used' })
  @ApiOkResponse({ type: [ApiKeyView] })
  list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyView[]> {
    return this.keys.list(principal);
  }

  @Post()
  @RequirePermission('api_keys.manage')
  @ApiOperation({ summary: 'Create a key for a machine client; the key is in this response only' })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    return this.keys.create(principal, dto);
  }

  @Delete(':id')
  @RequirePermission('api_keys.manage')
  @ApiOperation({ summary: 'Revoke a key (it stops working at once; the record stays)' })
  @ApiOkResponse({ type: ApiKeyView })
  @ApiNotFoundResponse()
  revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ApiKeyView> {
    return this.keys.revoke(principal, id);
  }
}
