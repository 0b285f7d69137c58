/**
 * Petitions as Longnan's citizens write them, for the hotspot rules' tests (regulation/hotspots.test.ts)
 * and the API test: each with the matter it is about (`matter`), so a test can tell whether the
 * clusters found are the intended ones. Four matters are concentrated — a building site working at
 * night in 龙南镇, water cut off in 渡江镇, an overloaded school bus in 杨村镇, and the 医保 payment
 * system down across the city — and the rest are single matters of the same townships, several of
 * them sharing a word with a concentrated one (广场舞 noise, a road dug up by a building site, a
 * street light by the water works).
 */
export interface CorpusPetition {
  matter: string;
  /** 统计用区划代码 of the township (server/data/longnan-units.ts) */
  township: string;
  title: string;
  content: string;
}

export const TOWNSHIP = {
  longnan: '360783100',
  yangcun: '360783102',
  guanxi: '360783105',
  liren: '360783106',
  dujiang: '360783107',
  taojiang: '360783200',
  dongjiang: '360783201',
} as const;

const { longnan, yangcun, guanxi, liren, dujiang, taojiang, dongjiang } = TOWNSHIP;

export const CORPUS: readonly CorpusPetition[] = [
  // 龙南镇: the 金水湾 building site works at night
  { matter: 'site-noise', township: longnan, title: '金水湾工地夜间施工噪音扰民', content: '龙南镇金水湾小区旁边的工地每天晚上十一点以后还在施工,打桩机噪音很大,严重影响居民休息,希望相关部门尽快处理。' },
  { matter: 'site-noise', township: longnan, title: '工地半夜施工太吵', content: '金水湾工地半夜还在施工,吵得孩子睡不着觉,请管一管。' },
  { matter: 'site-noise', township: longnan, title: '投诉建筑工地夜间违规施工', content: '金水湾旁边建筑工地连续一个星期夜间施工,搅拌车和打桩机的噪音到凌晨两点,周边居民无法入睡。' },
  { matter: 'site-noise', township: longnan, title: '夜间施工噪音', content: '龙南镇金水湾附近工地晚上施工噪音扰民,已经打过几次电话没有用。' },
  { matter: 'site-noise', township: longnan, title: '晚上工地打桩', content: '金水湾工地晚上十二点还在打桩施工,噪音太大,老人和小孩都休息不好。' },
  // 渡江镇: water cut off in the market town
  { matter: 'water-outage', township: dujiang, title: '渡江镇圩镇停水三天了', content: '渡江镇圩镇自来水从周一开始停水,到现在还没有恢复供水,也没有提前通知,居民生活用水困难。' },
  { matter: 'water-outage', township: dujiang, title: '圩镇停水没有通知', content: '我们圩镇这几天经常停水,自来水公司没有任何通知,做饭洗澡都没有水。' },
  { matter: 'water-outage', township: dujiang, title: '自来水停水什么时候恢复', content: '渡江圩镇停水两天了,打自来水公司电话没人接,请问什么时候恢复供水?' },
  { matter: 'water-outage', township: dujiang, title: '反映渡江镇停水问题', content: '渡江镇圩镇片区频繁停水,供水不正常,希望自来水公司尽快解决。' },
  // 杨村镇: the central primary school's bus is overloaded
  { matter: 'school-bus', township: yangcun, title: '校车超载', content: '杨村镇中心小学的校车每天接送学生严重超载,存在安全隐患。' },
  { matter: 'school-bus', township: yangcun, title: '中心小学校车超员', content: '杨村中心小学校车坐了四十多个学生,超载很严重,孩子们都站着,太危险了。' },
  { matter: 'school-bus', township: yangcun, title: '举报校车超载接送学生', content: '杨村镇中心小学接送学生的校车长期超载,司机开得也快,请交警和教育部门查处。' },
  // the city: the 医保 payment system, one or two petitions in each of four townships
  { matter: 'insurance', township: guanxi, title: '医保缴费系统缴不了费', content: '今年城乡居民医保缴费,手机上缴费系统一直显示失败,缴不了费,快到截止日期了。' },
  { matter: 'insurance', township: liren, title: '医保缴费失败', content: '里仁镇村民反映城乡居民医保网上缴费一直失败,缴费系统打不开。' },
  { matter: 'insurance', township: taojiang, title: '居民医保无法缴费', content: '桃江乡这几天医保缴费系统缴费失败,去银行也交不了,担心断保。' },
  { matter: 'insurance', township: dongjiang, title: '医保缴费系统故障', content: '东江乡很多老人医保缴费不成功,缴费系统故障,希望延长缴费时间。' },
  { matter: 'insurance', township: dongjiang, title: '医保网上缴费交不了', content: '用赣服通缴纳城乡居民医保,缴费一直失败,提示系统繁忙。' },
  // single matters, several sharing a word with the ones above
  { matter: 'dance-noise', township: longnan, title: '广场舞噪音扰民', content: '龙南镇文化广场每天晚上跳广场舞,音响噪音很大,扰民严重。' },
  { matter: 'road-dug', township: longnan, title: '道路被挖断未恢复', content: '龙南镇龙翔大道人行道被施工单位挖开一个多月,一直没有恢复,行人通行困难。' },
  { matter: 'street-light', township: longnan, title: '小区路灯不亮', content: '龙南镇某小区 3 栋旁的路灯已经一周不亮,夜间出行不便。' },
  { matter: 'market', township: longnan, title: '菜市场占道经营', content: '龙南镇新都菜市场门口商贩占道经营,车辆无法通行。' },
  { matter: 'garbage', township: longnan, title: '垃圾没人清运', content: '龙南镇解放街垃圾桶满了好几天没有清运,气味很大。' },
  { matter: 'dog', township: longnan, title: '小区流浪狗伤人', content: '金水湾小区流浪狗很多,昨天咬伤了一个小孩。' },
  { matter: 'water-light', township: dujiang, title: '水厂门口路灯坏了', content: '渡江镇自来水厂门口的路灯坏了一个月,晚上很黑。' },
  { matter: 'canteen', township: dujiang, title: '学校食堂饭菜质量差', content: '渡江中学食堂饭菜质量差,价格贵,学生吃不饱。' },
  { matter: 'pension', township: yangcun, title: '养老金没有到账', content: '杨村镇老人养老金这个月没有到账,去社保所问也说不清楚。' },
  { matter: 'bridge', township: yangcun, title: '村里的桥坏了', content: '杨村镇乌石村的木桥被洪水冲坏,村民过河不方便。' },
  { matter: 'pig-farm', township: guanxi, title: '养猪场污染', content: '关西镇新围村养猪场粪水直排河里,臭味很大。' },
  { matter: 'land', township: liren, title: '征地补偿款没发', content: '里仁镇征地补偿款拖欠半年没有发放。' },
  { matter: 'village-road', township: taojiang, title: '村道坑坑洼洼', content: '桃江乡村道坑坑洼洼,下雨天出行不方便,希望修路。' },
];

/** the concentrated matters the clustering must find, with where */
export const INTENDED: Record<string, string | null> = { 'site-noise': longnan, 'water-outage': dujiang, 'school-bus': yangcun, insurance: null };
