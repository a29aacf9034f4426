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
  /**
   * getPhoneNumber (手机号快速验证): the code from the button's event → the verified mobile
   * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html).
   */
  phoneNumber(phoneCode: string): Promise<VerifiedPhone>;
}

/** WeChat's phone_info: `purePhoneNumber` has no country code; `countryCode` is '86' for the mainland. */
export interface VerifiedPhone {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}
