import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec_test';
  const body = JSON.stringify({ event: 'ping', deliveryId: 'd1', note: 'Xã Hoà' });
  const at = new Date('2026-03-12T07:00:00Z');

  it('is t=<unix seconds>,v1=<HMAC-SHA256 of "<t>.<body>">', () => {
    const header = signatureHeader(secret, body, at);
    const t = at.getTime() / 1000;
    const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${mac}`);
  });

  it('verifies with the secret, within the tolerance only', () => {
    const header = signatureHeader(secret, body, at);
    expect(verifySignature(secret, body, header, at)).toBe(true);
    expect(verifySignature('other', body, header, at)).toBe(false);
    expect(verifySignature(secret, `${body} `, header, at)).toBe(false);
    expect(verifySignature(secret, body, header, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifySignature(secret, body, 'garbage', at)).toBe(false);
  });
});
