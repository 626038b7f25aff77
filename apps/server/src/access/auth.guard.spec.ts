import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticated, Public, RequirePermission } from './access.decorators';
import { AuthGuard } from './auth.guard';
import type { Authenticator } from './authenticator.service';
import type { Principal } from './scope';

class Routes {
  undeclared(): void {}
  @Public() open(): void {}
  @Authenticated() anyone(): void {}
  @RequirePermission('clusters.write') write(): void {}
}

const viewer: Principal = {
  kind: 'user',
  id: 'u1',
  name: 'viewer',
  role: 'viewer',
  scope: null,
  ip: null,
  requestId: null,
};

function context(handler: keyof Routes, type = 'http'): ExecutionContext {
  const req = { headers: {} };
  const res = { setHeader: jest.fn() };
  return {
    getType: () => type,
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ExecutionContext;
}

describe('AuthGuard', () => {
  const signedIn = { authenticate: jest.fn(async () => viewer) } as unknown as Authenticator;
  const anonymous = {
    authenticate: jest.fn(async () => {
      throw new UnauthorizedException('no');
    }),
  } as unknown as Authenticator;

  it('refuses a route that declares nothing, even for a signed-in caller (fail closed)', async () => {
    await expect(new AuthGuard(new Reflector(), signedIn).canActivate(context('undeclared'))).rejects.toThrow(
      ForbiddenException,
    );
  });

  it('lets anyone through a public route and any signed-in caller through an authenticated one', async () => {
    expect(await new AuthGuard(new Reflector(), anonymous).canActivate(context('open'))).toBe(true);
    expect(await new AuthGuard(new Reflector(), signedIn).canActivate(context('anyone'))).toBe(true);
    await expect(new AuthGuard(new Reflector(), anonymous).canActivate(context('anyone'))).rejects.toThrow(
      UnauthorizedException,
    );
  });

  it('checks the declared permission against the role', async () => {
    await expect(new AuthGuard(new Reflector(), signedIn).canActivate(context('write'))).rejects.toThrow(
      /role viewer may not do this \(needs clusters.write\)/,
    );
  });

  it('leaves device messages (MQTT) to the broker', async () => {
    expect(await new AuthGuard(new Reflector(), anonymous).canActivate(context('undeclared', 'rpc'))).toBe(
      true,
    );
  });
});
