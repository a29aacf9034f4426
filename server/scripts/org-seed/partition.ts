/**
 * Cutting a set of lattice cells (4-adjacency) into connected parts, deterministically:
 * streets as large chunks, communities as pieces of 1–4 adjacent cells.
 */

export interface Cell {
  i: number;
  j: number;
}

const STEPS: readonly [number, number][] = [[1, 0], [-1, 0], [0, 1], [0, -1]];
export const cellKey = (c: Cell): string => `${c.i},${c.j}`;

function keyed<T extends Cell>(cells: readonly T[]): Map<string, T> {
  return new Map(cells.map((c) => [cellKey(c), c] as const));
}

function neighbours<T extends Cell>(c: Cell, byKey: ReadonlyMap<string, T>): T[] {
  const out: T[] = [];
  for (const [di, dj] of STEPS) {
    const n = byKey.get(`${c.i + di},${c.j + dj}`);
    if (n) out.push(n);
  }
  return out;
}

function bfs<T extends Cell>(start: T, byKey: ReadonlyMap<string, T>): T[] {
  const seen = new Set([cellKey(start)]);
  const order = [start];
  for (let k = 0; k < order.length; k++)
    for (const n of neighbours(order[k]!, byKey))
      if (!seen.has(cellKey(n))) {
        seen.add(cellKey(n));
        order.push(n);
      }
  return order;
}

/** Connected components, largest first (ties: the one whose first cell comes first). */
export function components<T extends Cell>(cells: readonly T[]): T[][] {
  const byKey = keyed(cells);
  const seen = new Set<string>();
  const out: T[][] = [];
  for (const c of cells) {
    if (seen.has(cellKey(c))) continue;
    const comp = bfs(c, byKey);
    for (const m of comp) seen.add(cellKey(m));
    out.push(comp);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** A rim cell whose removal keeps the set connected: the last cell BFS reaches from the cell nearest the mean. */
function peripheralCell<T extends Cell>(cells: readonly T[]): T {
  const mi = cells.reduce((s, c) => s + c.i, 0) / cells.length;
  const mj = cells.reduce((s, c) => s + c.j, 0) / cells.length;
  const d = (c: Cell): number => (c.i - mi) ** 2 + (c.j - mj) ** 2;
  const root = cells.reduce((best, c) => (d(c) < d(best) ? c : best));
  const order = bfs(root, keyed(cells));
  return order[order.length - 1]!;
}

/** Best-first growth from `start`, nearest cells first: every prefix is connected. */
function growChunk<T extends Cell>(cells: readonly T[], start: T, size: number): Set<string> {
  const byKey = keyed(cells);
  const chunk = new Set([cellKey(start)]);
  const frontier = new Map<string, T>();
  const d = (c: Cell): number => (c.i - start.i) ** 2 + (c.j - start.j) ** 2;
  let last: T = start;
  while (chunk.size < size) {
    for (const n of neighbours(last, byKey)) if (!chunk.has(cellKey(n))) frontier.set(cellKey(n), n);
    let next: T | undefined;
    for (const c of frontier.values()) if (!next || (d(c) - d(next) || c.j - next.j || c.i - next.i) < 0) next = c;
    if (!next) break;
    frontier.delete(cellKey(next));
    chunk.add(cellKey(next));
    last = next;
  }
  return chunk;
}

/** Splits a connected set into a chunk of about `size` cells and the remaining components. */
function peel<T extends Cell>(cells: readonly T[], size: number): { chunk: T[]; rest: T[][] } {
  const keys = growChunk(cells, peripheralCell(cells), size);
  const chunk = cells.filter((c) => keys.has(cellKey(c)));
  return { chunk, rest: components(cells.filter((c) => !keys.has(cellKey(c)))) };
}

const dist2 = (a: Cell, b: Cell): number => (a.i - b.i) ** 2 + (a.j - b.j) ** 2;

/**
 * `n` connected parts of near-equal size. Cells cut off by a peel join that peel's part; detached
 * islands (components other than the largest) join the part with the nearest cell.
 */
export function splitIntoParts<T extends Cell>(cells: readonly T[], n: number): T[][] {
  const [main = [], ...islands] = components(cells);
  const parts: T[][] = [];
  let rest = main;
  for (let k = 0; k < n - 1 && rest.length > 0; k++) {
    const { chunk, rest: remaining } = peel(rest, Math.round(rest.length / (n - k)));
    const [next = [], ...orphans] = remaining;
    parts.push([...chunk, ...orphans.flat()]);
    rest = next;
  }
  parts.push(rest);
  while (parts.length < n) parts.push([]);
  for (const island of islands) nearestPart(parts, island[0]!).push(...island);
  return parts;
}

function nearestPart<T extends Cell>(parts: T[][], cell: Cell): T[] {
  let best = parts[0]!;
  let bestD = Infinity;
  for (const p of parts)
    for (const c of p)
      if (dist2(c, cell) < bestD) {
        bestD = dist2(c, cell);
        best = p;
      }
  return best;
}

/** Connected pieces of at most `size` cells (`size` ≤ maxSize), in peel order. */
function smallPieces<T extends Cell>(cells: readonly T[], size: number): T[][] {
  const pieces: T[][] = [];
  const queue = components(cells);
  while (queue.length > 0) {
    const comp = queue.shift()!;
    if (comp.length <= size) pieces.push(comp);
    else {
      const { chunk, rest } = peel(comp, size);
      pieces.push(chunk);
      queue.unshift(...rest);
    }
  }
  return pieces;
}

function touches(a: readonly Cell[], b: readonly Cell[]): boolean {
  return a.some((x) => b.some((y) => dist2(x, y) === 1));
}

/** Merges the adjacent pair with the smallest combined size that still fits; false if none. */
function mergeOnce<T extends Cell>(pieces: T[][], maxSize: number): boolean {
  let best: [number, number] | undefined;
  let bestSize = Infinity;
  for (let a = 0; a < pieces.length; a++)
    for (let b = a + 1; b < pieces.length; b++) {
      const size = pieces[a]!.length + pieces[b]!.length;
      if (size <= maxSize && size < bestSize && touches(pieces[a]!, pieces[b]!)) [best, bestSize] = [[a, b], size];
    }
  if (!best) return false;
  pieces[best[0]]!.push(...pieces[best[1]]!);
  pieces.splice(best[1], 1);
  return true;
}

/** Splits the largest piece in two connected pieces; false if every piece is a single cell. */
function splitOnce<T extends Cell>(pieces: T[][]): boolean {
  const k = pieces.reduce((best, p, idx) => (p.length > pieces[best]!.length ? idx : best), 0);
  const piece = pieces[k];
  if (!piece || piece.length < 2) return false;
  // Halves if the remainder stays connected; otherwise a rim cell, which always leaves it connected.
  for (const size of [Math.floor(piece.length / 2), 1]) {
    const { chunk, rest } = peel(piece, size);
    if (rest.length !== 1) continue;
    pieces.splice(k, 1, chunk, rest[0]!);
    return true;
  }
  return false;
}

/** Exactly `count` connected pieces of 1..maxSize cells each, or an error. */
export function splitIntoPieces<T extends Cell>(cells: readonly T[], count: number, maxSize: number): T[][] {
  const size = Math.min(maxSize, Math.max(1, Math.round(cells.length / count)));
  const pieces = smallPieces(cells, size);
  while (pieces.length > count) if (!mergeOnce(pieces, maxSize)) break;
  while (pieces.length < count) if (!splitOnce(pieces)) break;
  if (pieces.length !== count) throw new Error(`cannot cut ${cells.length} cells into ${count} pieces of ≤ ${maxSize}`);
  return pieces;
}
