import { SetMetadata, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Permission } from './permissions';
import type { Principal } from './scope';

export const PERMISSION_KEY = 'loa:permission';
export const PUBLIC_KEY = 'loa:public';
export const AUTHENTICATED_KEY = 'loa:authenticated';

/** Security scheme names in the OpenAPI document. */
export const SECURITY = { bearer: 'bearer', cookie: 'session', apiKey: 'apiKey' } as const;

/**
 * The right a route needs. The global guard refuses any route that declares neither this nor @Public,
 * so a forgotten declaration fails closed.
 */
export function RequirePermission(permission: Permission): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(PERMISSION_KEY, permission),
    ...signedInDocs(),
    ApiForbiddenResponse({ description: `Needs the permission ${permission}` }),
  );
}

/** A route any signed-in caller may use, whatever the role (who am I, log out, change my password). */
export function Authenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(AUTHENTICATED_KEY, true), ...signedInDocs());
}

/** OpenAPI: the route takes any of the three credentials, and answers 401 without one. */
function signedInDocs(): (MethodDecorator & ClassDecorator)[] {
  return [
    ApiBearerAuth(SECURITY.bearer),
    ApiCookieAuth(SECURITY.cookie),
    ApiSecurity(SECURITY.apiKey),
    ApiUnauthorizedResponse({ description: 'No valid access token, API key or session cookie' }),
  ];
}

/** A route anyone may call (login, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** The authenticated caller of this request (set by the guard). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
