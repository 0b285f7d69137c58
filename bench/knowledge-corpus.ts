/**
 * A city-sized knowledge base for the bench (issue 17): deterministic (seeded) entries of Longnan —
 * a place (one of the 13 townships, or the city as a whole) × a matter people ask about (户口, 医保,
 * 不动产登记, 公积金 …) × the person's situation (首次办理, 遗失补办, 老年人 …) × the aspect asked
 * (需要哪些材料, 在哪里办理, 多久办结 …): 14 × 40 × 12 × 16 = 107,520 distinct questions, of which a
 * seeded sample of `count` is taken. Each has an answer written from the matter's facts (its unit,
 * window, papers, time limit, fee) and a policy basis. Nothing here knows how the labelled questions
 * are paraphrased (bench/knowledge-labelled-set.ts).
 */
import { LONGNAN_TOWNSHIPS } from '../server/data/longnan-units.js';
import { prng } from './prng.js';

export interface CorpusEntry {
  id: string;
  question: string;
  answer: string;
  basis: string;
  ownerUnitId: string;
  categories: string[];
  townships: string[];
}

interface Matter {
  name: string;
  /** the unit that answers for it in the city (a township's office answers for its own place) */
  unit: string;
  unitName: string;
  window: string;
  papers: string;
  days: number;
  fee: string;
  basis: string;
  help?: boolean;
}

const m = (name: string, unit: string, unitName: string, window: string, papers: string, days: number, fee: string, basis: string, help = false): Matter => ({
  name, unit, unitName, window, papers, days, fee, basis, help,
});

/** the matters, with the facts their answers are written from */
export const MATTERS: readonly Matter[] = [
  m('户口', 'u-public-security', '公安局', '户籍窗口', '居民户口簿、居民身份证和相关证明', 5, '不收费', '《中华人民共和国户口登记条例》第六条'),
  m('居民身份证', 'u-public-security', '公安局', '户籍窗口', '居民户口簿和近期免冠照片', 20, '工本费20元', '《中华人民共和国居民身份证法》第八条'),
  m('居住证', 'u-public-security', '公安局', '户籍窗口', '居民身份证、住所证明和就业或就读证明', 15, '首次申领不收费', '《居住证暂行条例》第九条'),
  m('社会保障卡', 'u-hrss', '人力资源和社会保障局', '社保卡服务窗口', '居民身份证和近期证件照', 7, '首次申领不收费,补换卡按规定收取工本费', '《社会保险法》第五十八条'),
  m('城乡居民医保', 'u-hrss', '人力资源和社会保障局', '医保经办窗口', '居民身份证或户口簿', 1, '按年度个人缴费标准缴纳', '《社会保险法》第二十五条'),
  m('职工养老保险', 'u-hrss', '人力资源和社会保障局', '养老保险窗口', '居民身份证、劳动合同和缴费记录', 10, '按缴费基数和比例缴纳', '《社会保险法》第十条'),
  m('失业保险金', 'u-hrss', '人力资源和社会保障局', '就业服务窗口', '居民身份证、解除劳动合同证明和银行卡', 10, '不收费', '《失业保险条例》第十四条'),
  m('就业创业补贴', 'u-hrss', '人力资源和社会保障局', '就业服务窗口', '居民身份证、营业执照或劳动合同、银行卡', 20, '不收费', '《就业促进法》第十八条'),
  m('异地就医备案', 'u-hrss', '人力资源和社会保障局', '医保经办窗口', '社会保障卡和异地居住或转诊证明', 1, '不收费', '《基本医疗保险跨省异地就医直接结算经办规程》第八条'),
  m('大病保险报销', 'u-hrss', '人力资源和社会保障局', '医保经办窗口', '社会保障卡、住院发票和费用清单', 20, '不收费', '《关于全面实施城乡居民大病保险的意见》第三条'),
  m('住房公积金提取', 'u-housing', '住房和城乡建设局', '公积金中心窗口', '居民身份证、购房合同或租房证明、银行卡', 3, '不收费', '《住房公积金管理条例》第二十四条'),
  m('住房公积金贷款', 'u-housing', '住房和城乡建设局', '公积金中心窗口', '居民身份证、婚姻证明、购房合同和收入证明', 15, '不收取手续费', '《住房公积金管理条例》第二十六条'),
  m('公租房申请', 'u-housing', '住房和城乡建设局', '住房保障窗口', '居民身份证、户口簿、收入和住房情况证明', 30, '按公租房租金标准缴纳租金', '《公共租赁住房管理办法》第七条'),
  m('不动产登记', 'u-natural-resources', '自然资源局', '不动产登记窗口', '居民身份证、不动产权属来源证明和完税凭证', 5, '住宅每件80元', '《不动产登记暂行条例》第十六条'),
  m('农村宅基地建房审批', 'u-natural-resources', '自然资源局', '国土规划窗口', '居民身份证、户口簿、宅基地申请表和村民小组意见', 20, '不收费', '《中华人民共和国土地管理法》第六十二条'),
  m('林权登记', 'u-natural-resources', '自然资源局', '不动产登记窗口', '居民身份证、林权来源证明和林地四至图', 15, '每件80元', '《不动产登记暂行条例》第五条'),
  m('营业执照', 'u-market', '市场监督管理局', '市场主体登记窗口', '居民身份证、经营场所证明和登记申请书', 3, '不收费', '《中华人民共和国市场主体登记管理条例》第二十一条'),
  m('食品经营许可证', 'u-market', '市场监督管理局', '食品许可窗口', '营业执照、经营场所平面图和食品安全管理制度', 10, '不收费', '《食品经营许可和备案管理办法》第十四条'),
  m('个体工商户年报', 'u-market', '市场监督管理局', '市场主体登记窗口', '营业执照和经营情况', 1, '不收费', '《市场主体登记管理条例实施细则》第七十条'),
  m('最低生活保障', 'u-civil-affairs', '民政局', '社会救助窗口', '居民身份证、户口簿、家庭收入和财产情况说明', 30, '不收费', '《社会救助暂行办法》第十一条', true),
  m('特困人员供养', 'u-civil-affairs', '民政局', '社会救助窗口', '居民身份证、户口簿和无劳动能力证明', 30, '不收费', '《社会救助暂行办法》第十四条', true),
  m('临时救助', 'u-civil-affairs', '民政局', '社会救助窗口', '居民身份证、困难情况说明和相关票据', 10, '不收费', '《社会救助暂行办法》第四十七条', true),
  m('高龄津贴', 'u-civil-affairs', '民政局', '老龄服务窗口', '居民身份证、户口簿和银行卡', 15, '不收费', '《江西省老年人权益保障条例》第二十一条'),
  m('结婚登记', 'u-civil-affairs', '民政局', '婚姻登记处', '双方居民身份证、户口簿和近期合影照片', 1, '不收费', '《婚姻登记条例》第五条'),
  m('残疾人证', 'u-civil-affairs', '民政局', '残联服务窗口', '居民身份证、户口簿和近期免冠照片', 20, '不收费', '《中华人民共和国残疾人证管理办法》第九条'),
  m('残疾人两项补贴', 'u-civil-affairs', '民政局', '残联服务窗口', '残疾人证、居民身份证和银行卡', 20, '不收费', '《关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》', true),
  m('义务教育入学', 'u-education', '教育科技局', '学籍服务窗口', '户口簿、房产证明或居住证和预防接种证', 15, '义务教育阶段免收学费', '《中华人民共和国义务教育法》第十二条'),
  m('学生资助', 'u-education', '教育科技局', '学生资助窗口', '学生证、家庭经济困难认定表和户口簿', 30, '不收费', '《学生资助资金管理办法》第八条', true),
  m('转学', 'u-education', '教育科技局', '学籍服务窗口', '转学申请、学籍信息和户口或居住证明', 10, '不收费', '《中小学生学籍管理办法》第十三条'),
  m('出生医学证明', 'u-health', '卫生健康委员会', '妇幼保健窗口', '父母居民身份证和住院分娩记录', 7, '不收费', '《中华人民共和国母婴保健法》第二十三条'),
  m('生育登记', 'u-health', '卫生健康委员会', '计生服务窗口', '夫妻双方居民身份证和结婚证', 1, '不收费', '《江西省人口与计划生育条例》第十八条'),
  m('预防接种', 'u-health', '卫生健康委员会', '预防接种门诊', '预防接种证和儿童出生医学证明', 1, '免疫规划疫苗不收费', '《中华人民共和国疫苗管理法》第四十七条'),
  m('驾驶证', 'u-public-security', '公安局', '车管服务窗口', '居民身份证和体检证明', 1, '工本费10元', '《机动车驾驶证申领和使用规定》第十六条'),
  m('机动车登记', 'u-public-security', '公安局', '车管服务窗口', '居民身份证、购车发票和合格证', 1, '号牌工本费按规定收取', '《机动车登记规定》第十四条'),
  m('道路运输许可', 'u-transport', '交通运输局', '运政窗口', '营业执照、车辆行驶证和从业人员资格证', 20, '不收费', '《中华人民共和国道路运输条例》第十条'),
  m('耕地地力保护补贴', 'u-agriculture', '农业农村局', '农业补贴窗口', '居民身份证、土地承包经营权证和一卡通', 30, '不收费', '《耕地地力保护补贴资金管理办法》第六条', true),
  m('农村土地承包经营权流转', 'u-agriculture', '农业农村局', '农经服务窗口', '土地承包经营权证、流转合同和身份证明', 15, '不收费', '《农村土地经营权流转管理办法》第十七条'),
  m('取水许可', 'u-water-resources', '水利局', '水资源窗口', '取水申请书、水资源论证报告和营业执照', 20, '按规定缴纳水资源费', '《取水许可和水资源费征收管理条例》第十一条'),
  m('自来水开户', 'u-water', '自来水公司', '营业厅', '居民身份证和房产证明', 5, '按物价部门核定的标准收取', '《城市供水条例》第二十五条'),
  m('居民用电报装', 'u-power', '供电公司', '供电营业厅', '居民身份证和房产证明', 5, '居民报装不收费', '《供电营业规则》第十六条'),
];

/** the person's situation, written in front of the matter */
export const SITUATIONS: readonly ((m: string) => string)[] = [
  (x) => `首次申请${x}`,
  (x) => `遗失后补办${x}`,
  (x) => `变更${x}信息`,
  (x) => `注销${x}`,
  (x) => `从外地转入${x}`,
  (x) => `委托他人代办${x}`,
  (x) => `老年人办理${x}`,
  (x) => `残疾人办理${x}`,
  (x) => `外出务工人员办理${x}`,
  (x) => `退役军人办理${x}`,
  (x) => `在校学生办理${x}`,
  (x) => `低收入家庭办理${x}`,
];

interface Aspect {
  ask: string;
  answer(x: { place: string; office: string; m: Matter; situation: string }): string;
}

const CONTACT = (x: { office: string }) => `${x.office}咨询电话0797-35${(x.office.length * 131) % 10}${(x.office.length * 71) % 10}${(x.office.length * 17) % 10}${(x.office.length * 7) % 10}`;

export const ASPECTS: readonly Aspect[] = [
  { ask: '需要哪些材料', answer: (x) => `${x.situation}需提供${x.m.papers};委托办理的还需代理人身份证和委托书。材料齐全的当场受理。` },
  { ask: '在哪里办理', answer: (x) => `请到${x.office}${x.m.window}办理,${x.place}的群众也可在便民服务中心窗口提交,由窗口代为转办。` },
  { ask: '多久能办结', answer: (x) => `材料齐全、符合条件的,自受理之日起${x.m.days}个工作日内办结;需要补正材料的,时限自补正之日起重新计算。` },
  { ask: '收费标准是多少', answer: (x) => `${x.m.name}:${x.m.fee}。窗口不收取其他费用,如有乱收费可拨打12345反映。` },
  { ask: '办理流程是什么', answer: (x) => `流程为:提交申请和${x.m.papers} → ${x.m.unitName}审核 → ${x.m.days}个工作日内办结 → 领取结果或邮寄送达。` },
  { ask: '需要满足什么条件', answer: (x) => `${x.situation}应当本人户籍或居住在${x.place},材料真实完整,且无不良记录;具体条件以${x.m.unitName}的规定为准。` },
  { ask: '能不能网上办理', answer: (x) => `可以通过赣服通或江西政务服务网搜索"${x.m.name}"在线申请,上传${x.m.papers}的照片,审核通过后到${x.m.window}领取。` },
  { ask: '咨询电话是多少', answer: (x) => `可拨打${CONTACT(x)},或拨打12345政务服务便民热线,工作日上午8:00至12:00、下午14:30至17:30接听。` },
  { ask: '办理时间是什么时候', answer: (x) => `${x.office}${x.m.window}工作日上午8:00至12:00、下午14:30至17:30对外办公,周六上午提供延时服务。` },
  { ask: '能否跨省通办', answer: (x) => `${x.m.name}已纳入跨省通办事项清单,可在居住地政务服务中心跨省通办窗口提交,由${x.m.unitName}异地受理。` },
  { ask: '怎么查询办理进度', answer: (x) => `可凭受理回执在赣服通"办件查询"中查询,或到${x.m.window}凭身份证查询,也可拨打${CONTACT(x)}。` },
  { ask: '被退回了怎么办', answer: (x) => `退回时窗口会一次性告知需补正的内容,按告知补齐${x.m.papers}后重新提交即可;对退回有异议的可向${x.m.unitName}申请复核。` },
  { ask: '需要本人到场吗', answer: (x) => `${x.situation}原则上本人到场;行动不便的可委托近亲属代办,或预约${x.place}便民服务中心上门服务。` },
  { ask: '有效期是多久', answer: (x) => `${x.m.name}的有效期按${x.m.basis}的规定执行,到期前三十日内可到${x.m.window}申请延续。` },
  { ask: '有没有补贴', answer: (x) => `${x.situation}符合困难群体条件的,可申请减免相关费用;${x.m.help ? '救助类事项按月发放补助资金' : '其他情形不另行发放补贴'}。` },
  { ask: '政策依据是什么', answer: (x) => `依据${x.m.basis}及江西省、赣州市的相关实施规定,由${x.m.unitName}负责解释。` },
];

/** the 13 townships' names and the city as a whole */
const PLACES: readonly string[] = [...LONGNAN_TOWNSHIPS.map((t) => t.name.replace('人民政府', '')), '龙南市'];
const TOWNSHIP_UNITS = new Map(LONGNAN_TOWNSHIPS.map((t) => [t.name.replace('人民政府', ''), t.id]));


export const CORPUS_SIZE_MAX = PLACES.length * MATTERS.length * SITUATIONS.length * ASPECTS.length;

/** `count` distinct entries (at most CORPUS_SIZE_MAX), the same for the same seed */
export function knowledgeCorpus(count = 100_000, seed = 20261207): CorpusEntry[] {
  if (count > CORPUS_SIZE_MAX) throw new Error(`at most ${CORPUS_SIZE_MAX} distinct entries`);
  const rnd = prng(seed);
  // a seeded shuffle of all combinations; the first `count` are kept
  const order = Uint32Array.from({ length: CORPUS_SIZE_MAX }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const out: CorpusEntry[] = [];
  for (let k = 0; k < count; k++) {
    let c = order[k];
    const a = c % ASPECTS.length;
    c = Math.floor(c / ASPECTS.length);
    const s = c % SITUATIONS.length;
    c = Math.floor(c / SITUATIONS.length);
    const mi = c % MATTERS.length;
    const p = Math.floor(c / MATTERS.length);
    const place = PLACES[p];
    const matter = MATTERS[mi];
    const aspect = ASPECTS[a];
    const situation = SITUATIONS[s](matter.name);
    const city = place === '龙南市';
    const office = city ? `龙南市政务服务中心${matter.unitName}` : `${place}便民服务中心`;
    // two ways of putting the same question, as different people wrote the entries
    const question = rnd() < 0.5 ? `${place}${situation}${aspect.ask}?` : `在${place}${situation},${aspect.ask}?`;
    out.push({
      id: `kb-${String(order[k]).padStart(6, '0')}`,
      question,
      answer: aspect.answer({ place, office, m: matter, situation }),
      basis: matter.basis,
      ownerUnitId: city ? matter.unit : TOWNSHIP_UNITS.get(place)!,
      categories: matter.help ? ['consultation', 'help'] : ['consultation'],
      townships: city ? [] : [place],
    });
  }
  return out;
}
