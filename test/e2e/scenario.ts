// The end-to-end scenarios, written once against a small driver interface. The H5 driver (Chromium,
// playwright-core) runs them in `npm test`; the automator driver (WeChat DevTools) runs the same steps on
// a machine with DevTools (see test/e2e/automator/README.md).
import type { SandboxAccount } from '@finecity/types';

export interface Screen {
  /** Open a page by route, e.g. '/pages/case/index?id=…'. */
  open(route: string): Promise<void>;
  /** Tap the element with this id. */
  tap(id: string): Promise<void>;
  /** Tap the first tappable element whose accessible label or text contains this. */
  tapLabel(label: string): Promise<void>;
  fill(id: string, value: string): Promise<void>;
  /** Answer the next photo picker opened by tapping `id` with these image files. */
  pickPhotos(id: string, files: string[]): Promise<void>;
  waitText(text: string, timeoutMs?: number): Promise<void>;
  text(): Promise<string>;
  query(): Promise<Record<string, string>>;
  /** How many <image> elements with this class have finished loading real pixels. */
  loadedImages(className: string): Promise<number>;
  shot(name: string): Promise<void>;
}

export interface Driver {
  /** A screen logged in as this demo account (standing at `at`, the device's location). */
  as(account: SandboxAccount, opts?: { wide?: boolean; at?: { lat: number; lng: number } }): Promise<Screen>;
  close(): Promise<void>;
}

export interface Fixture {
  accounts: SandboxAccount[];
  beforePhoto: string;
  afterPhoto: string;
}

const find = (f: Fixture, openid: string): SandboxAccount => {
  const a = f.accounts.find((x) => x.openid === openid);
  if (!a) throw new Error(`no sandbox account ${openid}`);
  return a;
};

/**
 * A resident reports with a photo and a location; the district dispatcher registers and dispatches; the
 * grid's inspector signs and handles with an after-photo; the dispatcher verifies; the resident sees it
 * closed with both photos and rates it. The inspector of another grid never sees it.
 */
export async function caseLifecycle(d: Driver, f: Fixture, log: (s: string) => void = () => {}): Promise<{ caseId: string; caseNo: string }> {
  const inspector = find(f, 'staff-210202001010001A');
  const at = { lat: inspector.lat!, lng: inspector.lng! };

  log('resident reports');
  const resident = await d.as(find(f, 'resident-01'), { at });
  await resident.open('/pages/home/index');
  await resident.waitText('随手拍');
  await resident.shot('home');
  await resident.tap('snap');
  await resident.waitText('已定位');
  await resident.pickPhotos('pick-photos', [f.beforePhoto]);
  await resident.waitText('现场照片（1/9）');
  await resident.fill('category-search', '垃圾');
  await resident.tapLabel('暴露垃圾');
  await resident.waitText('易混提示');
  await resident.fill('description', '人行道上有一堆暴露垃圾，影响通行');
  await resident.fill('address', '人民路 1 号门前');
  await resident.shot('report');
  await resident.tap('submit');
  await resident.waitText('待受理', 30000);
  const caseId = (await resident.query()).id!;
  const caseNo = ((await resident.text()).match(/DL\d{8}-\d{6}/) ?? [''])[0];
  await resident.shot('case-submitted');

  log('dispatcher registers and dispatches');
  const dispatcher = await d.as(find(f, 'staff-210202-01'), { wide: true });
  await dispatcher.open('/packages/staff/pages/console/index');
  await dispatcher.waitText(caseNo);
  await dispatcher.tapLabel(caseNo);
  await dispatcher.waitText('受理立案');
  await dispatcher.shot('console-incoming');
  await dispatcher.tap('act-register');
  await dispatcher.waitText('已受理');
  // Pick the grid by drilling the dispatcher's units: street → community → grid.
  const grid = inspector.orgNodeCode!;
  await dispatcher.tap(`drill-${grid.slice(0, 9)}`);
  await dispatcher.tap(`drill-${grid.slice(0, 11)}`);
  await dispatcher.tap(`unit-${grid}`);
  await dispatcher.waitText('将派往：');
  await dispatcher.shot('console-dispatch');
  await dispatcher.tap('act-dispatch');
  await dispatcher.waitText('已派遣');

  log('inspector signs and handles');
  const insp = await d.as(inspector, { at });
  // The dispatcher's screen may show 已派遣 a moment before the dispatch commits (a filter tab says it
  // too): open the inbox again until the task is there, as an inspector would pull to refresh.
  await untilShown(insp, '/packages/staff/pages/inbox/index', caseNo);
  await insp.shot('inbox');
  await insp.tapLabel(caseNo);
  await insp.waitText('签收');
  // On site first: the check-in point goes with the sign and the timeline shows how far it was.
  await insp.tap('check-in');
  await insp.waitText('已到达现场');
  await insp.tap('act-sign');
  await insp.waitText('处置中');
  await insp.waitText('现场打卡：距问题点');
  await insp.pickPhotos('handle-photos', [f.afterPhoto]);
  await insp.waitText('处置后照片（1/9）');
  await insp.fill('action-note', '已清理完毕');
  await insp.shot('task');
  await insp.tap('act-handle');
  await insp.waitText('待核查');

  log('the inspector\'s patrol page');
  await insp.open('/packages/staff/pages/patrol/index');
  await insp.waitText('今日发现');
  await insp.shot('patrol');

  log('the inspector of another grid never sees it');
  const other = await d.as(find(f, 'staff-210203001010001A'));
  await other.open('/packages/staff/pages/inbox/index');
  await other.waitText('超时');
  if ((await other.text()).includes(caseNo)) throw new Error('another grid\'s inspector sees the case in the inbox');
  await other.open(`/packages/staff/pages/task/index?id=${caseId}`);
  await other.waitText('不存在');

  log('dispatcher verifies');
  await dispatcher.open('/packages/staff/pages/console/index');
  await dispatcher.tap('queue-verify');
  await dispatcher.waitText(caseNo);
  await dispatcher.tapLabel(caseNo);
  await dispatcher.waitText('核查通过');
  await dispatcher.shot('console-verify');
  await dispatcher.tap('act-verify-pass');
  await dispatcher.waitText('已办结');

  log('resident sees it closed with both photos and rates it');
  await resident.open(`/pages/case/index?id=${caseId}`);
  await resident.waitText('已办结');
  await resident.waitText('处置后');
  if ((await resident.loadedImages('thumb--before')) < 1 || (await resident.loadedImages('thumb--after')) < 1) throw new Error('before/after photos did not load');
  await resident.tap('act-rate');
  await resident.waitText('请先选择星级');
  await resident.tap('score-5');
  await resident.fill('rate-comment', '处理很及时');
  await resident.tap('act-rate');
  await resident.waitText('评价：★★★★★');
  await resident.shot('case-closed');
  await resident.open('/pages/mine/index');
  await resident.waitText(caseNo);
  await resident.shot('mine');

  const leader = await d.as(find(f, 'staff-210202-LD'));
  await leader.open('/packages/leader/pages/dashboard/index');
  await leader.waitText('按期结案率');
  await leader.shot('dashboard');
  // The leader looks into the street where the case was (its entry in the list under the map).
  await leader.tap(`region-${inspector.orgNodeCode!.slice(0, 9)}`);
  await leader.waitText('返回上一级');
  return { caseId, caseNo };
}

/** Opens `route` until `text` shows (at most three tries): waits out a commit racing the UI. */
async function untilShown(screen: Screen, route: string, text: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await screen.open(route);
    try {
      await screen.waitText(text, 10_000);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}
