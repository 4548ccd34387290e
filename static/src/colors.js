// The palettes, the same as the server's (floorplan/render/palette.go), so that the map, the rendered
// plans and the raster tiles show one colour for one status, usage or agency.

export const STATUSES = ['over_standard', 'compliant', 'vacant', 'non_office', 'no_standard'];

// Okabe and Ito's colours for colour-blind readers: over standard vermillion and compliant blue stay apart
// under deuteranopia and protanopia (floorplan/render/palette_test.go measures it), and the map hatches
// over-standard rooms too (overStandardHatch), so that the status never rests on colour alone.
const STATUS_COLORS = {
  over_standard: '#d55e00',
  compliant: '#0072b2',
  vacant: '#bdbdbd',
  non_office: '#9ecae1',
  no_standard: '#f0e442',
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

let overPattern = null;

/**
 * overStandardHatch is the hatching drawn over an over-standard room's fill on the map: dark diagonal
 * lines on a transparent ground (a CanvasPattern, made once), so that the room's colour shows between
 * them and the status can be told without colour. The lines run the other way from a void's.
 */
export function overStandardHatch() {
  if (!overPattern) {
    const size = 10;
    const c = document.createElement('canvas');
    c.width = size;
    c.height = size;
    const g = c.getContext('2d');
    g.strokeStyle = 'rgba(0,0,0,0.55)';
    g.lineWidth = 1.5;
    g.beginPath();
    for (const k of [-size, 0, size]) {
      g.moveTo(k, 0);
      g.lineTo(k + size, size);
    }
    g.stroke();
    overPattern = g.createPattern(c, 'repeat');
  }
  return overPattern;
}

/** The room state whose rooms the map marks with a symbol at the label point. */
export const IDLE = 'idle';

/** The ink of the idle rooms' marker. */
export const IDLE_MARK = '#1a1a1a';

/** The relative luminance of a #rrggbb colour (WCAG 2.1). */
function luminance(hex) {
  const n = parseInt(hex.slice(1), 16);
  const lin = (v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}

/** The contrast ratio of two #rrggbb colours (WCAG 2.1: 1 to 21). */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The text colour for a background: white or near-black, whichever contrasts more (≥ 4.5:1 on every palette colour). */
export function inkOn(background) {
  return contrast(background, '#ffffff') >= contrast(background, '#111111') ? '#ffffff' : '#111111';
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
