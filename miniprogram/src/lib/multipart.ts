// The weapp cannot send several files in one request with wx.uploadFile (one filePath per call), but
// POST /api/v1/reports wants all photos in one multipart body. So the weapp builds the body itself and
// sends it with wx.request (ArrayBuffer data). Pure code: no Taro, no TextEncoder (old base libraries).

export interface MultipartFile {
  field: string
  filename: string
  contentType: string
  data: Uint8Array
}

export function utf8(s: string): Uint8Array {
  const out: number[] = []
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return new Uint8Array(out)
}

export function newBoundary(random: () => number = Math.random): string {
  return `----FineCity${Math.floor(random() * 1e12).toString(36)}${Date.now().toString(36)}`
}

const quote = (s: string): string => s.replace(/["\r\n\\]/g, '_')

export function buildMultipart(fields: Record<string, string>, files: MultipartFile[], boundary: string): Uint8Array {
  const parts: Uint8Array[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(utf8(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`))
  }
  for (const f of files) {
    parts.push(utf8(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(f.field)}"; filename="${quote(f.filename)}"\r\nContent-Type: ${f.contentType}\r\n\r\n`))
    parts.push(f.data, utf8('\r\n'))
  }
  parts.push(utf8(`--${boundary}--\r\n`))
  const size = parts.reduce((n, p) => n + p.length, 0)
  const body = new Uint8Array(size)
  let at = 0
  for (const p of parts) {
    body.set(p, at)
    at += p.length
  }
  return body
}

/** Content type from the first bytes (the server checks magic bytes too; this only labels the part). */
export function sniffImageType(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg'
  if (b[0] === 0x89 && b[1] === 0x50) return 'image/png'
  if (b[8] === 0x57 && b[9] === 0x45) return 'image/webp'
  return 'application/octet-stream'
}
