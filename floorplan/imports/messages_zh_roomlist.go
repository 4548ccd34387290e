package imports

// zhRoomList tells the notes of the roomlist reader in Chinese (see zhMessages).
var zhRoomList = map[string]string{
	// reading the file
	"an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV":                    "这是 Excel 97-2003 工作簿（.xls）：请另存为 .xlsx 或 CSV",
	"not an XLSX workbook: %v":                                                     "不是 XLSX 工作簿：%v",
	"the workbook has no sheet":                                                    "工作簿中没有工作表",
	"no sheet %q (the workbook has %s)":                                            "没有工作表 %q（工作簿中有 %s）",
	"sheet %q cannot be read: %v":                                                  "无法读取工作表 %q：%v",
	"not CSV: %v":                                                                  "不是 CSV 文件：%v",
	"the file starts as UTF-16 text but cannot be read as such":                    "文件以 UTF-16 开头，但无法按 UTF-16 读取",
	"the file is neither UTF-8 nor GB18030 text: save it as CSV UTF-8 or as .xlsx": "文件既不是 UTF-8 也不是 GB18030 文本：请另存为“CSV UTF-8”或 .xlsx",
	"the file is not UTF-8: read as GB18030 (as a Chinese Excel saves CSV)":        "文件不是 UTF-8 编码，已按 GB18030 读取（中文版 Excel 保存 CSV 的编码）",
	"more than %d columns":                                                         "超过 %d 列",
	"more than %d rows: split the list":                                            "超过 %d 行：请拆分后分批导入",
	"row %d":                                                                       "第 %d 行",
	"row %d is a total and was left out":                                           "第 %d 行是合计行，未导入",
	"no rows below the header (row %d)":                                            "表头（第 %d 行）下面没有数据行",
	"columns not read: %s":                                                         "未读取的列：%s",
	"no floor column (楼层, 层, floor)":                                               "没有楼层列（楼层、层、floor）",
	"nothing to import: no usage (用途), agency (使用单位) or area (面积) column":            "没有可导入的内容：既无用途列，也无使用单位列或面积列",
	"no building column (楼栋, 建筑, building): give the building of the list":           "没有楼栋列（楼栋、建筑、building）：请指定清单所属的建筑",
	"no column %q (named for the %s) in the header":                                  "表头中没有指定为 %[2]s 的列 %[1]q",
	"columns %q and %q both give the %s: name the one to read (columns %s=…)":        "%q 和 %q 两列都是 %s：请指定读取哪一列（columns %s=…）",
	"%q is not field=header (e.g. number=房号)":                                        "%q 不是“字段=表头”的形式（例如 number=房号）",
	"unknown field %q (use building, floor, ordinal, number, usage, agency or area)": "未知字段 %q（可用 building、floor、ordinal、number、usage、agency、area）",
	"%s is named twice": "%s 指定了两次",
	"no header row among the first %d rows: none has a room number column (房间号, 房号, 门牌号, number) " +
		"and another known column; name the columns (columns number=…,area=…)": "前 %d 行中找不到表头：没有一行同时含有房间号列（房间号、房号、门牌号、number）和另一个可识别的列；请指定列（columns number=…,area=…）",
	"column %q is a gross area (建筑面积), not a room's usable area (使用面积): " +
		"name it (columns area=%s) to read it all the same": "%q 列是建筑面积，不是房间的使用面积：如确要读取，请指定该列（columns area=%s）",

	// cells
	"no room number": "缺少房间号",
	"%d characters, more than the %d allowed":                                                 "%d 个字符，超过允许的 %d 个",
	"%q is not an area in m² (a number such as 24.5)":                                         "%q 不是以平方米计的面积（应为数字，如 24.5）",
	"%q: an area must be more than 0 m² (leave the cell empty when none is recorded)":         "%q：面积必须大于 0 平方米（没有账面面积时请留空）",
	"%q m² is more than the %.0f m² a room may have":                                          "%q 平方米超过了单个房间的上限 %.0f 平方米",
	"%q is not a floor ordinal (an integer: 0 the ground floor, -1 the first basement)":       "%q 不是楼层序号（应为整数：0 为首层，-1 为地下一层）",
	"%q is not a usage (use a usage's name such as 办公室, 服务用房, 交通, or its key such as office)": "%q 不是可识别的用途（请填写用途名称，如办公室、服务用房、交通，或英文代码，如 office）",

	// joining rows to the register
	"column %s: %s":                     "%s 列：%s",
	"no building":                       "缺少楼栋",
	"no floor":                          "缺少楼层",
	"no building has the id or name %q": "没有编号或名称为 %q 的建筑",
	"%d buildings are named %q: give the id of one (%s)":                           "有 %d 栋建筑名为 %q：请填写其中一栋的编号（%s）",
	"cannot tell the floor from %q (write it as 3F, 3层, 三层, B1 or a floor's name)": "无法从 %q 识别楼层（请写作 3F、3层、三层、B1 或楼层名称）",
	"%s has no floor %s (ordinal %d) drawn":                                        "%s 没有绘制楼层 %s（序号 %d）",
	"%s has %d floors with ordinal %d (%s, %s…): give the floor's name":            "%s 有 %d 个序号为 %d 的楼层（%s、%s…）：请填写楼层名称",
	"no room %s is drawn on floor %s of %s":                                        "%[3]s 的 %[2]s 没有绘制房间 %[1]s",
	"%d rooms drawn on floor %s are numbered %s: number them apart first":          "%[2]s 有 %[1]d 个房间的房间号都是 %[3]s：请先在图上区分编号",
	"row %d names the same room":                                                   "与第 %d 行是同一个房间",
	"agency %q is not in the register":                                             "使用单位 %q 不在登记册中",
	"%d agencies are named %q: give the id of one (%s)":                            "有 %d 个使用单位名为 %q：请填写其中一个的编号（%s）",
	"row %d: agency %s is no longer active (%s), yet the list gives it room %s":    "第 %d 行：使用单位 %s 已不存续（%s），清单仍将房间 %s 列在其名下",

	// the summary
	"%d rows name no drawn room":                                 "%d 行对应的房间尚未绘制",
	"%d drawn rooms of the listed buildings are not in the list": "所列建筑中有 %d 个已绘制的房间不在清单中",
	"recorded area differs from the measured one by more than 0.01 m² in %d rooms; the most: room %s (%s %s), recorded %.2f m², measured %.2f m²": "%[1]d 个房间的账面面积与实测面积相差超过 0.01 平方米；相差最大的是 %[3]s %[4]s 的房间 %[2]s：账面 %.2[5]f 平方米，实测 %.2[6]f 平方米",
	"rooms with a recorded area: %.2f m² recorded, %.2f m² measured":                                                                              "有账面面积的房间：账面合计 %.2f 平方米，实测合计 %.2f 平方米",
	"dry run: nothing was written": "试运行：未写入任何数据",

	// the summary as text
	"imported %s":                     "已导入 %s",
	"dry run (nothing written) of %s": "试运行（未写入任何数据）：%s",
	" (%s, header on row %d)":         "（%s，表头在第 %d 行）",
	"rows: %d read, %d matched (%d updated, %d unchanged), %d with no drawn room, %d skipped": "行数：读取 %d，匹配 %d（更新 %d，未变 %d），无对应房间 %d，跳过 %d",
	"recorded area differs from the measured area (largest first):":                           "账面面积与实测面积不符的房间（差额从大到小）：",
	"row\tbuilding\tfloor\tnumber\trecorded m²\tmeasured m²\tdifference m²\t%%\t":             "行\t楼栋\t楼层\t房间号\t账面面积㎡\t实测面积㎡\t差额㎡\t差额%%\t",
	"rows with no drawn room:":              "无对应房间的行：",
	"drawn rooms not in the list (%d): %s":  "清单外的已绘制房间（%d 个）：%s",
	"… and %d more (--json lists them all)": "……另有 %d 个（--json 可列出全部）",
	"row %d: %s": "第 %d 行：%s",
	"skipped:":   "跳过：",
	"notes:":     "说明：",
}
