// co-wechat-api 3.11.0 ships no types: the part FineCity uses (https://github.com/node-webot/co-wechat-api).
declare module 'co-wechat-api' {
  interface CoWeChatToken {
    accessToken: string;
    /** Epoch ms. */
    expireTime: number;
  }
  interface TemplateValue {
    value: string;
    color?: string;
  }
  class WeChatAPI {
    constructor(
      appid: string,
      appsecret: string,
      getToken?: () => Promise<CoWeChatToken | null>,
      saveToken?: (token: CoWeChatToken | null) => Promise<void>,
      tokenFromCustom?: boolean,
    );
    prefix: string;
    snsPrefix: string;
    mpPrefix: string;
    fileServerPrefix: string;
    payPrefix: string;
    merchantPrefix: string;
    customservicePrefix: string;
    wxaPrefix: string;
    setOpts(opts: { timeout?: number }): void;
    /** POST cgi-bin/message/template/send; throws WeChatAPIError (`.code` = errcode) on a non-zero errcode. */
    sendTemplate(
      openid: string,
      templateId: string,
      url: string | undefined,
      topColor: string | undefined,
      data: Record<string, TemplateValue>,
      miniprogram?: { appid: string; pagepath: string },
    ): Promise<{ errcode: number; errmsg: string; msgid?: unknown }>;
  }
  export = WeChatAPI;
}
