import { createHmac } from 'node:crypto';
import { eventSentence, type EventPayload } from '../../domain/index.js';

/** The headers a receiver reads (documented in docs/webhooks.md). */
export const SIGNATURE_HEADER = 'x-hindsight-signature';
export const DELIVERY_HEADER = 'x-hindsight-delivery';
export const EVENT_HEADER = 'x-hindsight-event';

/** `sha256=` and the hex HMAC-SHA256 of the raw body under the subscription's secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * The body sent for an event: Hindsight's JSON (the payload plus the delivery id), or an incoming-webhook
 * message for Slack and Mattermost (`text`, and one section block with the same words).
 */
export function webhookBody(format: 'json' | 'slack', payload: EventPayload, deliveryId: string): string {
  if (format === 'slack') {
    const text = eventSentence(payload);
    return JSON.stringify({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  }
  return JSON.stringify({ ...payload, deliveryId });
}

/** How one attempt went: a 2xx is sent; anything else (status, network error, time-out) is a failure. */
export interface Attempt {
  ok: boolean;
  status: number | null;
  error?: string;
  /** No point trying again (the subscription is gone, the address is refused). */
  final?: boolean;
}

/**
 * POST one delivery. Redirects are not followed (a 3xx is a failure, so a subscription cannot be bounced to
 * another address), and the whole exchange, body included, is bounded by `timeoutMs`.
 */
export async function postWebhook(
  url: string,
  secret: string,
  event: string,
  deliveryId: string,
  body: string,
  timeoutMs: number,
): Promise<Attempt> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Hindsight-Webhook/1',
        [SIGNATURE_HEADER]: signBody(secret, body),
        [DELIVERY_HEADER]: deliveryId,
        [EVENT_HEADER]: event,
      },
      body,
    });
    // The answer's body is not needed; reading it (bounded by the same signal) frees the connection.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `the receiver answered ${res.status}` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const why =
      err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.message);
    return { ok: false, status: null, error: why };
  }
}
