import { describe, expect, it } from '@jest/globals';
import { outcomeOf, outcomeOfError } from './outcomes.js';
import { WeChatCallError } from './wechat-call-error.js';
import { cutBytes, markdownToText } from './wecom-robot-channel.js';

describe('WeChat errcodes as delivery outcomes', () => {
  it.each([
    [-1, 'transient'],
    [45009, 'transient'],
    [45011, 'transient'],
    [40001, 'transient'],
    [42001, 'transient'],
    [130101, 'transient'],
    [43101, 'fallback'],
    [43004, 'fallback'],
    [40037, 'permanent'],
    [47003, 'permanent'],
    [40003, 'permanent'],
    [93000, 'permanent'],
    [40164, 'permanent'],
  ])('%i is %s', (code, status) => {
    expect(outcomeOf(code, 'x').status).toBe(status);
  });

  it('asks the robot queue to pause a minute after 45009 and ten after 130101', () => {
    expect(outcomeOf(45009, 'api freq out of limit')).toMatchObject({ retryAfterMs: 60_000 });
    expect(outcomeOf(130101, 'send too fast')).toMatchObject({ retryAfterMs: 600_000 });
    expect(outcomeOf(-1, 'busy')).not.toHaveProperty('retryAfterMs');
  });

  it('retries timeouts, network errors and 5xx, but not a 4xx without a WeChat answer', () => {
    expect(outcomeOf('timeout', '').status).toBe('transient');
    expect(outcomeOf('network', '').status).toBe('transient');
    expect(outcomeOf('http_502', '').status).toBe('transient');
    expect(outcomeOf('http_404', '').status).toBe('permanent');
    expect(outcomeOfError(new WeChatCallError(43101, 'no credit')).status).toBe('fallback');
    expect(outcomeOfError(new TypeError('fetch failed'))).toMatchObject({ status: 'transient', errcode: 'network' });
  });
});

describe('robot content', () => {
  it('cuts to a byte budget on a character boundary, ending with an ellipsis', () => {
    expect(cutBytes('短消息', 2048)).toBe('短消息');
    const cut = cutBytes('字'.repeat(1000), 2048);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(2048);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('flattens WeCom markdown to text for a mention message', () => {
    expect(markdownToText('## 超时预警\n> 案件 **DL20261127-000123** <font color="warning">已超时</font> [查看](https://x.example/c/1)')).toBe(
      '超时预警\n案件 DL20261127-000123 已超时 查看 https://x.example/c/1',
    );
  });
});

describe('secrets in failure messages', () => {
  it('never keeps an access token, key or secret quoted by a library in an outcome', () => {
    const o = outcomeOfError(new Error('socket hang up: POST http://127.0.0.1:1/cgi-bin/message/template/send?access_token=sbx_oa_SECRET123&x=1'));
    expect(o.status).toBe('transient');
    expect(JSON.stringify(o)).not.toContain('SECRET123');
    expect(JSON.stringify(outcomeOf(40001, 'invalid credential, key=abc secret=xyz'))).not.toMatch(/abc|xyz/);
  });
});
