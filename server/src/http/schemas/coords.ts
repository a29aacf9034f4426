import { z } from 'zod';

/** A WGS-84 coordinate sent as a multipart text field ("38.9146"): a decimal number within range. */
const numberIn = (min: number, max: number, what: string) =>
  z
    .string()
    // No trim: the pattern is what the OpenAPI document says, so " 38.89" is refused by both.
    .regex(/^-?\d+(\.\d+)?$/, `${what}必须是数字`)
    .transform(Number)
    .pipe(z.number().gte(min, `${what}超出范围`).lte(max, `${what}超出范围`));

export const latField = numberIn(-90, 90, '纬度');
export const lngField = numberIn(-180, 180, '经度');

/** The same coordinates in a JSON body, where they arrive as numbers. */
export const latNumber = z.number().gte(-90, '纬度超出范围').lte(90, '纬度超出范围');
export const lngNumber = z.number().gte(-180, '经度超出范围').lte(180, '经度超出范围');
