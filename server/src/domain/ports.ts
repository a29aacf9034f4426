/**
 * What the use cases need from the outside world, phrased in the domain's words. Adapters implement
 * these and the composition root (composition.ts) chooses them.
 */
export interface Clock {
  now(): Date;
}

export interface WeChatIdentity {
  openid: string;
  unionid?: string;
}

/** Mini-program login: the code from wx.login, exchanged through code2Session. */
export interface WeChatAuth {
  code2Session(code: string): Promise<WeChatIdentity>;
}
