/**
 * Handlebars pages: every `server/views/*.hbs` compiled once at start, rendered inside
 * `layout.hbs`; partials from `server/views/partials/`. `{{ }}` escapes HTML, so petition text
 * with script in it shows as text on every page; `{{{ }}}` is used only for `json` (script data,
 * with `<` escaped) and nothing typed by a user. The browser bundles are named through `assets`
 * (their hashed names change with each build): `{{asset "modeler" ".css"}}` is a stylesheet's URL,
 * `{{script "modeler"}}` a page's module script with the chunks it imports preloaded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { formatShanghai, formatShanghaiMoment } from '../../regulation/format.js';
import type { Assets } from './assets.js';

export type Render = (view: string, locals: Record<string, unknown>) => string;

export function createViews(dir: string, assets?: Pick<Assets, 'url' | 'imports'>): Render {
  const hb = Handlebars.create();
  const assetUrl = (name: string) => assets?.url(name) ?? `/assets/${name}`;
  // the arguments joined: {{asset pageCss ".css"}}
  hb.registerHelper('asset', (...args: unknown[]) => assetUrl(args.slice(0, -1).join('')));
  // the URLs come from the build's manifest, escaped all the same
  hb.registerHelper('script', (name: unknown) => {
    const attr = (url: string) => hb.escapeExpression(url);
    const preloads = (assets?.imports(`${name}.js`) ?? []).map((url) => `<link rel="modulepreload" href="${attr(url)}">`);
    return new hb.SafeString([...preloads, `<script type="module" src="${attr(assetUrl(`${name}.js`))}"></script>`].join('\n'));
  });
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hb.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hb.registerHelper('not', (a: unknown) => !a);
  hb.registerHelper('enc', (v: unknown) => encodeURIComponent(String(v ?? '')));
  hb.registerHelper('includes', (list: unknown, v: unknown) => Array.isArray(list) && list.includes(v));
  hb.registerHelper('time', (v: unknown) => {
    const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
    return d && !Number.isNaN(d.getTime()) ? formatShanghai(d) : '';
  });
  // when something happened (a submission), to the minute: midnight is 00:00 of its day, not a deadline's 24:00
  hb.registerHelper('moment', (v: unknown) => {
    const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
    return d && !Number.isNaN(d.getTime()) ? formatShanghaiMoment(d).slice(0, 16) : '';
  });
  hb.registerHelper('json', (v: unknown) => new hb.SafeString(JSON.stringify(v ?? null).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')));
  hb.registerHelper('errorFor', (errors: unknown, name: string) => {
    const e = Array.isArray(errors) ? errors.find((x) => x && x.field === name) : undefined;
    return e ? e.message : '';
  });
  const partials = join(dir, 'partials');
  for (const f of readdirSync(partials).filter((n) => n.endsWith('.hbs'))) hb.registerPartial(f.slice(0, -4), readFileSync(join(partials, f), 'utf8'));
  const templates = new Map<string, HandlebarsTemplateDelegate>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.hbs'))) templates.set(f.slice(0, -4), hb.compile(readFileSync(join(dir, f), 'utf8'), { strict: false }));
  const layout = templates.get('layout');
  if (!layout) throw new Error(`no layout.hbs in ${dir}`);
  return (view, locals) => {
    const t = templates.get(view);
    if (!t) throw new Error(`no view ${view}`);
    const body = t(locals);
    return layout({ ...locals, body: new hb.SafeString(body) });
  };
}
