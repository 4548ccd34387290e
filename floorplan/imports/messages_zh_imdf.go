package imports

// zhIMDF tells the notes and problems of the imdf reader in Chinese (see zhMessages).
var zhIMDF = map[string]string{
	// notes
	"%d openings (doors) read for the plans of %d levels":                          "已读取 %d 个开口（门），用于 %d 个楼层的平面图",
	"%d openings left out: their level_id is not a level of the archive: %s":       "%d 个开口未导入：其 level_id 不是本数据包中的楼层：%s",
	"%s cannot be read (%v): the rooms were imported without its openings (doors)": "%s 无法读取（%v）：房间已导入，但不含其中的开口（门）",
	"%s cannot be read (%v): officemap does not use this file":                     "%s 无法读取（%v）：officemap 不使用该文件",
	"features officemap does not keep were left out: %s":                           "以下要素 officemap 不保存，未导入：%s",
	"occupant %q: its anchor %s is not in anchor.geojson":                          "使用者 %q：其锚点 %s 不在 anchor.geojson 中",
	"occupant %q: its anchor's unit %s is not in unit.geojson":                     "使用者 %q：其锚点所在的单元 %s 不在 unit.geojson 中",
	// the archive's structure
	"manifest.json is missing: not an IMDF archive":         "缺少 manifest.json：不是 IMDF 数据包",
	"larger than %d bytes: %v":                              "超过 %d 字节：%v",
	"not a JSON object: %v":                                 "不是 JSON 对象：%v",
	"the version is missing":                                "缺少 version（版本）",
	"not a zip archive: %v":                                 "不是 zip 压缩包：%v",
	"a damaged zip archive: %v":                             "zip 压缩包已损坏：%v",
	"no units: the archive has no rooms":                    "没有单元：数据包中没有房间",
	"type %q: each IMDF file must be one FeatureCollection": "类型 %q：每个 IMDF 文件必须是一个 FeatureCollection",
	"type %q is not Feature":                                "类型 %q 不是 Feature",
	"the id %v is not a UUID":                               "id %v 不是 UUID",
	"feature_type %q in %s":                                 "%[2]s 中出现 feature_type %[1]q",
	"the properties are missing":                            "缺少 properties（属性）",
	"a %s needs a geometry":                                 "%s 必须有几何图形",
	"the geometry cannot be read: %v":                       "无法读取几何图形：%v",
	"a %s may not have a %s geometry":                       "%s 不能使用 %s 几何图形",
	"building %s is not in building.geojson":                "建筑 %s 不在 building.geojson 中",
	"level_id %s is not in level.geojson":                   "level_id %s 不在 level.geojson 中",
	"ordinal %v is not an integer":                          "楼层序号 ordinal %v 不是整数",
}
