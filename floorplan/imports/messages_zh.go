package imports

// zhMessages tells each note format in Chinese. The keys are the English formats given to Notef; a
// format's verbs must come in the same order, or be indexed ("%[2]s"). Each reader's formats are in a
// file of their own (messages_zh_<reader>.go).
var zhMessages = mergeZH(zhImporter, zhDXF, zhOSM, zhIMDF, zhGeoJSON, zhRoomList, zhStaff, zhProperties)

// mergeZH joins the tables; a format told two different ways is a mistake found at start-up.
func mergeZH(tables ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, t := range tables {
		for en, zh := range t {
			if prev, ok := out[en]; ok && prev != zh {
				panic("imports: two Chinese texts for " + en)
			}
			out[en] = zh
		}
	}
	return out
}

// zhImporter tells the notes of Import itself (importer.go and the files beside it).
var zhImporter = map[string]string{
	// rejections of the whole source
	"no rooms found": "未找到房间",
	"the source has no georeference: give --origin LON,LAT (and --rotation DEG) to place it": "数据源没有地理配准：请用 --origin 经度,纬度（及 --rotation 角度）指定位置",
	"the footprint of building %q lies %s from its rooms: a local frame there would make every area wrong; " +
		"pass --ignore-footprint (Options.IgnoreFootprint) to place the building by its rooms and drop the footprint": "建筑 %q 的占地轮廓距其房间 %s：以该处为局部坐标原点会使所有面积失真；" +
		"可加 --ignore-footprint（Options.IgnoreFootprint），按房间定位建筑并舍弃该轮廓",
	// problems of a room
	"coordinate (%g, %g) is not a longitude and latitude": "坐标 (%g, %g) 不是经纬度",
	"source id %q is also that of %s":                     "源标识 %q 与 %s 的重复",
	"matches the same room %s (%s) as %s":                 "与 %[3]s 对应同一个房间 %[1]s（%[2]s）",
	"overlaps room %s already on floor %s (%s) by %s":     "与楼层 %[2]s 上已有的房间 %[1]s（%[3]s）重叠 %[4]s",
	"overlaps %s (room %s) by %s":                         "与 %s（房间 %s）重叠 %s",
	"overlaps %s by %s":                                   "与 %s 重叠 %s",
	"cannot check the overlap with %s: %v":                "无法检查与 %s 的重叠：%v",
	"rooms %s take each other's places: they cannot be updated one at a time; delete them and import again": "房间 %s 互换了位置，无法逐个更新：请先删除这些房间再导入",
	// notes
	"building %q has no rooms in the source and was left out":                                                     "建筑 %q 在数据源中没有房间，已略去",
	"--origin/--rotation ignored: building %q keeps its georeference":                                             "已忽略 --origin/--rotation：建筑 %q 保留原有地理配准",
	"building %q: local frame origin at %.7f, %.7f (centroid of its outline), rotation 0":                         "建筑 %q：局部坐标原点取其轮廓形心 %.7f, %.7f，旋转 0",
	"building %q: local frame origin at %.7f, %.7f (centre of its rooms), rotation 0":                             "建筑 %q：局部坐标原点取其房间范围中心 %.7f, %.7f，旋转 0",
	"building %q: outline left out: %v":                                                                           "建筑 %q：轮廓已略去：%v",
	"level %d: outline left out: %v":                                                                              "楼层 %d：轮廓已略去：%v",
	"level %d: %d openings left out: not lines of two or more points with usable coordinates":                     "楼层 %d：%d 个门洞已略去：不是由两个以上坐标可用的点组成的线",
	"%d rooms on other levels than --level %d were left out":                                                      "%d 个房间不在 --level %d 指定的楼层，已略去",
	"building %q: %d rooms are numbered %s on one floor: %s":                                                      "建筑 %q：同一楼层有 %d 个房间编号均为 %s：%s",
	"building %q: %d rooms of an earlier import of this source are no longer in it and were left as they are: %s": "建筑 %q：此前从该数据源导入的 %d 个房间已不在其中，保持原样：%s",
	"%s: agency %s is not in the register; the room's agency was left as it is":                                   "%s：单位 %s 不在登记册中，房间的使用单位保持不变",
	"a new site %q would be created for the new buildings":                                                        "将为新建筑新建院落 %q",
	"new site %q (%s) created for the new buildings":                                                              "已为新建筑新建院落 %q（%s）",
	"building %q: footprint of %.0f m² made from its rooms, each grown by %.2f m to the outer walls":              "建筑 %[1]q：按房间各外扩 %.2[3]f 米至外墙生成占地轮廓，面积 %.0[2]f 平方米",
	"room %s on floor %s: not snapped onto its neighbours, which would make it invalid: %v":                       "楼层 %[2]s 的房间 %[1]s：未吸附到相邻房间，否则其几何将无效：%[3]v",
	// repairs
	"overlap of %s with room %s, already on the floor, cut from room %s":                                       "与楼层上已有房间 %[2]s 重叠的 %[1]s 已从房间 %[3]s 中切除",
	"overlap of %s with room %s cut from room %s, the larger of the two":                                       "与房间 %[2]s 重叠的 %[1]s 已从两者中较大的房间 %[3]s 中切除",
	"overlap of %s with room %s cut from room %s, the smaller of the two: the cut would have split the larger": "与房间 %[2]s 重叠的 %[1]s 已从两者中较小的房间 %[3]s 中切除（从较大者切除会将其分成两块）",
	"%d vertices moved by up to %.2g mm onto room %s and %d more rooms; the area changed by %s":                "%d 个顶点吸附到房间 %[3]s 及另外 %[4]d 个房间，最大移动 %.2[2]g 毫米；面积变化 %[5]s",
	"%d vertices moved by up to %.2g mm onto room %s; the area changed by %s":                                  "%d 个顶点吸附到房间 %[3]s，最大移动 %.2[2]g 毫米；面积变化 %[4]s",
	// warnings
	"building %q: the source's footprint lies %s from its rooms and was dropped; the building is placed by its rooms":                                           "建筑 %q：数据源的占地轮廓距其房间 %s，已舍弃；建筑按房间定位",
	"building %q: %d rooms reach more than %.0f m out of the source's footprint (room %s by %.1f m); that footprint was not taken":                              "建筑 %q：%d 个房间超出数据源占地轮廓 %.0f 米以上（房间 %s 超出 %.1f 米）；未采用该轮廓",
	"building %q: %d rooms reach more than %.0f m out of its footprint, the farthest room %s by %.1f m (--ignore-footprint makes the footprint from the rooms)": "建筑 %q：%d 个房间超出占地轮廓 %.0f 米以上，最远的房间 %s 超出 %.1f 米（--ignore-footprint 可按房间生成占地轮廓）",
	"building %q has no footprint: none in the source, and its rooms make none (%v)":                                                                            "建筑 %q 没有占地轮廓：数据源未提供，也无法由房间生成（%v）",
	"building %q: its rooms make %d separate parts; the footprint is the largest, and rooms of the others lie outside it":                                       "建筑 %q：房间分成 %d 个互不相连的部分；占地轮廓取最大部分，其余部分的房间在轮廓之外",
	"building %q: %d levels of the source have no rooms: %s":                                                                                                    "建筑 %q：数据源中有 %d 个楼层没有房间：%s",
	"building %q lies on top of building %q (%s): their footprints overlap by %.0f m²":                                                                          "建筑 %q 与建筑 %q（%s）位置重叠：占地轮廓重叠 %.0f 平方米",
}
