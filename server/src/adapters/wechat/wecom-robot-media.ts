import crypto from 'node:crypto';
import { WeChatCallError } from './wechat-call-error.js';
import type { WxReply } from './http.js';

/**
 * Group-robot images and files (https://developer.work.weixin.qq.com/document/path/91770):
 * - an image goes inline: `{msgtype:'image', image:{base64, md5}}`, the base64 and the MD5 of the raw bytes
 *   of a JPG or PNG of at most 2 MB (before encoding);
 * - a file is first uploaded, `POST cgi-bin/webhook/upload_media?key=KEY&type=file` with a multipart part named
 *   `media` (more than 5 bytes, at most 20 MB), for a media_id that is valid for 3 days; then
 *   `{msgtype:'file', file:{media_id}}`.
 */
export const ROBOT_IMAGE_MAX_BYTES = 2 * 1024 * 1024;
export const ROBOT_FILE_MAX_BYTES = 20 * 1024 * 1024;
export const ROBOT_FILE_MIN_BYTES = 6;

export function imageBody(bytes: Buffer): Record<string, unknown> {
  return { msgtype: 'image', image: { base64: bytes.toString('base64'), md5: crypto.createHash('md5').update(bytes).digest('hex') } };
}

/**
 * Uploads a file for the robot and answers its media_id. Multipart goes through fetch/FormData (rare, large
 * bodies; the JSON sends keep node:http, see http.ts). A non-zero errcode is thrown as WeChatCallError.
 */
export async function uploadRobotFile(apiBase: string, key: string, file: { name: string; bytes: Buffer }, timeoutMs: number): Promise<string> {
  const url = `${apiBase.replace(/\/+$/, '')}/cgi-bin/webhook/upload_media?key=${encodeURIComponent(key)}&type=file`;
  const form = new FormData();
  form.append('media', new Blob([new Uint8Array(file.bytes)]), file.name);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const name = (err as Error)?.name;
    throw new WeChatCallError(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', 'upload_media failed');
  }
  if (!res.ok) throw new WeChatCallError(`http_${res.status}`, 'upload_media failed');
  const json = (await res.json().catch(() => ({}))) as WxReply;
  if (json.errcode) throw new WeChatCallError(json.errcode, json.errmsg ?? '');
  if (typeof json.media_id !== 'string') throw new WeChatCallError('network', 'upload_media answered no media_id');
  return json.media_id;
}
