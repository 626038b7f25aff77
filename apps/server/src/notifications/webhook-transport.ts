import { signatureHeader } from './webhook-signature';

/** What one attempt got back. */
export interface SendResult {
  ok: boolean;
  /** HTTP status (webhooks) or SMTP reply code (email); null when no answer came. */
  statusCode: number | null;
  error: string | null;
}

export interface WebhookRequest {
  url: string;
  secret: string;
  deliveryId: string;
  event: string;
  body: string;
  timeoutMs: number;
  /** Aborts the request (server shutting down). */
  signal: AbortSignal;
}

/** Bytes of a failed response's body kept for the delivery log. */
const BODY_EXCERPT = 200;

/**
 * POSTs one signed delivery. 2xx is success; anything else — another status (redirects are not followed),
 * no answer within the timeout, a network error — is a failure to retry.
 */
export async function postWebhook(req: WebhookRequest): Promise<SendResult> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  try {
    const res = await fetch(req.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.any([timeout, req.signal]),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'loa-xa',
        'x-loa-event': req.event,
        'x-loa-delivery': req.deliveryId,
        'x-loa-signature': signatureHeader(req.secret, req.body),
      },
      body: req.body,
    });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: true, statusCode: res.status, error: null };
    }
    const excerpt = await readExcerpt(res);
    return {
      ok: false,
      statusCode: res.status,
      error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`,
    };
  } catch (err) {
    if (timeout.aborted)
      return { ok: false, statusCode: null, error: `no answer within ${req.timeoutMs} ms` };
    if (req.signal.aborted) return { ok: false, statusCode: null, error: 'cut short: server shutting down' };
    return { ok: false, statusCode: null, error: describeNetworkError(err) };
  }
}

async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_EXCERPT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // a broken body still leaves the status to report
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, BODY_EXCERPT).replace(/\s+/g, ' ').trim();
}

/** fetch hides the system error (ECONNREFUSED…) in `cause`. */
function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return err instanceof Error ? err.message : String(err);
}
