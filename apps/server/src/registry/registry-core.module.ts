import { Module } from '@nestjs/common';
import { CredentialsService } from './credentials.service';

/** What the broker needs from the registry: credential checks. Kept apart so the broker does not pull the API in. */
@Module({ providers: [CredentialsService], exports: [CredentialsService] })
export class RegistryCoreModule {}
