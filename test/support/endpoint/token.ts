/**
 * LookupEvents NextToken: an opaque, tamper-evident cursor that is valid only with the parameters it came
 * from (same account, region, lookup attribute, start/end time and event category), as the real API says.
 * MaxResults may change between pages. The cursor names the next event by (time, sequence number), so it
 * survives nothing but the data it was cut from.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LookupQueryIdentity {
  accountId: string;
  region: string;
  attributeKey?: string;
  attributeValue?: string;
  /** As sent by the client (epoch seconds), not defaulted. */
  startTime?: number;
  endTime?: number;
  eventCategory?: string;
}

export interface Cursor {
  /** Epoch second of the next event to return. */
  time: number;
  /** Sequence number of the next event to return. */
  seq: number;
}

export function queryFingerprint(query: LookupQueryIdentity): string {
  return JSON.stringify([
    query.accountId,
    query.region,
    query.attributeKey ?? null,
    query.attributeValue ?? null,
    query.startTime ?? null,
    query.endTime ?? null,
    query.eventCategory ?? null,
  ]);
}

export class NextTokenCodec {
  constructor(private readonly secret: string) {}

  encode(query: LookupQueryIdentity, cursor: Cursor): string {
    const payload = Buffer.from(JSON.stringify({ v: 1, t: cursor.time, s: cursor.seq }), 'utf8');
    const mac = this.mac(queryFingerprint(query), payload);
    return Buffer.concat([payload, mac]).toString('base64');
  }

  /** The cursor, or undefined when the token is garbled, forged or was cut for other parameters. */
  decode(query: LookupQueryIdentity, token: string): Cursor | undefined {
    const raw = Buffer.from(token, 'base64');
    if (raw.length <= MAC_BYTES) return undefined;
    const payload = raw.subarray(0, raw.length - MAC_BYTES);
    const mac = raw.subarray(raw.length - MAC_BYTES);
    const expected = this.mac(queryFingerprint(query), payload);
    if (!timingSafeEqual(mac, expected)) return undefined;
    try {
      const value = JSON.parse(payload.toString('utf8')) as { v?: unknown; t?: unknown; s?: unknown };
      if (value.v !== 1 || typeof value.t !== 'number' || typeof value.s !== 'number') return undefined;
      return { time: value.t, seq: value.s };
    } catch {
      return undefined;
    }
  }

  private mac(fingerprint: string, payload: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(fingerprint).update('\u0000').update(payload).digest().subarray(0, MAC_BYTES);
  }
}

const MAC_BYTES = 24;
