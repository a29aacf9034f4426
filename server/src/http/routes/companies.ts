import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { assignCompany, getCompany, listCompanies, myCompany, saveCompany } from '../../usecases/companies/admin.js';
import { companyMonth, missedByCompany } from '../../usecases/companies/month.js';
import { checkIn, coverage } from '../../usecases/companies/patrol.js';
import { resendCompanyWeekly } from '../../usecases/companies/weekly.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { js, type ApiRegistry } from '../openapi.js';
import { checkinBody, companyBody, companyParams, companyStaffBody, coverageQuery, monthQuery, weekSendBody } from '../schemas/companies.js';
import { parse } from '../validate.js';

const ONE_COMPANY = js.obj({ company: js.dto('CompanyDto') });

/** Third-party inspection companies (issue 11, item 4): contracts, 日巡查, coverage, 周反馈, 月评估 and 漏查. */
export function companyRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  adminRoutes(router, api, deps);
  patrolRoutes(router, api, deps);
  assessmentRoutes(router, api, deps);
}

function adminRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  api.add({
    method: 'post', path: '/api/v1/admin/companies', tag: 'companies', auth: true, body: companyBody,
    summary: 'City admin: create or update a third-party inspection company (id, name, contract period, mayVerify 第三方核查, patrol hours, contracted grids); audited',
    responses: { 200: { description: '{company} updated', schema: ONE_COMPANY }, 201: { description: '{company} created', schema: ONE_COMPANY }, 400: 'bad body', 401: 'not logged in', 403: 'not a city admin', 422: 'company.invalid with details.fields' },
  });
  router.post('/api/v1/admin/companies', auth, jsonBody, async (ctx) => {
    const input = parse(companyBody, ctx.request.body);
    const out = await saveCompany(deps, currentUser(ctx), input);
    ctx.status = out.created ? 201 : 200;
    ctx.body = { company: out.company };
  });

  api.add({
    method: 'get', path: '/api/v1/admin/companies', tag: 'companies', auth: true,
    summary: 'Every company with its contract and grids (admins, city and district platforms, leaders, enforcement)',
    responses: { 200: '{companies: CompanyDto[]}', 401: 'not logged in', 403: 'role may not read companies' },
  });
  router.get('/api/v1/admin/companies', auth, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { companies: await listCompanies(deps, currentUser(ctx)) };
  });

  api.add({
    method: 'get', path: '/api/v1/admin/companies/:id', tag: 'companies', auth: true,
    summary: 'One company', responses: { 200: { description: '{company}', schema: ONE_COMPANY }, 400: 'bad id', 401: 'not logged in', 403: 'role may not read companies', 404: 'company.not_found' },
  });
  router.get('/api/v1/admin/companies/:id', auth, async (ctx) => {
    const { id } = parse(companyParams, ctx.params);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { company: await getCompany(deps, currentUser(ctx), id) };
  });

  api.add({
    method: 'post', path: '/api/v1/admin/companies/:id/staff', tag: 'companies', auth: true, body: companyStaffBody,
    summary: 'City admin: attach a third-party staff member to the company (they then read only its contracted grids); audited',
    responses: { 204: 'attached', 400: 'bad body', 401: 'not logged in', 403: 'not a city admin', 404: 'company or staff member not found' },
  });
  router.post('/api/v1/admin/companies/:id/staff', auth, jsonBody, async (ctx) => {
    const { id } = parse(companyParams, ctx.params);
    const { userId } = parse(companyStaffBody, ctx.request.body);
    await assignCompany(deps, currentUser(ctx), userId, id);
    ctx.status = 204;
  });
}

function patrolRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  api.add({
    method: 'post', path: '/api/v1/patrol/checkins', tag: 'companies', auth: true, body: checkinBody,
    summary: '日巡查 check-in on site {lat, lng, at?} (WGS-84; at: when pressed, up to 24 h back, from an offline phone) by a third-party inspector, grid inspector or enforcement member: located to its grid',
    responses: { 201: 'PatrolCheckinDto', 400: 'bad body or time', 401: 'not logged in', 403: 'role may not check in', 422: 'outside every grid, or (company inspector) outside the contract: patrol.outside_contract' },
  });
  router.post('/api/v1/patrol/checkins', auth, jsonBody, async (ctx) => {
    const p = parse(checkinBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = await checkIn(deps, currentUser(ctx), p);
  });

  api.add({
    method: 'get', path: '/api/v1/patrol/company', tag: 'companies', auth: true,
    summary: 'The caller\'s own company (a third-party inspector), with its contract and grids',
    responses: { 200: { description: '{company}', schema: ONE_COMPANY }, 401: 'not logged in', 404: 'the caller belongs to no company' },
  });
  router.get('/api/v1/patrol/company', auth, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { company: await myCompany(deps, currentUser(ctx)) };
  });

  api.add({
    method: 'get', path: '/api/v1/companies/:id/coverage', tag: 'companies', auth: true, query: coverageQuery,
    summary: 'Coverage of a Beijing day (default today): each contracted grid visited or not, its check-ins and the company\'s finds. The company\'s own staff, or company readers',
    responses: { 200: 'CoverageDto', 400: 'bad day', 401: 'not logged in', 403: 'another company, or a role that may not read companies', 404: 'company.not_found' },
  });
  router.get('/api/v1/companies/:id/coverage', auth, async (ctx) => {
    const { id } = parse(companyParams, ctx.params);
    const { day } = parse(coverageQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await coverage(deps, currentUser(ctx), id, day);
  });
}

function assessmentRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  api.add({
    method: 'get', path: '/api/v1/companies/missed', tag: 'companies', auth: true, query: monthQuery,
    summary: '执法部门 cross-check: each company\'s 漏查 of the month with the cases (number, category, grid, time, source)',
    responses: { 200: 'CompanyMissedDto', 400: 'bad month', 401: 'not logged in', 403: 'role may not read companies', 422: 'a month that has not started' },
  });
  router.get('/api/v1/companies/missed', auth, async (ctx) => {
    const { month } = parse(monthQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await missedByCompany(deps, currentUser(ctx), month);
  });

  api.add({
    method: 'get', path: '/api/v1/companies/:id/month', tag: 'companies', auth: true, query: monthQuery,
    summary: '月评估 of a company: 发现量, 复核量, 有效率, 办结量, 覆盖率, 漏查 (the scorecard engine\'s company level; the published snapshot once published), per-grid coverage and the 漏查 list',
    responses: { 200: 'CompanyMonthDto', 400: 'bad month', 401: 'not logged in', 403: 'another company, or a role that may not read companies', 404: 'company.not_found', 422: 'a month that has not started' },
  });
  router.get('/api/v1/companies/:id/month', auth, async (ctx) => {
    const { id } = parse(companyParams, ctx.params);
    const { month } = parse(monthQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await companyMonth(deps, currentUser(ctx), id, month);
  });

  api.add({
    method: 'post', path: '/api/v1/companies/weekly/send', tag: 'companies', auth: true, body: weekSendBody,
    summary: 'Re-send the companies\' 周反馈 for week `at` (2026-W48) to the district groups; posts again on purpose. City platform or city admin',
    responses: { 202: { description: '{at, label, messages:[{companyId, group}]}', schema: js.obj({ at: js.str, label: js.str, messages: js.arr(js.obj({ companyId: js.str, group: js.str })) }) }, 400: 'bad body', 401: 'not logged in', 403: 'not city platform staff or a city admin', 409: 'notifications are off', 422: 'a week that has not started' },
  });
  router.post('/api/v1/companies/weekly/send', auth, jsonBody, async (ctx) => {
    const { at } = parse(weekSendBody, ctx.request.body ?? {});
    ctx.status = 202;
    ctx.body = await resendCompanyWeekly(deps, deps.notify, currentUser(ctx), at);
  });
}
