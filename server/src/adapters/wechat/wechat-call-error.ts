/**
 * A WeChat (or WeCom / SMS gateway) call that did not succeed: the platform's errcode, or a transport
 * failure named by a string ('timeout', 'network', 'http_502'). Adapters turn it into a DeliveryOutcome
 * (outcomes.ts); it never leaves the adapters.
 */
export class WeChatCallError extends Error {
  readonly errcode: number | string;
  readonly errmsg: string;

  constructor(errcode: number | string, errmsg: string) {
    super(`WeChat call failed: ${errcode} ${errmsg}`);
    this.name = 'WeChatCallError';
    this.errcode = errcode;
    this.errmsg = errmsg;
  }
}
