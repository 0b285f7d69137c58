/**
 * Longnan's member units (第五条: 乡镇, 市直部门, 公共服务企事业单位) as seeded on a fresh database.
 *
 * Townships — 龙南市 (county-level city of 赣州市, 江西省; 龙南县 until 2020-06-29) has 8 towns 镇 and
 * 5 townships 乡 since the 2003 merger (赣民字〔2003〕272号: 黄沙乡 into 龙南镇, 东坑镇 into 里仁镇):
 * 龙南镇、武当镇、杨村镇、汶龙镇、程龙镇、关西镇、里仁镇、渡江镇、桃江乡、东江乡、临塘乡、南亨乡、夹湖乡.
 * Sources: the county's administrative history (《龙南县志》 and the provincial approvals 赣民字〔1989〕149号,
 * 〔1992〕136号, 〔1996〕53号, 〔2000〕104号、370号, 〔2003〕272号 as summarised in public encyclopaedias),
 * the city's portal (longnan.gov.cn, "龙南市简介").
 *
 * Township codes — the National Bureau of Statistics' 统计用区划代码 (9-digit township level): the city's
 * code is 360783 since it became a city (360727 before), towns numbered from 100 and 乡 from 200 in
 * the order above. The township-level digits follow the NBS tables' order as we read them and
 * should be checked against the current NBS release (stats.gov.cn, 统计用区划和城乡划分代码) before
 * production; process admins can correct a code on the units page without a code change.
 * (龙南经济技术开发区 is run by a 管委会, not a township, and is not listed.)
 *
 * Departments — a set of the city government's departments after the 2019 机构改革 (not all of them),
 * each with duty tags for dispatch rules (regulation/unit-suggestion.ts: `market-regulation`
 * takes 举报); enterprises — the two public-service companies most petitions concern.
 */
import type { UnitKind } from '../../regulation/unit-suggestion.js';

export interface SeedUnit {
  id: string;
  name: string;
  kind: UnitKind;
  township?: string;
  duties?: string[];
}

/** the city's 统计用区划代码 (龙南市, since 2020; 龙南县 was 360727) */
export const LONGNAN_CITY_CODE = '360783';

export const LONGNAN_TOWNSHIPS: readonly SeedUnit[] = [
  { id: 'u-longnan', name: '龙南镇人民政府', kind: 'township', township: '360783100' },
  { id: 'u-wudang', name: '武当镇人民政府', kind: 'township', township: '360783101' },
  { id: 'u-yangcun', name: '杨村镇人民政府', kind: 'township', township: '360783102' },
  { id: 'u-wenlong', name: '汶龙镇人民政府', kind: 'township', township: '360783103' },
  { id: 'u-chenglong', name: '程龙镇人民政府', kind: 'township', township: '360783104' },
  { id: 'u-guanxi', name: '关西镇人民政府', kind: 'township', township: '360783105' },
  { id: 'u-liren', name: '里仁镇人民政府', kind: 'township', township: '360783106' },
  { id: 'u-dujiang', name: '渡江镇人民政府', kind: 'township', township: '360783107' },
  { id: 'u-taojiang', name: '桃江乡人民政府', kind: 'township', township: '360783200' },
  { id: 'u-dongjiang', name: '东江乡人民政府', kind: 'township', township: '360783201' },
  { id: 'u-lintang', name: '临塘乡人民政府', kind: 'township', township: '360783202' },
  { id: 'u-nanheng', name: '南亨乡人民政府', kind: 'township', township: '360783203' },
  { id: 'u-jiahu', name: '夹湖乡人民政府', kind: 'township', township: '360783204' },
];

export const LONGNAN_DEPARTMENTS: readonly SeedUnit[] = [
  { id: 'u-market', name: '龙南市市场监督管理局', kind: 'department', duties: ['market-regulation', 'food-safety', 'consumer-rights'] },
  { id: 'u-housing', name: '龙南市住房和城乡建设局', kind: 'department', duties: ['housing', 'construction', 'property-management'] },
  { id: 'u-transport', name: '龙南市交通运输局', kind: 'department', duties: ['transport', 'roads'] },
  { id: 'u-natural-resources', name: '龙南市自然资源局', kind: 'department', duties: ['land', 'mining', 'planning'] },
  { id: 'u-ecology', name: '龙南市生态环境局', kind: 'department', duties: ['environment', 'pollution'] },
  { id: 'u-water-resources', name: '龙南市水利局', kind: 'department', duties: ['water-resources', 'flood-control'] },
  { id: 'u-education', name: '龙南市教育科技局', kind: 'department', duties: ['education', 'science-technology'] },
  { id: 'u-health', name: '龙南市卫生健康委员会', kind: 'department', duties: ['health', 'medical-care'] },
  { id: 'u-hrss', name: '龙南市人力资源和社会保障局', kind: 'department', duties: ['employment', 'wages', 'social-insurance'] },
  { id: 'u-urban', name: '龙南市城市管理局', kind: 'department', duties: ['urban-management', 'sanitation'] },
  { id: 'u-public-security', name: '龙南市公安局', kind: 'department', duties: ['public-security', 'traffic-police'] },
  { id: 'u-civil-affairs', name: '龙南市民政局', kind: 'department', duties: ['civil-affairs', 'social-assistance'] },
  { id: 'u-agriculture', name: '龙南市农业农村局', kind: 'department', duties: ['agriculture', 'rural-affairs'] },
  { id: 'u-emergency', name: '龙南市应急管理局', kind: 'department', duties: ['emergency-management', 'work-safety'] },
];

export const LONGNAN_ENTERPRISES: readonly SeedUnit[] = [
  { id: 'u-water', name: '龙南市自来水公司', kind: 'enterprise', duties: ['water-supply'] },
  { id: 'u-power', name: '国网龙南市供电公司', kind: 'enterprise', duties: ['power-supply'] },
];

export const LONGNAN_UNITS: readonly SeedUnit[] = [...LONGNAN_TOWNSHIPS, ...LONGNAN_DEPARTMENTS, ...LONGNAN_ENTERPRISES];
