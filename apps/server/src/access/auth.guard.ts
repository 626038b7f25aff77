import {
  ForbiddenException,
  Injectable,
  Logger,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AUTHENTICATED_KEY, PERMISSION_KEY, PUBLIC_KEY } from './access.decorators';
import { Authenticator, type AuthRequest } from './authenticator.service';
import { hasPermission, type Permission } from './permissions';

/**
 * The one guard every HTTP route passes. A route is public only if it says so; otherwise it must declare the
 * permission it needs, and a route that declares nothing is refused (fail closed). Device messages (MQTT)
 * are authenticated by the broker, not here.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    const anyRole = this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_KEY, targets);
    const req = context.switchToHttp().getRequest<AuthRequest>();
    if (!permission && !anyRole) {
      this.logger.error(
        { route: `${context.getClass().name}.${context.getHandler().name}` },
        'route declares no permission: refused',
      );
      throw new ForbiddenException('this route declares no permission and is refused');
    }
    try {
      req.principal = await this.authenticator.authenticate(req);
    } catch (err) {
      if (err instanceof UnauthorizedException)
        context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="loa-xa"');
      throw err;
    }
    if (permission && !hasPermission(req.principal.role, permission))
      throw new ForbiddenException(`role ${req.principal.role} may not do this (needs ${permission})`);
    return true;
  }
}
