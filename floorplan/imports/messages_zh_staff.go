package imports

// zhStaff tells the notes of the staff import (agencies, people, assignments) and of the shared sheet
// reader in Chinese (see zhMessages).
var zhStaff = map[string]string{
	"staff no. %s is taken by a person outside the agencies you manage": "工号 %s 已属于您所管理单位以外的人员",
	// reading the sheet
	"no header row among the first %d rows with the columns %s; name the columns (columns field=header)": "前 %d 行中找不到含有 %s 各列的表头；请指定列（columns 字段=表头）",
	"column %q (national ID numbers) was not read: officemap never stores them":                          "%q 列（身份证号）未读取：officemap 不保存身份证号",
	"%q is not field=header (e.g. rank=职务层次)":                                                            "%q 不是“字段=表头”的形式（例如 rank=职务层次）",
	"unknown field %q (use %s)": "未知字段 %q（可用 %s）",

	// cells
	"empty: the column is required":                                 "为空：该列必填",
	"%q is not a rank (use one of %s)":                              "%q 不是可识别的职级（请填写 %s 之一）",
	"%q is not an administrative level (use one of %s)":             "%q 不是可识别的机关级别（请填写 %s 之一）",
	"%q is not a status (use one of %s)":                            "%q 不是可识别的状态（请填写 %s 之一）",
	"%q is not a kind of office (use one of %s)":                    "%q 不是可识别的用房类型（请填写 %s 之一）",
	"%q is not a date (write it as 2026-11-15)":                     "%q 不是日期（请写作 2026-11-15）",
	"%q is not a whole number of 0 or more":                         "%q 不是大于等于 0 的整数",
	"%q is not a post as 职务（单位） or 职务（单位，2024-01-01至2026-03-31）":    "%q 不是“职务（单位）”或“职务（单位，2024-01-01至2026-03-31）”形式的兼职",
	"%s is in the future: enter a change once it has taken effect":  "%s 是将来的日期：请在变化生效后再导入",
	"a merged or abolished agency needs the date it took effect":    "合并或撤销的单位须填写生效日期",
	"a retired or transferred person needs the date it took effect": "退休或调离的人员须填写生效日期",
	"the end %s is not after the start":                             "结束日期 %s 不晚于起始日期",

	// joining rows to the register
	"%d agencies are named %q: name it by its code":        "有 %d 个单位名为 %q：请填写单位代码",
	"%d agencies are named %q: give its code":              "有 %d 个单位名为 %q：请填写其单位代码",
	"an agency cannot be its own parent":                   "单位不能是自己的上级单位",
	"the same agency as row %d (%s)":                       "与第 %d 行是同一个单位（%s）",
	"staff no. %s is also that of row %d":                  "工号 %s 与第 %d 行重复",
	"no building is named %q":                              "没有名为 %q 的建筑",
	"%d buildings are named %q":                            "有 %d 栋建筑名为 %q",
	"building %s has no floor %q":                          "建筑 %s 没有楼层 %q",
	"no room %s on floor %s of %s":                         "%[3]s 的 %[2]s 没有房间 %[1]s",
	"%d rooms on floor %s of %s are numbered %s":           "%[3]s 的 %[2]s 有 %[1]d 个房间编号均为 %[4]s",
	"no person has staff no. %s (import the people first)": "没有工号为 %s 的人员（请先导入人员表）",
	"staff no. %s is not %s's":                             "工号 %s 不是 %s 的工号",
	"an approved second office needs the concurrent post it serves: list the post among the person's concurrent posts": "已批准的兼职办公室须关联所服务的兼职职务：请在该人员的兼职中列出该职务",
	"the same assignment as row %d": "与第 %d 行是同一条用房记录",

	// events
	"%s retired %s → rooms due back by %s":                                 "%s 退休 %s → 最迟 %s 腾退",
	"%s transferred %s → rooms due back by %s":                             "%s 调离 %s → 最迟 %s 腾退",
	"%s merged %s → rooms due back by %s":                                  "%s 合并 %s → 最迟 %s 腾退",
	"%s abolished %s → rooms due back by %s":                               "%s 撤销 %s → 最迟 %s 腾退",
	"%s left the concurrent post %s %s → its second office due back by %s": "%s 不再兼任 %s %s → 最迟 %s 腾退兼职办公室",

	// the summary as text
	"%s: %d rows; %d created, %d updated, %d unchanged, %d skipped": "%s：%d 行；新建 %d，更新 %d，未变 %d，跳过 %d",
	"deadlines started:": "开始计算的腾退期限：",
}
