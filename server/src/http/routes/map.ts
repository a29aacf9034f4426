import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { createTileRenderer, parseTileKey, TILE_SIZE } from '../../sandbox/tiles.js';
import { z } from 'zod';
import { mapArea, mapConfig, pinPlace, tileOutlines } from '../../usecases/map.js';
import { latField, lngField } from '../schemas/coords.js';
import { parse } from '../validate.js';
import { currentUser, requireUser } from '../auth.js';
import { MEDIA, type ApiRegistry } from '../openapi.js';

/**
 * The H5 map's configuration and, while no MAP_TILE_URL is set or the sandbox is on, the sandbox's offline
 * outline tiles. Both public: the config holds only what every browser showing the map receives anyway.
 */
export function mapRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({ method: 'get', path: '/api/v1/map/config', summary: 'The H5 map\'s base layer: tile URL template (browser key filled in), subdomains, attribution, datum, zoom range', tag: 'map', auth: false, responses: { 200: 'MapConfigDto' } });
  router.get('/api/v1/map/config', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = mapConfig(deps.config.map);
  });

  api.add({ method: 'get', path: '/api/v1/map/area', summary: 'Outlines (GeoJSON, WGS-84) of the caller\'s own unit and the area units directly below it, for the staff map', tag: 'map', auth: true, responses: { 200: 'MapAreaDto', 401: 'not logged in', 403: 'no unit' } });
  router.get('/api/v1/map/area', requireUser(deps), async (ctx) => {
    ctx.set('Cache-Control', 'private, max-age=300');
    ctx.body = await mapArea(deps, currentUser(ctx));
  });

  const placeQuery = z.object({ lat: latField, lng: lngField }).strict();
  api.add({
    method: 'get', path: '/api/v1/map/place', tag: 'map', auth: false, query: placeQuery,
    summary: 'The place under a map pin (WGS-84): district · street · community · grid from the grid locator, as a report there would be placed',
    responses: { 200: 'PinPlaceDto', 400: 'bad coordinates', 422: 'outside the service area (the message a report there gets)' },
  });
  router.get('/api/v1/map/place', (ctx) => {
    const q = parse(placeQuery, ctx.query);
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = pinPlace(deps, q.lat, q.lng);
  });

  if (deps.config.map.tileUrl && !deps.config.sandbox.enabled) return;
  const renderer = createTileRenderer(() => tileOutlines(deps.orgGeo));
  api.add({ method: 'get', path: '/sandbox/tiles/:z/:x/:y.png', summary: `The sandbox's offline base map: ${TILE_SIZE}-px XYZ tiles (Web Mercator) of FineCity's own outlines; blank outside them`, tag: 'map', auth: false, responses: { 200: { description: 'image/png', media: MEDIA.png }, 400: 'z/x/y not a tile' } });
  router.get('/sandbox/tiles/:z/:x/:y.png', async (ctx) => {
    const key = parseTileKey(ctx.params.z ?? '', ctx.params.x ?? '', ctx.params.y ?? '');
    if (!key) throw new AppError('request.invalid', '瓦片坐标不正确：z 为 0–22 的整数，x、y 为 0 到 2^z−1 的整数');
    const tile = await renderer.render(key);
    ctx.type = 'image/png';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.set('X-Tile-Cache', tile.cached ? 'hit' : 'miss');
    ctx.set('Server-Timing', `tile;dur=${tile.ms.toFixed(1)}`);
    ctx.body = tile.png;
  });
}
