// Every string the user sees, in zh-CN (the default) and English. Nothing else in src/ holds UI text:
// modules call t('key') or one of the label helpers below. The choice is remembered in localStorage.

const STORAGE_KEY = 'officemap.lang';

const zh = {
  'app.title': '办公用房智能图文',
  'app.subtitle': '党政机关办公用房集中统一管理',
  'app.loading': '正在加载……',
  'app.loadFailed': '加载失败：{message}',
  'app.noBuildings': '尚无楼栋数据。请先导入或运行 officemap demo。',
  'lang.toggle': 'English',
  'lang.toggleTitle': '切换为英文界面',
  'tab.map': '地图',
  'tab.dashboard': '超标统计',

  'search.placeholder': '搜索房间号、人员、使用单位、楼栋',
  'search.none': '没有找到“{q}”',
  'search.failed': '搜索失败：{message}',
  'search.kind.room': '房间',
  'search.kind.person': '人员',
  'search.kind.agency': '单位',
  'search.kind.building': '楼栋',
  'search.noOffice': '{name} 目前没有在用的办公室',

  'filter.agency': '使用单位',
  'filter.allAgencies': '全部使用单位',
  'filter.clear': '清除筛选',
  'color.by': '着色',
  'color.status': '按超标状态',
  'color.agency': '按使用单位',
  'color.usage': '按用途',

  'legend.status': '超标状态',
  'legend.agency': '使用单位',
  'legend.usage': '房间用途',
  'legend.unallocated': '未分配',

  'overview.title': '总览',
  'overview.summary': '{sites} 处房产，{buildings} 栋楼',
  'overview.hint': '点击楼栋查看楼层和房间；在上方搜索人员、房间或单位。',
  'overview.site': '房产',

  'building.floors': '楼层',
  'building.area': '占地面积',
  'building.back': '返回总览',
  'building.chooseFloor': '选择楼层',
  'building.noFloors': '该楼栋尚无楼层',

  'floor.rooms': '{n} 个房间',
  'floor.plan': '打印 / 导出本层平面图',
  'floor.planPNG': 'PNG 图片',
  'floor.planSVG': 'SVG 矢量图',
  'floor.edit': '编辑本层',
  'floor.statusCounts': '各状态房间数',

  'room.number': '房间号',
  'room.name': '名称',
  'room.usage': '用途',
  'room.agency': '使用单位',
  'room.area': '使用面积',
  'room.occupants': '使用人员',
  'room.noOccupants': '无',
  'room.standard': '标准面积',
  'room.perPerson': '人均面积',
  'room.status': '状态',
  'room.location': '位置',
  'room.findings': '问题',
  'room.noFindings': '没有与该房间或其使用人员有关的问题',
  'room.source': '依据',
  'room.close': '关闭',
  'room.editThis': '编辑此房间',
  'room.share': '分摊 {area}',

  'agency.distribution': '{name} 办公用房分布',
  'agency.totals': '{rooms} 个房间，{area}',
  'agency.noRooms': '该单位名下没有房间',
  'agency.building': '楼栋',
  'agency.floor': '楼层',
  'agency.count': '房间数',
  'agency.area': '面积',

  'dash.title': '各使用单位超标情况',
  'dash.asOf': '统计日期：{date}',
  'dash.agency': '使用单位',
  'dash.people': '人数',
  'dash.rooms': '房间数',
  'dash.office': '办公室面积',
  'dash.standard': '标准面积',
  'dash.officeVsStandard': '办公室面积 / 标准',
  'dash.officeSpace': '办公用房面积',
  'dash.approved': '核定面积',
  'dash.findings': '问题数',
  'dash.total': '合计',
  'dash.download': '下载',
  'dash.csv': 'CSV 表格',
  'dash.xlsx': 'Excel 工作簿',
  'dash.showOnMap': '在地图上查看',
  'dash.findingsTitle': '问题清单',
  'dash.rule': '问题',
  'dash.severity': '程度',
  'dash.person': '人员',
  'dash.roomsCol': '房间',
  'dash.message': '说明',
  'dash.none': '没有发现问题',
  'dash.clickHint': '点击单位可在地图上查看其办公用房分布',

  'severity.violation': '违规',
  'severity.tolerated': '暂缓整改',
  'severity.notice': '提示',

  'status.over_standard': '超标',
  'status.compliant': '合规',
  'status.vacant': '空置',
  'status.non_office': '非办公',
  'status.no_standard': '无标准',
  'status.unknown': '未评估',

  'usage.office': '办公室',
  'usage.rest_room': '休息室',
  'usage.toilet': '卫生间',
  'usage.service': '服务用房',
  'usage.equipment': '设备用房',
  'usage.ancillary': '附属用房',
  'usage.technical': '技术业务用房',
  'usage.circulation': '交通',
  'usage.commercial': '商业',
  'usage.residential': '住宅',
  'usage.other': '其他',

  'rank.minister': '省部级正职',
  'rank.vice_minister': '省部级副职',
  'rank.bureau': '厅局级正职',
  'rank.vice_bureau': '厅局级副职',
  'rank.division': '县处级正职',
  'rank.vice_division': '县处级副职',
  'rank.section': '乡科级正职',
  'rank.vice_section': '乡科级副职',
  'rank.staff': '科员及以下',

  'edit.title': '编辑楼层 {floor}',
  'edit.modify': '选择 / 修改',
  'edit.modifyTitle': '点击房间进行选择；拖动顶点或墙线修改，共用的墙线会同时移动',
  'edit.draw': '绘制房间',
  'edit.drawTitle': '逐点点击绘制房间，点击起点结束；会吸附到已有房间的墙线和顶点',
  'edit.split': '分割房间',
  'edit.splitTitle': '先选择房间，再画一条穿过房间的分割线，双击结束',
  'edit.ortho': '正交',
  'edit.orthoTitle': '限制线段为水平或垂直（也可按住 Shift）',
  'edit.undo': '撤销',
  'edit.undoTitle': '撤销上一步未保存的修改（Ctrl+Z）',
  'edit.saveAll': '保存修改',
  'edit.saveAllTitle': '保存所有形状已修改的房间',
  'edit.exit': '退出编辑',
  'edit.unsavedExit': '有未保存的修改，确定放弃并退出编辑吗？',
  'edit.hint': '选择一个房间，或绘制新房间。',
  'edit.newRoom': '新房间',
  'edit.room': '房间 {number}',
  'edit.area': '面积',
  'edit.perPerson': '人均面积',
  'edit.live': '面积 {area}',
  'edit.save': '保存',
  'edit.saving': '正在保存……',
  'edit.saved': '已保存',
  'edit.cancel': '放弃',
  'edit.delete': '删除房间',
  'edit.confirmDelete': '确定删除房间 {number} 吗？',
  'edit.deleted': '房间 {number} 已删除',
  'edit.splitDone': '已分割为 {numbers}',
  'edit.splitNeedRoom': '请先选择要分割的房间',
  'edit.splitUnsaved': '请先保存该房间的修改再分割',
  'edit.numberRequired': '请填写房间号',
  'edit.dirty': '形状已修改，尚未保存',
  'edit.noAgency': '（未分配）',
  'edit.assign': '分配人员',
  'edit.assignPlaceholder': '输入姓名搜索人员',
  'edit.assignSaveFirst': '保存房间后才能分配人员',
  'edit.kind': '办公室类型',
  'edit.kind.main': '主办公室',
  'edit.kind.second': '兼职办公室',
  'edit.unassign': '移出',
  'edit.confirmUnassign': '确定将 {name} 移出房间 {number} 吗？',
  'edit.assigned': '已将 {name} 分配到房间 {number}',
  'edit.unassigned': '已将 {name} 移出房间 {number}',
  'edit.nothingToSave': '没有需要保存的修改',
  'edit.savedCount': '已保存 {n} 个房间',
  'edit.nothingToUndo': '没有可以撤销的修改',

  'conflict.title': '保存冲突',
  'conflict.message': '房间 {number} 在您打开后已被他人修改，您的修改没有保存，也没有覆盖对方的修改。请重新加载该房间的最新内容后再编辑。',
  'conflict.reload': '重新加载',
  'error.invalid_geometry': '图形无效',
  'error.overlap': '与本层其他房间重叠',
  'error.invalid_split': '无法按此线分割',
  'error.generic': '操作失败：{message}',
  'error.network': '无法连接服务器',

  'unit.m2': '{v} m²',
  'unit.none': '—',
};

const en = {
  'app.title': 'Office space map',
  'app.subtitle': 'Government office space, managed centrally',
  'app.loading': 'Loading…',
  'app.loadFailed': 'Loading failed: {message}',
  'app.noBuildings': 'No buildings yet. Import some, or run officemap demo.',
  'lang.toggle': '中文',
  'lang.toggleTitle': 'Switch to Chinese',
  'tab.map': 'Map',
  'tab.dashboard': 'Over-standard',

  'search.placeholder': 'Search rooms, people, agencies, buildings',
  'search.none': 'Nothing found for “{q}”',
  'search.failed': 'Search failed: {message}',
  'search.kind.room': 'Room',
  'search.kind.person': 'Person',
  'search.kind.agency': 'Agency',
  'search.kind.building': 'Building',
  'search.noOffice': '{name} has no office in use at present',

  'filter.agency': 'Agency',
  'filter.allAgencies': 'All agencies',
  'filter.clear': 'Clear filter',
  'color.by': 'Colour',
  'color.status': 'By status',
  'color.agency': 'By agency',
  'color.usage': 'By usage',

  'legend.status': 'Status',
  'legend.agency': 'Agency',
  'legend.usage': 'Usage',
  'legend.unallocated': 'Unallocated',

  'overview.title': 'Overview',
  'overview.summary': '{sites} sites, {buildings} buildings',
  'overview.hint': 'Click a building to see its floors and rooms; search people, rooms or agencies above.',
  'overview.site': 'Site',

  'building.floors': 'Floors',
  'building.area': 'Footprint',
  'building.back': 'Back to overview',
  'building.chooseFloor': 'Choose a floor',
  'building.noFloors': 'This building has no floors yet',

  'floor.rooms': '{n} rooms',
  'floor.plan': 'Print / export this floor',
  'floor.planPNG': 'PNG image',
  'floor.planSVG': 'SVG drawing',
  'floor.edit': 'Edit this floor',
  'floor.statusCounts': 'Rooms by status',

  'room.number': 'Number',
  'room.name': 'Name',
  'room.usage': 'Usage',
  'room.agency': 'Agency',
  'room.area': 'Usable area',
  'room.occupants': 'Occupants',
  'room.noOccupants': 'None',
  'room.standard': 'Standard',
  'room.perPerson': 'Per person',
  'room.status': 'Status',
  'room.location': 'Location',
  'room.findings': 'Findings',
  'room.noFindings': 'No findings about this room or its occupants',
  'room.source': 'Source',
  'room.close': 'Close',
  'room.editThis': 'Edit this room',
  'room.share': 'share {area}',

  'agency.distribution': 'Office space of {name}',
  'agency.totals': '{rooms} rooms, {area}',
  'agency.noRooms': 'No rooms are allocated to this agency',
  'agency.building': 'Building',
  'agency.floor': 'Floor',
  'agency.count': 'Rooms',
  'agency.area': 'Area',

  'dash.title': 'Over-standard by agency',
  'dash.asOf': 'As of {date}',
  'dash.agency': 'Agency',
  'dash.people': 'People',
  'dash.rooms': 'Rooms',
  'dash.office': 'Office area',
  'dash.standard': 'Standard',
  'dash.officeVsStandard': 'Office area / standard',
  'dash.officeSpace': 'Office space',
  'dash.approved': 'Approved',
  'dash.findings': 'Findings',
  'dash.total': 'Total',
  'dash.download': 'Download',
  'dash.csv': 'CSV',
  'dash.xlsx': 'Excel workbook',
  'dash.showOnMap': 'Show on map',
  'dash.findingsTitle': 'Findings',
  'dash.rule': 'Finding',
  'dash.severity': 'Severity',
  'dash.person': 'Person',
  'dash.roomsCol': 'Rooms',
  'dash.message': 'Details',
  'dash.none': 'No findings',
  'dash.clickHint': 'Click an agency to see its rooms on the map',

  'severity.violation': 'Violation',
  'severity.tolerated': 'Tolerated',
  'severity.notice': 'Notice',

  'status.over_standard': 'Over standard',
  'status.compliant': 'Compliant',
  'status.vacant': 'Vacant',
  'status.non_office': 'Non-office',
  'status.no_standard': 'No standard',
  'status.unknown': 'Not assessed',

  'usage.office': 'Office',
  'usage.rest_room': 'Rest room',
  'usage.toilet': 'Toilet',
  'usage.service': 'Service',
  'usage.equipment': 'Equipment',
  'usage.ancillary': 'Ancillary',
  'usage.technical': 'Technical',
  'usage.circulation': 'Circulation',
  'usage.commercial': 'Commercial',
  'usage.residential': 'Residential',
  'usage.other': 'Other',

  'rank.minister': 'Minister',
  'rank.vice_minister': 'Vice minister',
  'rank.bureau': 'Bureau head',
  'rank.vice_bureau': 'Deputy bureau head',
  'rank.division': 'Division head',
  'rank.vice_division': 'Deputy division head',
  'rank.section': 'Section head',
  'rank.vice_section': 'Deputy section head',
  'rank.staff': 'Staff',

  'edit.title': 'Editing floor {floor}',
  'edit.modify': 'Select / modify',
  'edit.modifyTitle': 'Click a room to select it; drag a vertex or a wall to change it — a shared wall moves in both rooms',
  'edit.draw': 'Draw room',
  'edit.drawTitle': 'Click the corners of a new room and click the first one to finish; snaps to existing walls and corners',
  'edit.split': 'Split room',
  'edit.splitTitle': 'Select a room, then draw a line across it; double-click to finish',
  'edit.ortho': 'Orthogonal',
  'edit.orthoTitle': 'Keep segments horizontal or vertical (or hold Shift)',
  'edit.undo': 'Undo',
  'edit.undoTitle': 'Undo the last unsaved change (Ctrl+Z)',
  'edit.saveAll': 'Save changes',
  'edit.saveAllTitle': 'Save every room whose shape changed',
  'edit.exit': 'Leave editor',
  'edit.unsavedExit': 'There are unsaved changes. Discard them and leave the editor?',
  'edit.hint': 'Select a room, or draw a new one.',
  'edit.newRoom': 'New room',
  'edit.room': 'Room {number}',
  'edit.area': 'Area',
  'edit.perPerson': 'Per person',
  'edit.live': 'Area {area}',
  'edit.save': 'Save',
  'edit.saving': 'Saving…',
  'edit.saved': 'Saved',
  'edit.cancel': 'Discard',
  'edit.delete': 'Delete room',
  'edit.confirmDelete': 'Delete room {number}?',
  'edit.deleted': 'Room {number} deleted',
  'edit.splitDone': 'Split into {numbers}',
  'edit.splitNeedRoom': 'Select the room to split first',
  'edit.splitUnsaved': 'Save the changes to this room before splitting it',
  'edit.numberRequired': 'The room needs a number',
  'edit.dirty': 'Shape changed, not saved yet',
  'edit.noAgency': '(unallocated)',
  'edit.assign': 'Assign a person',
  'edit.assignPlaceholder': 'Type a name to find a person',
  'edit.assignSaveFirst': 'Save the room before assigning people',
  'edit.kind': 'Office kind',
  'edit.kind.main': 'Main office',
  'edit.kind.second': 'Second office (concurrent post)',
  'edit.unassign': 'Remove',
  'edit.confirmUnassign': 'Remove {name} from room {number}?',
  'edit.assigned': '{name} assigned to room {number}',
  'edit.unassigned': '{name} removed from room {number}',
  'edit.nothingToSave': 'Nothing to save',
  'edit.savedCount': '{n} rooms saved',
  'edit.nothingToUndo': 'Nothing to undo',

  'conflict.title': 'Edit conflict',
  'conflict.message': 'Room {number} was changed by someone else after you opened it. Your change was not saved and nothing of theirs was overwritten. Reload the room to get its latest version, then edit again.',
  'conflict.reload': 'Reload',
  'error.invalid_geometry': 'Invalid shape',
  'error.overlap': 'Overlaps another room of the floor',
  'error.invalid_split': 'Cannot split along this line',
  'error.generic': 'That failed: {message}',
  'error.network': 'The server cannot be reached',

  'unit.m2': '{v} m²',
  'unit.none': '—',
};

export const messages = {zh, en};

const listeners = new Set();

function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // storage may be disabled; fall back to the default
  }
  return 'zh';
}

let current = initialLang();

/** The current UI language: 'zh' (default) or 'en'. */
export function lang() {
  return current;
}

/** Switches the UI language, remembers it and tells every listener. */
export function setLang(l) {
  if (l !== 'zh' && l !== 'en') return;
  current = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // not remembered; still switched
  }
  document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
  translate(document);
  for (const fn of listeners) fn(l);
}

/** Calls fn(lang) after every language switch. */
export function onLangChange(fn) {
  listeners.add(fn);
}

/** The string for key, with {name} placeholders filled from vars. */
export function t(key, vars) {
  let s = messages[current][key] ?? messages.zh[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/** Fills elements marked data-i18n (text), data-i18n-placeholder and data-i18n-title under root. */
export function translate(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}

export const statusLabel = (s) => t(s ? `status.${s}` : 'status.unknown');
export const usageLabel = (u) => (messages.zh[`usage.${u}`] ? t(`usage.${u}`) : u || '');
export const rankLabel = (r) => (messages.zh[`rank.${r}`] ? t(`rank.${r}`) : r || '');
export const severityLabel = (s) => (messages.zh[`severity.${s}`] ? t(`severity.${s}`) : s || '');

/** An area in m² with two decimals, or a dash for none. */
export function area(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return t('unit.none');
  return t('unit.m2', {v: Number(v).toFixed(2)});
}

/** The number formatting locale of the current language. */
export function locale() {
  return current === 'en' ? 'en' : 'zh-CN';
}

document.documentElement.lang = current === 'en' ? 'en' : 'zh-CN';
