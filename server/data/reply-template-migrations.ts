/**
 * Migrations 1751–1752 (in `appMigrations`): reply templates / 常用语 (issue 17; regulation/reply-templates.ts).
 * - `reply_templates`: the office's reusable wording per petition category, kept by platform reviewers;
 *   listed by category and title (one index range per category).
 * - the defaults a fresh database starts with, a few per category, each covering what it can of
 *   第十五条 (一) with placeholders. Inserted once, as the migration's data: a template the office
 *   edits or deletes stays as the office left it.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, BIGINT, TEXT } = DataTypes;

export interface DefaultReplyTemplate {
  id: string;
  category: string;
  title: string;
  body: string;
}

const OPENING = '您好!您反映的“{诉求标题}”(查询编号 {查询编号})已收悉。';
const CONTACT = '{办理时间},我单位工作人员已通过电话与您联系,说明了办理情况。';

export const DEFAULT_REPLY_TEMPLATES: readonly DefaultReplyTemplate[] = [
  { id: 'default-consultation-policy', category: 'consultation', title: '政策解答', body: `${OPENING}经{办理单位}核实,现答复如下:根据《(请填写政策文件名称)》第(  )条规定,……。如仍有疑问,可拨打 12345 热线咨询。${CONTACT}感谢您对我们工作的关注与支持!` },
  { id: 'default-consultation-procedure', category: 'consultation', title: '办事指引', body: `${OPENING}{办理单位}答复如下:您咨询的事项可按以下流程办理:一是……;二是……;三是……。所需材料:……。依据《(请填写文件名称)》。${CONTACT}` },
  { id: 'default-complaint-solved', category: 'complaint', title: '投诉已解决', body: `${OPENING}{办理单位}高度重视,于{办理时间}派员到现场调查核实。经核实,……。我单位已责成……整改,目前问题已解决。依据《(请填写法律法规名称)》第(  )条。${CONTACT}如有新情况,欢迎继续反映。` },
  { id: 'default-complaint-not-investigated', category: 'complaint', title: '不予调查处理', body: `${OPENING}经{办理单位}审查,您反映的事项……,根据《(请填写法律法规名称)》第(  )条规定,决定不予调查处理,理由如下:……。您也可以通过……途径依法维护自身权益。${CONTACT}` },
  { id: 'default-report-investigated', category: 'report', title: '举报查处', body: `${OPENING}{办理单位}已依法受理,并于{办理时间}组织调查。经查,……。依据《(请填写法律法规名称)》第(  )条,已对……作出……处理。${CONTACT}感谢您对我们工作的监督!` },
  { id: 'default-report-not-found', category: 'report', title: '举报查无实据', body: `${OPENING}{办理单位}于{办理时间}组织人员现场核查,经查,未发现您反映的……情况。依据《(请填写法律法规名称)》第(  )条,我单位将加强日常巡查,一经发现违法行为将依法查处。${CONTACT}` },
  { id: 'default-help-done', category: 'help', title: '求助已协调', body: `${OPENING}{办理单位}接到诉求后,于{办理时间}与相关单位协调,已为您……。依据《(请填写政策文件名称)》。${CONTACT}如仍有困难,欢迎继续与我们联系。` },
  { id: 'default-suggestion-adopted', category: 'suggestion', title: '建议采纳', body: `${OPENING}感谢您的宝贵建议。经{办理单位}研究,您的建议具有可行性,我单位将……,预计于……完成。依据《(请填写规划或政策文件名称)》。${CONTACT}` },
  { id: 'default-suggestion-noted', category: 'suggestion', title: '建议留作参考', body: `${OPENING}感谢您的宝贵建议。经{办理单位}研究,因……,暂不具备实施条件,您的建议我们将作为今后工作的参考。依据《(请填写规划或政策文件名称)》。${CONTACT}` },
  { id: 'default-other-general', category: 'other', title: '一般答复', body: `${OPENING}{办理单位}于{办理时间}办理,结果如下:……。依据《(请填写政策文件名称)》。${CONTACT}感谢您对我们工作的理解与支持!` },
];

export const replyTemplateMigrations: AppMigration[] = [
  {
    name: '1751-reply-templates',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('reply_templates', {
        id: { type: STRING(64), primaryKey: true, allowNull: false },
        // regulation/categories.ts
        category: { type: STRING(20), allowNull: false },
        title: { type: STRING(100), allowNull: false },
        body: { type: TEXT, allowNull: false },
        created_by: { type: STRING(64), allowNull: false },
        created_at: { type: BIGINT, allowNull: false },
        updated_by: { type: STRING(64), allowNull: false },
        updated_at: { type: BIGINT, allowNull: false },
      });
      await qi.addIndex('reply_templates', ['category', 'title'], { name: 'reply_templates_category' });
    },
  },
  {
    name: '1752-reply-template-defaults',
    async up({ sequelize }) {
      const at = Date.now();
      await sequelize.getQueryInterface().bulkInsert(
        'reply_templates',
        DEFAULT_REPLY_TEMPLATES.map((t) => ({ ...t, created_by: 'system', created_at: at, updated_by: 'system', updated_at: at })),
      );
    },
  },
];
