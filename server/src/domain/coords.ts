/**
 * China's GCJ-02 ("Mars coordinates"), Baidu's BD-09 and WGS-84. The converter lives in the shared types
 * workspace (types/src/coords.ts), so the server, its scripts and the mini-program use one copy; this module
 * keeps the domain's import path.
 */
export {
  bd09ToGcj02,
  bd09ToWgs84,
  fromWgs84,
  gcj02ToBd09,
  gcj02ToWgs84,
  toWgs84,
  toWgs84FromMap,
  wgs84ToBd09,
  wgs84ToGcj02,
} from '@finecity/types';
export type { LatLng, MapDatum } from '@finecity/types';
