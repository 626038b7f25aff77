import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { Authenticated, CurrentPrincipal, Public } from './access.decorators';
import { AuthService, type ClientInfo } from './auth.service';
import { Authenticator, SESSION_COOKIE, type AuthRequest } from './authenticator.service';
import {
  ChangePasswordDto,
  CookieSessionView,
  LoginDto,
  LogoutDto,
  MeView,
  RefreshDto,
  SessionView,
  TokensView,
} from './auth.dto';
import type { Principal } from './scope';

@ApiTags('auth')
@ApiExtraModels(TokensView, CookieSessionView)
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly authenticator: Authenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('session')
  @Public()
  @ApiOperation({
    summary: 'Whether this browser is signed in, and as whom',
    description:
      'Like /auth/me but answers 200 with `signedIn: false` instead of 401, so the console can ask on load without an error.',
  })
  @ApiOkResponse({ type: SessionView })
  async session(@Req() req: AuthRequest): Promise<SessionView> {
    try {
      return { signedIn: true, me: this.auth.me(await this.authenticator.authenticate(req)) };
    } catch (err) {
      if (err instanceof UnauthorizedException) return { signedIn: false, me: null };
      throw err;
    }
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in: tokens for API clients, or (cookie=true) an HTTP-only session cookie for the console',
    description:
      'Five wrong passwords in a row (LOGIN_MAX_FAILURES) lock the account for LOGIN_LOCKOUT_S; an address may try LOGIN_RATE_PER_MIN times a minute. Both answer 429 with Retry-After.',
  })
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(TokensView) }, { $ref: getSchemaPath(CookieSessionView) }] },
  })
  @ApiUnauthorizedResponse({ description: 'Wrong username or password, or a disabled account' })
  @ApiTooManyRequestsResponse({ description: 'Locked account or too many attempts from this address' })
  async login(
    @Body() dto: LoginDto,
    @Req() req: AuthRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokensView | CookieSessionView> {
    const result = await this.auth.login(dto, clientOf(req));
    if (result.kind === 'tokens') return result.tokens;
    res.cookie(SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.secureCookies === 'auto' ? req.secure : this.config.secureCookies === 'true',
      path: '/',
      expires: result.expiresAt,
    });
    return { user: result.user, expiresAt: result.expiresAt };
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'New access and refresh tokens for a refresh token (which is then used up)' })
  @ApiOkResponse({ type: TokensView })
  @ApiUnauthorizedResponse({ description: 'Invalid, expired or already used refresh token' })
  refresh(@Body() dto: RefreshDto, @Req() req: AuthRequest): Promise<TokensView> {
    return this.auth.refresh(dto.refreshToken, clientOf(req));
  }

  @Post('logout')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({
    summary: 'End the current session (or the one a refresh token names) and clear the cookie',
  })
  @ApiNoContentResponse()
  async logout(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: LogoutDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logout(principal, dto.refreshToken);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'Who I am: role, scope and permissions' })
  @ApiOkResponse({ type: MeView })
  me(@CurrentPrincipal() principal: Principal): MeView {
    return this.auth.me(principal);
  }

  @Post('password')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change my password; my other sessions end' })
  @ApiNoContentResponse()
  changePassword(@CurrentPrincipal() principal: Principal, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(principal, dto);
  }
}

export function clientOf(req: AuthRequest): ClientInfo {
  const ua = req.headers['user-agent'];
  return {
    ip: req.ip ?? req.socket.remoteAddress ?? null,
    userAgent: typeof ua === 'string' ? ua : null,
    requestId: typeof req.id === 'string' ? req.id : null,
  };
}
