/**
 * A copy of the sandbox's message record, kept by polling GET /sandbox/messages?afterId= every second: the
 * sandbox keeps only its newest 10 000 messages, and a sandbox inside a killed process loses its record.
 */
export interface RecordedMessage {
  id: number;
  at: string;
  channel: string;
  recipient: { openid?: string; oaOpenid?: string; group?: string; phone?: string };
  templateId?: string;
  content: string;
  data?: Record<string, string>;
  accepted: boolean;
  errcode: number | string;
}

export interface Recorder {
  messages: RecordedMessage[];
  /** Times the sandbox's ids went backwards (a restarted sandbox). */
  resets: number;
  /** Polls that came back full: messages may have been missed between them. */
  gaps: number;
  /** Polls until the record is read to its end, then stops. */
  stop(): Promise<void>;
  /** The sandbox's control endpoint base. */
  base: () => string;
}

export function recordSandbox(base: () => string): Recorder {
  const rec: Recorder = { messages: [], resets: 0, gaps: 0, stop, base };
  let last = 0;
  let running = true;
  const LIMIT = 5000;
  const get = async (q: string): Promise<RecordedMessage[]> => {
    const res = await fetch(`${base()}/sandbox/messages?${q}`, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new Error(`sandbox messages: ${res.status}`);
    return ((await res.json()) as { messages: RecordedMessage[] }).messages;
  };
  const poll = async (): Promise<number> => {
    const got = await get(`afterId=${last}&limit=${LIMIT}`);
    if (got.length === LIMIT) rec.gaps++;
    if (got.length) {
      rec.messages.push(...got);
      last = got.at(-1)!.id;
      return got.length;
    }
    const newest = (await get('limit=1'))[0];
    if (newest && newest.id < last) {
      rec.resets++;
      last = 0;
      return poll();
    }
    return 0;
  };
  const loop = (async () => {
    while (running) {
      await poll().catch(() => 0); // the sandbox's process may be down; the next poll catches up
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  async function stop(): Promise<void> {
    running = false;
    await loop;
    while ((await poll().catch(() => 0)) > 0) {
      /* read to the end */
    }
  }
  return rec;
}

/** Each call to the sandbox's WeChat and WeCom message APIs fails with `percent` % for `forMs` (errcode −1, system busy). */
export async function failWeChat(base: string, percent: number, forMs: number): Promise<void> {
  for (const path of ['/cgi-bin/message/subscribe/send', '/cgi-bin/message/template/send', '/qyapi/cgi-bin/webhook/send']) {
    const res = await fetch(`${base}/sandbox/control/fail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path, errcode: -1, errmsg: 'system error', percent, forMs }),
    });
    if (res.status !== 200) throw new Error(`sandbox fail control: ${res.status} ${await res.text()}`);
  }
}
