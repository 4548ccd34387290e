package imports

// zhOSM tells the notes of the osm reader in Chinese (see zhMessages).
var zhOSM = map[string]string{
	"building outline %s left out: %v":                                                                  "建筑轮廓 %s 已略去：%v",
	"%d rooms are in no building outline and go into building %q":                                       "%d 个房间不在任何建筑轮廓内，归入建筑 %q",
	"%d rooms have no tag that says their use (room=*, amenity=*, shop=*…) and were imported as office": "%d 个房间没有表明用途的标签（room=*、amenity=*、shop=*…），按办公室导入",
	// rejections and problems
	"neither OSM XML nor GeoJSON":                                               "既不是 OSM XML 也不是 GeoJSON",
	"no indoor=room, indoor=area or indoor=corridor features found":             "未找到 indoor=room、indoor=area 或 indoor=corridor 要素",
	"the level is empty":                                                        "楼层值为空",
	"level %q: %q is out of range":                                              "楼层 %q：%q 超出范围",
	"level %q: the range %q spans more than %d levels":                          "楼层 %q：范围 %q 跨越超过 %d 层",
	"level %q: %q is not a whole floor (officemap keeps rooms on whole floors)": "楼层 %q：%q 不是整层（officemap 的房间都在整层上）",
	"level %q: %q is not a level number, range or list":                         "楼层 %q：%q 不是楼层号、范围或列表",
	"the level %q has no level number":                                          "楼层 %q 中没有楼层号",
	"no level tag: the room's floor is unknown":                                 "没有 level 标签：不知道房间在哪一层",
	"repeat_on: %v": "repeat_on：%v",
	"the outline is not closed: it has only %d points":                       "轮廓未闭合：只有 %d 个点",
	"the outline is not closed: its first point %s and last point %s differ": "轮廓未闭合：首点 %s 与末点 %s 不同",
	"the multipolygon has no outer ring":                                     "多重多边形没有外环",
	"the multipolygon has %d outer rings: a room must be one polygon":        "多重多边形有 %d 个外环：一个房间须是一个多边形",
}
