import type { Context } from 'koa';
import { XMLBuilder } from 'fast-xml-parser';
import { SHANGHAI_OFFSET_MS } from '../../domain/shanghai-time.js';
import type { CreatedOpen311Request, Open311Request, Open311Service } from '../../usecases/open311/requests.js';

/**
 * The Open311 GeoReport v2 shapes (https://wiki.open311.org/GeoReport_v2/), each in its JSON form and its
 * XML form: the JSON follows the spec's examples (arrays at the top for services and requests), the XML the
 * spec's element names (services/service, service_requests/request, service_definition, errors/error,
 * discovery/endpoints/endpoint), UTF-8 with the XML declaration, no namespace.
 */
export type Open311Format = 'json' | 'xml';

export interface Open311Doc {
  json: unknown;
  /** The root element's name and content: arrays become repeated elements. */
  xml: Record<string, unknown>;
}

/** Spec: "Timezone information … must be included": Beijing time with its offset (+08:00). */
export function w3cTime(d: Date): string {
  return `${new Date(d.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

export function servicesDoc(services: Open311Service[]): Open311Doc {
  const list = services.map((s) => ({
    service_code: s.code, service_name: s.name, description: s.description, metadata: false, type: 'realtime', keywords: s.keywords.join(','), group: s.group,
  }));
  return { json: list, xml: { services: { service: list } } };
}

export function definitionDoc(d: { code: string; attributes: [] }): Open311Doc {
  return { json: { service_code: d.code, attributes: [] }, xml: { service_definition: { service_code: d.code, attributes: '' } } };
}

export function requestsDoc(requests: Open311Request[], photoUrl: (id: string) => string): Open311Doc {
  const list = requests.map((r) => ({
    service_request_id: r.serviceRequestId,
    status: r.status,
    status_notes: r.statusNotes,
    service_name: r.serviceName,
    service_code: r.serviceCode,
    description: r.description,
    agency_responsible: r.agencyResponsible,
    service_notice: null,
    requested_datetime: w3cTime(r.requestedAt),
    updated_datetime: w3cTime(r.updatedAt),
    expected_datetime: r.expectedAt ? w3cTime(r.expectedAt) : null,
    address: r.address,
    address_id: null,
    zipcode: null,
    lat: r.lat,
    long: r.lng,
    media_url: r.photoIds[0] ? photoUrl(r.photoIds[0]) : null,
  }));
  return { json: list, xml: { service_requests: { request: list } } };
}

export function createdDoc(c: CreatedOpen311Request): Open311Doc {
  const item = { service_request_id: c.serviceRequestId, service_notice: c.serviceNotice, account_id: null };
  return { json: [item], xml: { service_requests: { request: [item] } } };
}

export function tokenDoc(t: { serviceRequestId: string; token: string }): Open311Doc {
  const item = { service_request_id: t.serviceRequestId, token: t.token };
  return { json: [item], xml: { service_requests: { request: [item] } } };
}

/** Service Discovery (https://wiki.open311.org/Service_Discovery/): every field is required. */
export function discoveryDoc(d: { changeset: Date; baseUrl: string; test: boolean }): Open311Doc {
  const changeset = w3cTime(d.changeset);
  const endpoint = {
    specification: 'http://wiki.open311.org/GeoReport_v2', url: `${d.baseUrl}/open311/v2`, changeset, type: d.test ? 'test' : 'production',
    formats: ['text/xml', 'application/json'],
  };
  const doc = {
    changeset,
    contact: '大连市城市管理服务平台：请通过 12319 城管服务热线联系接口维护人员',
    key_service: 'api_key 由市级管理员在管理后台签发（POST /api/v1/admin/open311-keys），请向市城市管理平台申请',
  };
  return {
    json: { ...doc, endpoints: [endpoint] },
    xml: { discovery: { ...doc, endpoints: { endpoint: [{ ...endpoint, formats: { format: endpoint.formats } }] } } },
  };
}

export function errorsDoc(errors: { code: number; description: string }[]): Open311Doc {
  return { json: errors, xml: { errors: { error: errors } } };
}

const xml = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false, processEntities: true });

/** Characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets) are dropped from text. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function xmlSafe(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(NOT_XML_CHAR, '');
  if (Array.isArray(v)) return v.map(xmlSafe);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, xmlSafe(x)]));
  return v;
}

/** Sends a document in the format the path asked for, with the spec's content types. */
export function sendOpen311(ctx: Context, format: Open311Format, status: number, doc: Open311Doc): void {
  ctx.status = status;
  if (format === 'xml') {
    ctx.type = 'text/xml; charset=utf-8';
    ctx.body = `<?xml version="1.0" encoding="utf-8"?>\n${xml.build(xmlSafe(doc.xml)) as string}`;
  } else {
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = JSON.stringify(doc.json);
  }
}
