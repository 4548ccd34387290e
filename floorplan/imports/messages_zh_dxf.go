package imports

// zhDXF tells the notes of the dxf reader in Chinese (see zhMessages).
var zhDXF = map[string]string{
	// rooms, labels and names
	"rooms from layer %q, numbers from layer %q, drawing unit: %s":                                                           "房间取自图层 %q，房间号取自图层 %q，图纸单位：%s",
	"rooms also from layers %s, whose names tell the usage":                                                                  "房间也取自图层 %s（图层名表明用途）",
	"room names from layer %q":                                                                                               "房间名称取自图层 %q",
	"--units %s used instead of the header's $INSUNITS (%s)":                                                                 "按 --units %s 换算，未采用文件头的 $INSUNITS（%s）",
	"no layer has texts inside the rooms: every room gets a generated number (give --labels-layer)":                          "没有哪个图层的文字落在房间内：每个房间都生成了房间号（可用 --labels-layer 指定房间号图层）",
	"%d labels on layer %q are in no room: %s":                                                                               "图层 %[2]q 上有 %[1]d 个标注不在任何房间内：%[3]s",
	"%d outlines run in and out along a cut around columns (keyholes) and were read as rooms with holes, area unchanged: %s": "%d 个轮廓沿切口绕柱进出（钥匙孔形），已读作带洞的房间，面积不变：%s",
	"%d rooms have no label and got a generated number: %s":                                                                  "%d 个房间没有标注，已生成房间号：%s",
	"%d rooms have more than one label, and the first numbers them: %s":                                                      "%d 个房间有多个标注，取第一个作房间号：%s",
	// usages
	"the drawing tells the usages of %d rooms: %d by their names, %d by their numbers' prefixes (CIRC, WC, STAIR…), %d by their layers": "图纸给出了 %d 个房间的用途：%d 个据房间名称，%d 个据房间号前缀（CIRC、WC、STAIR…），%d 个据图层名",
	"%d rooms have no name, number prefix or layer that says their use and were imported as office":                                     "%d 个房间的名称、房间号前缀和图层都未表明用途，按办公室导入",
	// footprint
	"no outline layer (OUTLINE, GROS$, A-AREA-GROS, 外轮廓…): the drawing gives no footprint (--outline-layer names one)": "没有外轮廓图层（OUTLINE、GROS$、A-AREA-GROS、外轮廓…）：图纸未给出建筑占地轮廓（可用 --outline-layer 指定）",
	"no closed polyline on the outline layer %q is around the rooms: the drawing gives no footprint":                   "外轮廓图层 %q 上没有围住房间的闭合多段线：图纸未给出建筑占地轮廓",
	"the outline %s on layer %q is not a valid polygon (%v): the drawing gives no footprint":                           "图层 %[2]q 上的外轮廓 %[1]s 不是有效的多边形（%[3]v）：图纸未给出建筑占地轮廓",
	"footprint from layer %q: %s, %.1f m²":                   "建筑占地轮廓取自图层 %q：%s，%.1f 平方米",
	"%d of %d rooms lie outside the footprint from layer %q": "%[2]d 个房间中有 %[1]d 个在图层 %[3]q 的占地轮廓之外",
	// blocks
	"%s: block %q is not defined; left out":                     "%s：图块 %q 未定义，已略去",
	"%s: block %q is nested more than %d levels deep; left out": "%s：图块 %q 嵌套超过 %d 层，已略去",
	"%s: block %q inserts itself; left out":                     "%s：图块 %q 插入了自身，已略去",
	// rejections and problems
	"--units %q: unsupported unit (use mm, cm, m, in or ft)":                                                 "--units %q：不支持的单位（可用 mm、cm、m、in 或 ft）",
	"the header has no $INSUNITS: give --units mm|cm|m|in|ft":                                                "文件头没有 $INSUNITS：请用 --units mm|cm|m|in|ft 指定单位",
	"$INSUNITS is 0 (unitless): give --units mm|cm|m|in|ft":                                                  "$INSUNITS 为 0（无单位）：请用 --units mm|cm|m|in|ft 指定单位",
	"unsupported unit $INSUNITS = %d (%s): give --units mm|cm|m|in|ft":                                       "不支持的单位 $INSUNITS = %d（%s）：请用 --units mm|cm|m|in|ft 指定单位",
	"%s %q: the drawing has no such layer (it has %s)":                                                       "%s %q：图纸中没有这个图层（现有图层：%s）",
	"the polyline on the rooms layer %q is not closed":                                                       "房间图层 %q 上的多段线未闭合",
	"no closed polylines in the drawing: give the layer of the rooms with --rooms-layer (see --list-layers)": "图纸中没有闭合多段线：请用 --rooms-layer 指定房间图层（见 --list-layers）",
	"layer %q has no polylines":                                                                              "图层 %q 上没有多段线",
}
