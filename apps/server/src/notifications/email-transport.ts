import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { SendResult } from './webhook-transport';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  deliveryId: string;
}

/** Alert email over SMTP_URL (nodemailer); absent when SMTP_URL is not set. */
@Injectable()
export class EmailTransport implements BeforeApplicationShutdown {
  private transport: Transporter | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.smtpUrl);
  }

  async send(message: EmailMessage): Promise<SendResult> {
    if (!this.config.smtpUrl) return { ok: false, statusCode: null, error: 'SMTP_URL is not set' };
    this.transport ??= createTransport({
      url: this.config.smtpUrl,
      pool: true,
      maxConnections: 4,
      connectionTimeout: this.config.webhookTimeoutMs,
      greetingTimeout: this.config.webhookTimeoutMs,
      socketTimeout: this.config.webhookTimeoutMs,
    });
    try {
      await this.transport.sendMail({
        from: this.config.alertEmailFrom,
        to: message.to,
        subject: message.subject,
        text: message.text,
        headers: { 'X-Loa-Delivery': message.deliveryId },
      });
      return { ok: true, statusCode: 250, error: null };
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message?: string };
      return {
        ok: false,
        statusCode: typeof e.responseCode === 'number' ? e.responseCode : null,
        error: [e.code, e.message].filter(Boolean).join(': ') || String(err),
      };
    }
  }

  beforeApplicationShutdown(): void {
    this.transport?.close();
    this.transport = null;
  }
}
