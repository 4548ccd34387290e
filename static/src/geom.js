// Planar measures in a building's local metres, the same numbers the server computes (geo.Area: the
// shoelace formula, outer ring minus holes). Never used on Web Mercator coordinates.

/** The area enclosed by a ring of [x, y] points (closed or not), always positive. */
export function ringArea(ring) {
  let s = 0;
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % n];
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

/** The area of polygon rings [outer, ...holes]. */
export function polygonArea(rings) {
  if (!rings || !rings.length) return 0;
  let a = ringArea(rings[0]);
  for (let i = 1; i < rings.length; i++) a -= ringArea(rings[i]);
  return Math.max(a, 0);
}

/** Rounds every coordinate of a polygon's rings to a millimetre, keeping rings closed. */
export function roundRings(rings) {
  const r = (v) => Math.round(v * 1000) / 1000;
  return rings.map((ring) => {
    const out = ring.map(([x, y]) => [r(x), r(y)]);
    const [fx, fy] = out[0];
    const [lx, ly] = out[out.length - 1];
    if (fx !== lx || fy !== ly) out.push([fx, fy]);
    return out;
  });
}

/**
 * ortho constrains point p so that the segment from prev is horizontal or vertical, whichever is
 * closer to the pointer's direction.
 */
export function ortho(prev, p) {
  const dx = Math.abs(p[0] - prev[0]);
  const dy = Math.abs(p[1] - prev[1]);
  return dx >= dy ? [p[0], prev[1]] : [prev[0], p[1]];
}

/**
 * node inserts into every polygon's rings the vertices of the other polygons that lie on their edges
 * (T-junctions, within tol), so that every junction of walls is a vertex shared by all the rooms that
 * meet there and moving it moves them all. The shape of each polygon is unchanged. polys: arrays of
 * rings; returns new arrays, and which of them changed.
 */
export function node(polys, tol = 1e-4) {
  const key = (p) => `${p[0]},${p[1]}`;
  const points = new Map();
  polys.forEach((rings, i) => {
    for (const ring of rings) for (const p of ring) {
      const k = key(p);
      if (!points.has(k)) points.set(k, {p, owners: new Set()});
      points.get(k).owners.add(i);
    }
  });
  const all = [...points.values()];
  const changed = [];
  const out = polys.map((rings, i) => rings.map((ring) => {
    const res = [];
    for (let j = 0; j < ring.length - 1; j++) {
      const a = ring[j];
      const b = ring[j + 1];
      res.push(a);
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const len2 = dx * dx + dy * dy;
      if (!len2) continue;
      const minX = Math.min(a[0], b[0]) - tol;
      const maxX = Math.max(a[0], b[0]) + tol;
      const minY = Math.min(a[1], b[1]) - tol;
      const maxY = Math.max(a[1], b[1]) + tol;
      const on = [];
      for (const {p, owners} of all) {
        if (owners.has(i) || p[0] < minX || p[0] > maxX || p[1] < minY || p[1] > maxY) continue;
        const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
        if (t <= 0 || t >= 1) continue;
        const ex = a[0] + t * dx - p[0];
        const ey = a[1] + t * dy - p[1];
        if (ex * ex + ey * ey <= tol * tol) on.push([t, p]);
      }
      on.sort((x, y) => x[0] - y[0]);
      for (const [, p] of on) res.push(p.slice());
      if (on.length && !changed.includes(i)) changed.push(i);
    }
    res.push(ring[ring.length - 1]);
    return res;
  }));
  return {polys: out, changed};
}
