// Random bytes never crash a parser or a signature check (fast-check, https://fast-check.dev/): the WeChat
// push XML and its signatures (official account), the partner channels' HMAC, and the multipart parser behind
// every photo upload. Each answers with a value or its own typed refusal (an HTTP 4xx at the edge), never a
// crash or a 5xx.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import Koa from 'koa';
import { parsePushXml, openPush, pushSignature, signatureMatches as wechatSignatureMatches, verifyUrl, PushRefused, buildXml } from '../../server/src/adapters/wechat/push-crypto.js';
import { signPayload, signatureMatches as partnerSignatureMatches, NONCE_FORMAT } from '../../server/src/usecases/channels/signing.js';
import { multipartFields, multipartPhotos, uploadedFiles } from '../../server/src/http/multipart.js';
import { errorMiddleware } from '../../server/src/http/errors.js';
import { createLogger } from '../../server/src/logger.js';
import { fuzzProfile } from './support/profile.js';

const profile = fuzzProfile();
const runs = { numRuns: profile.propertyRuns, seed: profile.seed };
const SECRETS = { token: 'fuzz-token', appId: 'wx0123456789abcdef', aesKeys: ['abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'] };

/** Text that looks like a push some of the time: tags, CDATA, entities, DTDs, and plain noise. */
const xmlish = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.oneof(fc.constantFrom('<xml>', '</xml>', '<a>', '</a>', '<![CDATA[', ']]>', '&amp;', '&#0;', '<!DOCTYPE x [<!ENTITY e "x">]>', '<?xml version="1.0"?>', '<Encrypt>', '</Encrypt>', '<', '>', '/', '"', "'"), fc.string({ maxLength: 10 })), { maxLength: 40 }).map((parts) => parts.join('')),
  fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,10}$/), fc.string({ maxLength: 40 }), { maxKeys: 6 }).map((fields) => buildXml(fields)),
);

/** Characters XML 1.0 cannot carry (https://www.w3.org/TR/xml/#charsets): WeChat never sends them. */
const notXml = (v: string): boolean =>
  [...v].some((ch) => {
    const c = ch.codePointAt(0)!;
    return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff;
  });

function refusedOrValue(run: () => unknown): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof PushRefused)) throw err;
  }
}

describe(`parsers and signature checks under random input (${profile.propertyRuns} runs, seed ${profile.seed})`, () => {
  it('reads any text as push XML or refuses it as PushRefused, and reads back what buildXml wrote', () => {
    fc.assert(fc.property(xmlish, (xml) => refusedOrValue(() => parsePushXml(xml))), runs);
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,10}$/), fc.string({ maxLength: 40 }).filter((v) => !notXml(v)), { minKeys: 1, maxKeys: 6 }), (fields) => {
        const read = parsePushXml(buildXml(fields));
        // CDATA text comes back verbatim (an empty element may read as absent).
        for (const [k, v] of Object.entries(fields)) expect(read[k] ?? '').toBe(v);
      }),
      runs,
    );
  });

  it('opens a correctly signed push of any body, plain or safe mode, or refuses it as PushRefused', () => {
    const now = 1_790_000_000;
    const query = fc.record({
      timestamp: fc.oneof(fc.constant(String(now)), fc.string({ maxLength: 14 })),
      nonce: fc.oneof(fc.constant('n0nce'), fc.string({ maxLength: 70 })),
      encrypt_type: fc.option(fc.constantFrom('aes', 'raw', ''), { nil: undefined }),
      msg_signature: fc.option(fc.string({ maxLength: 41 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(query, xmlish, fc.boolean(), fc.boolean(), (q, body, signIt, safe) => {
        const signature = signIt ? pushSignature(SECRETS.token, q.timestamp, q.nonce) : 'f'.repeat(40);
        const encrypted = safe ? parsePushXmlOrNull(body)?.Encrypt : undefined;
        const msg = encrypted !== undefined && signIt ? pushSignature(SECRETS.token, q.timestamp, q.nonce, encrypted) : q.msg_signature;
        refusedOrValue(() => openPush(SECRETS, { ...q, signature, msg_signature: msg }, body, now, { windowSeconds: 300, requireSafeMode: safe }));
      }),
      runs,
    );
    fc.assert(
      fc.property(fc.record({ timestamp: fc.string({ maxLength: 12 }), nonce: fc.string({ maxLength: 12 }), echostr: fc.string({ maxLength: 1100 }), signature: fc.option(fc.string({ maxLength: 41 }), { nil: undefined }), msg_signature: fc.option(fc.string({ maxLength: 41 }), { nil: undefined }) }), (q) => {
        refusedOrValue(() => verifyUrl(SECRETS, q));
      }),
      runs,
    );
  });

  it('compares WeChat signatures without throwing, true only for the signature itself (any letter case)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.option(fc.string({ maxLength: 60 }), { nil: undefined }), (timestamp, nonce, given) => {
        const expected = pushSignature(SECRETS.token, timestamp, nonce);
        expect(wechatSignatureMatches(expected, given)).toBe(given !== undefined && given.toLowerCase() === expected);
        expect(wechatSignatureMatches(expected, expected.toUpperCase())).toBe(true);
      }),
      runs,
    );
  });

  it('checks partner HMAC signatures of any bytes without throwing: true exactly for the body\'s own signature', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.string(), fc.uint8Array({ maxLength: 512 }), fc.string({ maxLength: 80 }), (secret, timestamp, nonce, bytes, forged) => {
        const body = Buffer.from(bytes);
        const good = signPayload(secret, timestamp, nonce, body);
        expect(partnerSignatureMatches(secret, timestamp, nonce, body, good)).toBe(true);
        expect(partnerSignatureMatches(secret, timestamp, nonce, body, good.toUpperCase())).toBe(true);
        expect(partnerSignatureMatches(secret, timestamp, nonce, body, forged)).toBe(forged.toLowerCase() === good);
        const flipped = Buffer.from(body);
        if (flipped.length) {
          flipped[0] = flipped[0]! ^ 1;
          expect(partnerSignatureMatches(secret, timestamp, nonce, flipped, good)).toBe(false);
        }
      }),
      runs,
    );
    expect(NONCE_FORMAT.test('abcdefgh')).toBe(true);
  });
});

function parsePushXmlOrNull(xml: string): Record<string, string> | null {
  try {
    return parsePushXml(xml);
  } catch {
    return null;
  }
}

describe(`the multipart parser under random bodies (${profile.propertyRuns} runs, seed ${profile.seed})`, () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    const app = new Koa();
    app.use(errorMiddleware(createLogger('silent')));
    app.use(multipartPhotos({ field: 'photos', max: 3, maxFileBytes: 64 * 1024, maxFieldBytes: 1024, maxFields: 10 }));
    app.use((ctx) => {
      ctx.body = { fields: Object.keys(multipartFields(ctx)).length, files: uploadedFiles(ctx).length };
    });
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A body that is multipart some of the time: parts with random names, headers and bytes, broken anywhere. */
  const part = fc.record({
    name: fc.oneof(fc.constantFrom('photos', 'note', 'lat', ''), fc.string({ maxLength: 120 })),
    filename: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    type: fc.option(fc.constantFrom('image/jpeg', 'text/plain', 'application/octet-stream', ''), { nil: undefined }),
    data: fc.uint8Array({ maxLength: 2048 }),
  });
  const body = (boundary: string) =>
    fc.oneof(
      fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
      fc.tuple(fc.array(part, { maxLength: 14 }), fc.boolean(), fc.nat({ max: 4096 })).map(([parts, close, cut]) => {
        const chunks = parts.map((p) => Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n${p.type !== undefined ? `Content-Type: ${p.type}\r\n` : ''}\r\n`),
          Buffer.from(p.data),
          Buffer.from('\r\n'),
        ]));
        const whole = Buffer.concat([...chunks, Buffer.from(close ? `--${boundary}--\r\n` : '')]);
        return cut % 3 === 0 ? whole.subarray(0, cut % (whole.length + 1)) : whole;
      }),
    );

  it('answers any body with 200 or a 4xx in the error shape, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('XyZ123', '----fuzz', 'a').chain((boundary) => fc.tuple(fc.constant(boundary), body(boundary))),
        fc.constantFrom('multipart/form-data; boundary=', 'multipart/form-data; boundary="', 'multipart/form-data', 'multipart/mixed; boundary='),
        async ([boundary, data], typePrefix) => {
        const contentType = typePrefix.endsWith('=') || typePrefix.endsWith('"') ? `${typePrefix}${boundary}` : typePrefix;
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: data });
        const json = (await res.json()) as { error?: { code: string } };
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(typeof json.error?.code).toBe('string');
        },
      ),
      { numRuns: Math.min(profile.propertyRuns, 50), seed: profile.seed },
    );
  });
});
