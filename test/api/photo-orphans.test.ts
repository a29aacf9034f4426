// Photo files no case names (a process killed between writing a photo and committing its case) are removed by
// the workers' hourly job (usecases/photo-orphans.ts); a case's own photos, and files young enough to belong
// to a request still in flight, are kept; temp files a killed write left are removed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeOrphanPhotos } from '../../server/src/usecases/photo-orphans.js';
import { smallJpeg } from '../support/fixtures.js';
import { as, pick, reportOk, type Session } from '../support/flows.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let resident: Session;
beforeAll(async () => {
  h = await startHarness();
  resident = await as(h, pick(h, 'resident'));
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 60 * 60_000;
/** Every file below the photo folder, relative, sorted. */
const files = () => (fs.readdirSync(h.photoDir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(h.photoDir, f)).isFile()).sort();
/** Makes every file of a photo (or a temp file) look written `ms` before the app's clock (the harness may set it). */
function age(match: string, ms: number): void {
  const when = new Date(h.deps.clock.now().getTime() - ms);
  for (const f of files().filter((f) => f.includes(match))) fs.utimesSync(path.join(h.photoDir, f), when, when);
}

describe('orphan photo files', () => {
  it('are removed after the grace period, while case photos, young files and other files stay', async () => {
    const grid = pick(h, 'inspector');
    const kept = await reportOk(h, resident, { categoryCode: '06010', lat: grid.lat!, lng: grid.lng!, photos: [await smallJpeg()] });
    const caseFiles = files();
    expect(caseFiles.length).toBe(2); // the full image and its thumbnail
    // Two photos written as a report would, whose case never committed: one old, one just now.
    const processed = await h.deps.photos.process(await smallJpeg({ width: 64 }));
    const old = crypto.randomUUID();
    const young = crypto.randomUUID();
    await h.deps.photos.put(old, processed);
    await h.deps.photos.put(young, processed);
    // A temp file of a write killed before its rename, in a folder of its own.
    const tempDir = path.join(h.photoDir, old.slice(0, 2), old.slice(2, 4));
    const temp = `.${old}.jpg.0123456789ab.tmp`;
    fs.writeFileSync(path.join(tempDir, temp), 'half');
    for (const f of caseFiles) age(f, 3 * HOUR);
    age(old, 2 * HOUR);
    age(young, 10 * 60_000);

    const sweep = await removeOrphanPhotos(h.deps);
    expect(sweep).toEqual({ examined: 2, removed: 1 }); // the case's photo and the old orphan; the young one not yet
    const left = files();
    expect(left.filter((f) => f.includes(old))).toEqual([]);
    expect(left.filter((f) => f.includes(young)).length).toBe(2);
    expect(caseFiles.every((f) => left.includes(f))).toBe(true);
    // The case's photo still answers.
    const photoId = (await h.request.get(`/api/v1/cases/${kept.id}`).set({ Authorization: `Bearer ${resident.token}` })).body.case.photos[0].id as string;
    expect(await h.deps.photos.read(photoId, 'full')).not.toBeNull();

    // Once past the grace period the young orphan goes too; the case's photo never does.
    age(young, 2 * HOUR);
    expect(await removeOrphanPhotos(h.deps)).toEqual({ examined: 2, removed: 1 });
    expect(files()).toEqual(caseFiles);
  });
});
