// Builds config/categories.json (the 250 GB/T 47678.5-2026 管理事项 that reports pick) from the shared
// catalogue. Run from the repo root: `npx tsx server/scripts/build-categories.ts`.
// Input: $SHARED_DIR/data/gbt47678-5-catalogue.json (SHARED_DIR defaults to ../shared beside the repo).
// The output is committed: the server reads config/, never shared/, at runtime.
// Departments, the urgent flags, the extra common codes and the Chinese hints are [design] (config/README.md).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CatalogueEntry {
  code: string;
  kind: 'component' | 'matter';
  bigClassCode: string;
  bigClassName: string;
  name: string;
  keywords: string[];
}

interface Catalogue {
  standard: string;
  transcription: { repository: string; path: string; commit: string };
  counts: { components: number; matters: number };
  matters: CatalogueEntry[];
  hints: { codes: string[]; hint: string }[];
}

const EXPECTED_MATTERS = 250;

const DEPARTMENTS = [
  { code: 'DEPT-SZ', name: '大连市市政公用事业服务中心' },
  { code: 'DEPT-JT', name: '大连市交通运输局' },
  { code: 'DEPT-JJ', name: '大连市公安局交通警察支队' },
  { code: 'DEPT-HW', name: '大连市环境卫生管理中心' },
  { code: 'DEPT-YL', name: '大连市园林绿化管理中心' },
  { code: 'DEPT-ZF', name: '大连市城市管理局执法支队' },
  { code: 'DEPT-ZJ', name: '大连市住房和城乡建设局' },
  { code: 'DEPT-SW', name: '大连市水务局' },
] as const;
type DeptCode = (typeof DEPARTMENTS)[number]['code'];

/** Default responsible department per big class [design]. */
const DEPT_BY_BIG_CLASS: Record<string, DeptCode> = {
  '01': 'DEPT-SZ', '02': 'DEPT-JT', '03': 'DEPT-HW', '04': 'DEPT-YL', '05': 'DEPT-ZF',
  '06': 'DEPT-ZF', '07': 'DEPT-ZF', '08': 'DEPT-ZJ', '09': 'DEPT-ZF', '10': 'DEPT-ZF',
};

/** Per-matter exceptions to the big-class default, grouped by department [design]. */
const DEPT_EXCEPTIONS: Partial<Record<DeptCode, string[]>> = {
  'DEPT-JJ': ['02010', '02011', '02014', '02015', '02016', '02020', '02033', '06016', '09009'],
  'DEPT-HW': ['06010', '06011', '06012', '06014', '06015', '06032', '06033', '06035', '06036', '06037', '06041', '06042', '10001'],
  'DEPT-YL': ['06017', '06018', '06021', '06022', '06045', '06047'],
  'DEPT-SZ': ['06013', '06048', '06049', '06050', '06051', '06052', '10002'],
  'DEPT-SW': ['06023', '06024', '06025', '06026', '06046'],
  'DEPT-ZF': ['03006', '03007', '03008', '08001', '08002', '08003', '08011', '08016'],
  'DEPT-ZJ': ['05002'],
};

/** High-frequency matters: the catalogue notes' list, plus the matters common in the GB/T 30428.2 → GB/T 47678.5 crosswalk [design]. */
const COMMON = new Set([
  '06010', '06011', '06012', '06017', '06036', '06042', '06045', '07003', '09005', '09006',
  '09009', '09010', '07001', '01037', '06001', '06013', '06014', '09001',
]);

/** Safety hazards by nature (open manholes, gas, heat, power): the 城管110 2 h / 4 h tier [design]. */
const URGENT_BY_NAME = /井盖|雨水箅子|沟槽盖板/;
const URGENT_CODES = new Set(['01047', '01048', '01049', '01057', '01061', '10002']);

/** Plain Simplified-Chinese versions of the catalogue's English hints, keyed by the group's first code. */
const HINTS_ZH: Record<string, string> = {
  '06010,06042,06011':
    '看垃圾装在哪里：垃圾桶、垃圾站装满后溢出，选“垃圾站（箱）满溢”；路面、路边、绿化带上散落的垃圾，没有容器，选“暴露垃圾”；量大、堆放时间长，或混有泥土、建筑垃圾的垃圾堆，选“积存垃圾渣土”。',
  '06042,06041':
    '垃圾桶没装满，只是混投、没分类，选“垃圾未分类”；垃圾桶本身破损、倾倒或缺失，不算满溢，可选“垃圾箱异常”（03005）。',
  '06012,06014':
    '能看出是车辆或施工撒落的（有一路撒落痕迹、掉落的货物），选“道路遗撒”；一般的尘土、泥污、油渍，看不出撒落来源，选“道路不洁”；路面坑洼破损选“道路破损”（06013）。',
  '06017,06045':
    '草坪、绿化带、树池里有垃圾或保洁不到位，选“绿地脏乱”；绿地被占用、硬化、挖开或植物被破坏，选“非法占绿毁绿”。只有垃圾或落叶时不要选“非法占绿毁绿”。',
  '06036,08006,09005':
    '公共通道上堆放杂物、与施工无关，选“乱堆杂物”；施工单位在工地旁堆放建材，选“施工物料乱堆放”；临街店铺把商品、桌椅摆到自家门外，选“店外经营”。',
  '07003,07001,07006':
    '张贴、喷涂、手写的小广告，选“非法小广告”；独立设置的广告牌等户外广告设施位置、形式或尺寸不合规，选“违规户外广告”；只是店铺自己的招牌有问题，选“违规牌匾标识”。',
  '09005,09006':
    '看是谁在经营：有固定门面的临街店铺把商品、桌椅、设备摆出门外，选“店外经营”；流动摊贩、推车、临时摊位占用道路、人行道或路口，选“占道经营”。',
};

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharedDir = process.env.SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
const cataloguePath = path.join(sharedDir, 'data', 'gbt47678-5-catalogue.json');
const outputPath = path.join(repoRoot, 'config', 'categories.json');

function departmentOf(m: CatalogueEntry): DeptCode {
  for (const [dept, codes] of Object.entries(DEPT_EXCEPTIONS) as [DeptCode, string[]][]) {
    if (codes.includes(m.code)) return dept;
  }
  const dept = DEPT_BY_BIG_CLASS[m.bigClassCode];
  if (!dept) throw new Error(`no department for big class ${m.bigClassCode} (${m.code})`);
  return dept;
}

/** Each code's confusable codes and its hint text (a code in two groups gets both hints). */
function confusables(catalogue: Catalogue): Map<string, { with: Set<string>; hints: string[] }> {
  const byCode = new Map<string, { with: Set<string>; hints: string[] }>();
  for (const group of catalogue.hints) {
    const hint = HINTS_ZH[group.codes.join(',')];
    if (!hint) throw new Error(`no Chinese hint for group ${group.codes.join(',')}`);
    for (const code of group.codes) {
      const entry = byCode.get(code) ?? { with: new Set<string>(), hints: [] };
      group.codes.filter((c) => c !== code).forEach((c) => entry.with.add(c));
      entry.hints.push(hint);
      byCode.set(code, entry);
    }
  }
  return byCode;
}

function buildCategories(catalogue: Catalogue) {
  const hints = confusables(catalogue);
  return catalogue.matters.map((m) => {
    const c = hints.get(m.code);
    return {
      code: m.code,
      kind: m.kind,
      name: m.name,
      bigClassCode: m.bigClassCode,
      bigClassName: m.bigClassName,
      keywords: m.keywords,
      department: departmentOf(m),
      common: COMMON.has(m.code),
      urgent: URGENT_BY_NAME.test(m.name) || URGENT_CODES.has(m.code),
      ...(c ? { hint: c.hints.join('') } : {}),
      confusableWith: c ? [...c.with].sort() : [],
    };
  });
}

function check(catalogue: Catalogue, categories: ReturnType<typeof buildCategories>): void {
  const codes = new Set(categories.map((c) => c.code));
  const problems: string[] = [];
  if (categories.length !== EXPECTED_MATTERS) problems.push(`expected ${EXPECTED_MATTERS} matters, got ${categories.length}`);
  if (codes.size !== categories.length) problems.push('duplicate matter codes');
  if (categories.some((c) => c.kind !== 'matter')) problems.push('an entry is not a matter');
  const referenced = [...COMMON, ...URGENT_CODES, ...Object.values(DEPT_EXCEPTIONS).flat()];
  referenced.filter((code) => !codes.has(code)).forEach((code) => problems.push(`unknown code in the tables: ${code}`));
  catalogue.hints.flatMap((h) => h.codes).filter((code) => !codes.has(code)).forEach((code) => problems.push(`hint names unknown code ${code}`));
  if (problems.length > 0) throw new Error(`categories not written:\n- ${problems.join('\n- ')}`);
}

/** Pretty JSON with one category or department per line, so that reviews show one line per changed entry. */
function format(output: Record<string, unknown>): string {
  const lines = Object.entries(output).map(([key, value]) => {
    const body = Array.isArray(value)
      ? `[\n${value.map((v) => `    ${JSON.stringify(v)}`).join(',\n')}\n  ]`
      : JSON.stringify(value);
    return `  ${JSON.stringify(key)}: ${body}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

function main(): void {
  const catalogue = JSON.parse(readFileSync(cataloguePath, 'utf8')) as Catalogue;
  const categories = buildCategories(catalogue);
  check(catalogue, categories);
  const output = {
    standardRef: catalogue.standard,
    source: { catalogue: 'shared/data/gbt47678-5-catalogue.json', transcription: catalogue.transcription },
    generatedBy: 'server/scripts/build-categories.ts',
    categories,
    departments: DEPARTMENTS,
  };
  writeFileSync(outputPath, format(output));
  console.log(`wrote ${categories.length} matters and ${DEPARTMENTS.length} departments to ${path.relative(process.cwd(), outputPath)}`);
}

main();
