// Browser contexts whose resident has already agreed to the 隐私保护指引 (issue 13). Without it, the first
// locate or photo pick of a resident opens the consent sheet (miniprogram/src/components/PrivacySheet), as
// it does for a real first-time user; a test that is not about that sheet starts past it:
//   await ctx.addInitScript(storageInit());
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The guide's version the mini-program asks consent for, read from its source (services/platform.ts). */
export const PRIVACY_VERSION = /PRIVACY_VERSION = '([^']+)'/.exec(
  fs.readFileSync(fileURLToPath(new URL('../../miniprogram/src/services/platform.ts', import.meta.url)), 'utf8'),
)?.[1];

/**
 * A script for BrowserContext.addInitScript, run before every document: the guide counts as agreed, and
 * 关怀模式 is on exactly when the page's URL asks for it (?care=1 before the hash route). Taro's H5 storage
 * keeps each value as {"data": …}.
 */
export function storageInit(): string {
  if (!PRIVACY_VERSION) throw new Error('PRIVACY_VERSION not found in miniprogram/src/services/platform.ts');
  return `(() => { try {
  if (!/^https?:$/.test(location.protocol)) return;
  localStorage.setItem('finecity.privacy', JSON.stringify({ data: { version: '${PRIVACY_VERSION}', at: 0 } }));
  if (new URLSearchParams(location.search).has('care')) localStorage.setItem('finecity.care', JSON.stringify({ data: true }));
  else localStorage.removeItem('finecity.care');
} catch { /* storage blocked: nothing to set */ } })()`;
}
