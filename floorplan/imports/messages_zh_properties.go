package imports

// zhProperties tells the notes of the property register's import (floorplan/imports/properties) in
// Chinese (see zhMessages).
var zhProperties = map[string]string{
	// reading the sheet and the mapping
	"no header row among the first %d rows with the columns %s; map the headers (--map 'header=field,…')": "前 %d 行中找不到含有 %s 各列的表头；请指定表头对应的字段（--map '表头=字段,…'）",
	"an empty header is mapped to %s":                           "空表头被指定为 %s",
	"two headers are mapped to %s: %q and %q":                   "两个表头都被指定为 %s：%q 和 %q",
	"%q is not header=field (e.g. 产权证号=title_number)":           "%q 不是“表头=字段”的形式（例如 产权证号=title_number）",
	"header %s is mapped twice":                                 "表头 %s 指定了两次",
	"the mapping is not a JSON object of headers to fields: %v": "映射不是“表头: 字段”的 JSON 对象：%v",

	// cells
	"%q is not a kind of property of the classification (use one of %s, or its code)": "%q 不是房产分类中的类别（请填写 %s 之一或其代码）",
	"%q (%s) is not a state the register knows yet (use one of %s)":                   "%q（%s）不是登记册目前支持的权属状态（请填写 %s 之一）",
	"%q is not an ownership state (use one of %s)":                                    "%q 不是可识别的权属状态（请填写 %s 之一）",
	"%q is not an area in m² (a number from 0 to 10,000,000, such as 1234.5)":         "%q 不是以平方米计的面积（应为 0 至 10,000,000 之间的数字，如 1234.5）",
	"no district (jurisdiction) has the name or code %q":                              "没有名称或代码为 %q 的辖区",
	"%d districts are named %q: give its code":                                        "有 %d 个辖区名为 %q：请填写其行政区划代码",

	// joining rows to the register
	"title number %s is also that of row %d":                                  "权证号 %s 与第 %d 行重复",
	"the same property as row %d (%s): give each its title number":            "与第 %d 行是同一处房产（%s）：请分别填写权证号",
	"title number %s is on %d properties of the register":                     "登记册中有 %[2]d 处房产的权证号均为 %[1]s",
	"%d properties of the register are named %q at %q: give the title number": "登记册中有 %d 处房产名为 %q、地址为 %q：请填写权证号",

	"row %d: %s is filed but its filing steps are not recorded: record them on the property's page": "第 %d 行：%s 为已备案，但尚未记录备案步骤：请在房产页面补录",

	// the summary
	"properties: %d rows; %d created, %d changed, %d unchanged": "房产：%d 行；新增 %d 处，变更 %d 处，未变 %d 处",
	"row %d: %s created": "第 %d 行：新增 %s",
	"row %d: %s changed": "第 %d 行：变更 %s",
}
