// The CSV a grid office keeps in Excel: one row per person. Headers are Chinese, as on the paper roll.
import { z } from 'zod';
import { CareTag, careTagLabels, PersonRelation, relationLabels } from './community';
import { Phone } from './phone';

export const importColumns = ['楼栋', '单元', '房号', '姓名', '关系', '出生年份', '租户', '关怀标签', '手机号'] as const;
export type ImportColumn = (typeof importColumns)[number];

export const importTemplateRows: string[][] = [
  [...importColumns],
  ['1号楼', '1', '101', '张建国', '户主', '1956', '否', '独居老人;慢病需药', '13800000000'],
  ['1号楼', '1', '102', '李娜', '租户', '1995', '是', '', ''],
  ['1号楼', '1', '102', '王小宝', '子女', '2024', '是', '婴幼儿', ''],
];

const relationByLabel = new Map<string, PersonRelation>(
  Object.entries(relationLabels).map(([k, v]) => [v, k as PersonRelation]),
);
const careTagByLabel = new Map<string, CareTag>(Object.entries(careTagLabels).map(([k, v]) => [v, k as CareTag]));

const yesNo = (column: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (['是', 'Y', 'y', '1', 'true', 'TRUE'].includes(v)) return true;
      if (['否', 'N', 'n', '0', 'false', 'FALSE', ''].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `${column}“${v}”应为 是 或 否` });
      return z.NEVER;
    });

// Full-width digits (１０１) and the suffixes people type (1单元, 101室) would otherwise make a second household for one room.
const asciiForm = (v: string) => v.normalize('NFKC').trim();
const label = (column: string, max: number, suffix?: RegExp) =>
  z
    .string()
    .transform((v) => (suffix ? asciiForm(v).replace(suffix, '').trim() : asciiForm(v)))
    .pipe(z.string().min(1, `${column}不能为空`).max(max, `${column}最多 ${max} 个字`));

/** One parsed CSV row, keyed by Chinese header, validated into a person of a household. */
export const ImportRow = z.object({
  楼栋: label('楼栋', 40),
  单元: label('单元', 10, /单元$/),
  房号: label('房号', 10, /[室号]$/),
  姓名: z.string().trim().min(1, '姓名不能为空').max(40, '姓名最多 40 个字'),
  关系: z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === '') return 'owner' as PersonRelation;
      const r = relationByLabel.get(v) ?? (PersonRelation.safeParse(v).success ? (v as PersonRelation) : undefined);
      if (!r) {
        ctx.addIssue({ code: 'custom', message: `关系“${v}”不认识，可填：${Object.values(relationLabels).join('、')}` });
        return z.NEVER;
      }
      return r;
    }),
  出生年份: z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === '') return null;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1900 || n > 2100) {
        ctx.addIssue({ code: 'custom', message: `出生年份“${v}”应为 1900–2100 的四位数字` });
        return z.NEVER;
      }
      return n;
    }),
  租户: yesNo('租户'),
  关怀标签: z
    .string()
    .trim()
    .transform((v, ctx) => {
      const tags: CareTag[] = [];
      for (const label of v.split(/[;；,，、\s]+/).filter(Boolean)) {
        const tag = careTagByLabel.get(label);
        if (!tag) {
          ctx.addIssue({ code: 'custom', message: `关怀标签“${label}”不认识，可填：${Object.values(careTagLabels).join('、')}` });
          return z.NEVER;
        }
        if (!tags.includes(tag)) tags.push(tag);
      }
      return tags;
    }),
  手机号: z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === '') return null;
      const parsed = Phone.safeParse(v.normalize('NFKC'));
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `手机号“${v}”应为 11 位数字` });
        return z.NEVER;
      }
      return parsed.data;
    }),
});
export type ImportRow = z.output<typeof ImportRow>;

export const ImportError = z.object({ line: z.number().int(), message: z.string() });
export const ImportResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  households: z.number().int(),
  persons: z.number().int(),
  errors: z.array(ImportError),
});
export type ImportResult = z.infer<typeof ImportResult>;
/** `details` of a 400 IMPORT_INVALID: every bad line with its reason. */
export const ImportInvalidDetails = z.object({ errors: z.array(ImportError) });

/** POST /households/import?communityId=&dryRun=true: dryRun validates and counts, writing nothing. */
export const ImportQuery = z.object({
  communityId: z.uuid({ message: '不是有效的社区编号' }).optional(),
  dryRun: z
    .enum(['true', 'false', '1', '0'], { message: 'dryRun 应为 true 或 false' })
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});
export type ImportQuery = z.output<typeof ImportQuery>;
