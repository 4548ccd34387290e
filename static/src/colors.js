// The palettes, the same as the server's (floorplan/render/palette.go), so that the map, the rendered
// plans and the raster tiles show one colour for one status, usage or agency.

export const STATUSES = ['over_standard', 'compliant', 'vacant', 'non_office', 'no_standard'];

const STATUS_COLORS = {
  over_standard: '#d7301f',
  compliant: '#1a9850',
  vacant: '#bdbdbd',
  non_office: '#9ecae1',
  no_standard: '#fdae61',
};

/** The fill colour of a room status; unknown statuses get a neutral light grey. */
export function statusColor(s) {
  return STATUS_COLORS[s] || '#f0f0f0';
}

export const USAGES = ['office', 'rest_room', 'toilet', 'service', 'equipment', 'ancillary', 'technical', 'circulation',
  'shaft', 'void', 'commercial', 'residential', 'other'];

const USAGE_COLORS = {
  office: '#80b1d3',
  rest_room: '#bebada',
  toilet: '#8dd3c7',
  service: '#fdb462',
  equipment: '#b3de69',
  ancillary: '#fccde5',
  technical: '#bc80bd',
  circulation: '#e5e5e5',
  shaft: '#969696',
  void: '#f7f7f7',
  commercial: '#fb8072',
  residential: '#ffffb3',
};

/** The fill colour of a room usage. */
export function usageColor(u) {
  return USAGE_COLORS[u] || '#d9d9d9';
}

/** The usage of voids: open to the floor below, never floor area, always drawn pale and hatched. */
export const VOID = 'void';

/** The ink of a void's hatching. */
export const VOID_HATCH = '#969696';

/** The ink of doors and other openings, drawn over the rooms' outlines. */
export const OPENING_COLOR = '#8c510a';

let voidPattern = null;

/**
 * voidFill is the fill of a void on a canvas: the void's pale colour hatched with diagonal lines, as the
 * rendered plans draw it (a CanvasPattern, made once).
 */
export function voidFill() {
  if (!voidPattern) {
    const size = 8;
    const c = document.createElement('canvas');
    c.width = size;
    c.height = size;
    const g = c.getContext('2d');
    g.fillStyle = USAGE_COLORS.void;
    g.fillRect(0, 0, size, size);
    g.strokeStyle = VOID_HATCH;
    g.lineWidth = 1.2;
    g.beginPath();
    // One diagonal and its two wrapped ends, so that the tiles join into unbroken lines.
    for (const k of [-size, 0, size]) {
      g.moveTo(k, size);
      g.lineTo(k + size, 0);
    }
    g.stroke();
    voidPattern = g.createPattern(c, 'repeat');
  }
  return voidPattern;
}

const AGENCY_PALETTE = ['#8dd3c7', '#fb8072', '#bebada', '#80b1d3', '#fdb462', '#b3de69', '#fccde5', '#bc80bd',
  '#ccebc5', '#ffed6f', '#1f78b4', '#33a02c'];

const agencyCache = new Map();

/**
 * agencyColor gives an agency its stable colour: FNV-1a (32 bit) over the 16 bytes of its UUID, modulo
 * the 12-colour palette — the server's AgencyColor, so a plan and the map agree. No agency: light grey.
 */
export function agencyColor(id) {
  if (!id || id === '00000000-0000-0000-0000-000000000000') return '#eeeeee';
  let c = agencyCache.get(id);
  if (c) return c;
  const hex = id.replace(/-/g, '');
  let h = 0x811c9dc5;
  for (let i = 0; i < 32; i += 2) {
    h ^= parseInt(hex.slice(i, i + 2), 16);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  c = AGENCY_PALETTE[h % AGENCY_PALETTE.length];
  agencyCache.set(id, c);
  return c;
}

/** hex colour + alpha → rgba() string. */
export function withAlpha(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}
