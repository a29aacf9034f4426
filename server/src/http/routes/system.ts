import type Router from '@koa/router';
import { js, type ApiRegistry } from '../openapi.js';

export function systemRoutes(router: Router, api: ApiRegistry): void {
  api.add({ method: 'get', path: '/healthz', summary: 'Liveness: 200 once migrations and seed are done', tag: 'system', auth: false, responses: { 200: { description: '{"status":"ok"}', schema: js.obj({ status: { const: 'ok' } }) } } });
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  api.add({ method: 'get', path: '/api/v1/openapi.json', summary: 'This OpenAPI 3.1 document', tag: 'system', auth: false, responses: { 200: { description: 'OpenAPI document', schema: { type: 'object', required: ['openapi', 'paths'] } } } });
  router.get('/api/v1/openapi.json', (ctx) => {
    ctx.body = api.document({ title: 'FineCity API', version: '1.0.0' });
  });
}
