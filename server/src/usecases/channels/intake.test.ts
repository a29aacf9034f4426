import { describe, expect, it } from '@jest/globals';
import type { ChannelTicket } from '@finecity/types';
import { signPayload, signatureMatches } from './signing.js';
import { ticketHash } from './intake.js';

// The worked example of README "Connecting a partner platform", byte for byte: if this fails, the README lies.
const SECRET = 'sandbox-channel-12345-secret-not-a-real-secret';
const TIMESTAMP = '1796175060'; // 2026-12-02 09:31:00 北京时间
const NONCE = '3f9a1c7e52b04d18';
const BODY =
  '{"ticketNo":"12345-20261202-000871","receivedAt":"2026-12-02T09:30:00+08:00","content":"东北路99号门前垃圾堆放两天无人清理","categoryText":"城市管理/市容环境/暴露垃圾","address":"大连市西岗区香炉礁街道东北路99号","callerName":"王女士","callerPhone":"13800000000"}';
const SIGNATURE = 'd590038f713ca1e8dce0e92b7b4c04e8b617d18ef1e4dbb9ca967396b772df3e';

describe('the README signing example', () => {
  it('signs to the documented signature, over the UTF-8 bytes of the body', () => {
    expect(Buffer.byteLength(BODY)).toBe(309);
    expect(signPayload(SECRET, TIMESTAMP, NONCE, BODY)).toBe(SIGNATURE);
    expect(signPayload(SECRET, TIMESTAMP, NONCE, Buffer.from(BODY, 'utf8'))).toBe(SIGNATURE);
    expect(signatureMatches(SECRET, TIMESTAMP, NONCE, Buffer.from(BODY), SIGNATURE.toUpperCase())).toBe(true);
    expect(signatureMatches(SECRET, TIMESTAMP, NONCE, Buffer.from(`${BODY} `), SIGNATURE)).toBe(false);
  });
});

describe('ticketHash', () => {
  it('is the same for the same ticket in any key order, and differs for another ticket', () => {
    const a = JSON.parse(BODY) as ChannelTicket;
    const b = Object.fromEntries(Object.entries(a).reverse()) as unknown as ChannelTicket;
    expect(ticketHash(b)).toBe(ticketHash(a));
    expect(ticketHash({ ...a, content: '另一件事' })).not.toBe(ticketHash(a));
    expect(ticketHash({ ...a, urgent: undefined })).toBe(ticketHash(a));
  });
});
