import crypto from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { decrypt, encrypt } from '@wecom/crypto';
import { assertNoDtd, buildXml, decryptPush, encryptReply, parsePushXml, pushSignature, signatureMatches } from './push-crypto.js';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const OLD_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
const APP = 'wx0123456789abcdef';

describe('push signatures', () => {
  it('is the sha1 of token, timestamp and nonce sorted and joined, as in WeChat’s URL check', () => {
    const expected = crypto.createHash('sha1').update(['1700000000', 'nonce42', 'tok'].sort().join('')).digest('hex');
    expect(pushSignature('tok', '1700000000', 'nonce42')).toBe(expected);
    expect(signatureMatches(expected, expected.toUpperCase())).toBe(true);
    expect(signatureMatches(expected, expected.slice(0, -1) + (expected.endsWith('0') ? '1' : '0'))).toBe(false);
    expect(signatureMatches(expected, undefined)).toBe(false);
    expect(signatureMatches(expected, 'short')).toBe(false);
  });

  it('adds the ciphertext to the sorted parts for msg_signature', () => {
    const expected = crypto.createHash('sha1').update(['tok', '1', 'n', 'CIPHER'].sort().join('')).digest('hex');
    expect(pushSignature('tok', '1', 'n', 'CIPHER')).toBe(expected);
  });
});

describe('safe-mode AES', () => {
  it('decrypts what WeChat encrypted and checks the trailing AppID', () => {
    const c = encrypt(KEY, '<xml><Content>你好</Content></xml>', APP);
    expect(decryptPush([KEY], APP, c)).toEqual({ message: '<xml><Content>你好</Content></xml>', aesKey: KEY });
    expect(() => decryptPush([KEY], APP, encrypt(KEY, '<xml/>', 'wxsomeoneelse0000'))).toThrow(expect.objectContaining({ reason: 'app_id' }));
  });

  it('falls back to the previous EncodingAESKey during a rotation', () => {
    const c = encrypt(OLD_KEY, '<xml/>', APP);
    expect(decryptPush([KEY, OLD_KEY], APP, c).aesKey).toBe(OLD_KEY);
    expect(() => decryptPush([KEY], APP, c)).toThrow(expect.objectContaining({ reason: 'decrypt' }));
  });

  it('refuses garbage instead of throwing a library error', () => {
    for (const junk of ['', 'not base64 at all', Buffer.alloc(48, 7).toString('base64')]) {
      expect(() => decryptPush([KEY], APP, junk)).toThrow(expect.objectContaining({ name: 'PushRefused' }));
    }
  });

  it('encrypts a reply that WeChat can verify and decrypt', () => {
    const env = parsePushXml(encryptReply({ aesKey: KEY, appId: APP, token: 'tok', xml: '<xml><a>1</a></xml>', timestamp: '1700000000', nonce: 'n1' }));
    expect(env.MsgSignature).toBe(pushSignature('tok', '1700000000', 'n1', env.Encrypt));
    expect(env.TimeStamp).toBe('1700000000');
    expect(decrypt(KEY, env.Encrypt!)).toMatchObject({ message: '<xml><a>1</a></xml>', id: APP });
  });
});

describe('push XML', () => {
  it('reads the flat message WeChat sends, keeping the 64-bit MsgId exact', () => {
    const m = parsePushXml(
      '<?xml version="1.0"?><xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_abc]]></FromUserName>' +
        '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a < b & c]]></Content><MsgId>23456789012345678901</MsgId></xml>',
    );
    expect(m).toEqual({ ToUserName: 'gh_1', FromUserName: 'o_abc', CreateTime: '1700000000', MsgType: 'text', Content: 'a < b & c', MsgId: '23456789012345678901' });
  });

  it('refuses a DTD before parsing: XXE and billion laughs', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>';
    const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>';
    for (const x of [xxe, lol, '<! doctype x><xml/>', '<xml><!ENTITY a "b"></xml>']) {
      expect(() => assertNoDtd(x)).toThrow(expect.objectContaining({ reason: 'xml_doctype' }));
      expect(() => parsePushXml(x)).toThrow(expect.objectContaining({ reason: 'xml_doctype' }));
    }
  });

  it('leaves entity references as text and refuses malformed or foreign documents', () => {
    expect(parsePushXml('<xml><Content>&amp;&unknown;</Content></xml>').Content).toBe('&amp;&unknown;');
    expect(() => parsePushXml('<xml><a></xml>')).toThrow(expect.objectContaining({ reason: 'xml_malformed' }));
    expect(() => parsePushXml('<other>1</other>')).toThrow(expect.objectContaining({ reason: 'xml_malformed' }));
    expect(() => parsePushXml('')).toThrow(expect.objectContaining({ reason: 'xml_malformed' }));
  });

  it('writes CDATA safely, even around "]]>"', () => {
    const xml = buildXml({ Content: 'x]]><evil/>', CreateTime: 5 });
    expect(xml).toBe('<xml><Content><![CDATA[x]]]]><![CDATA[><evil/>]]></Content><CreateTime>5</CreateTime></xml>');
    expect(parsePushXml(xml)).toEqual({ Content: 'x]]><evil/>', CreateTime: '5' });
  });
});
