package imports

// zhGeoJSON tells the notes of the geojson reader in Chinese (see zhMessages).
var zhGeoJSON = map[string]string{
	"GeoJSON of type %q: a FeatureCollection of rooms is needed":                               "GeoJSON 类型为 %q：需要由房间组成的 FeatureCollection",
	"no features: the collection has no rooms":                                                 "没有要素：该集合中没有房间",
	"local coordinates in units of %g m (georef.scale), converted to metres":                   "本地坐标单位为 %g 米（georef.scale），已换算为米",
	"the feature is not a JSON object: %v":                                                     "该要素不是 JSON 对象：%v",
	"the geometry cannot be read":                                                              "无法读取几何图形",
	"a %s is not a room: rooms are polygons":                                                   "%s 不是房间：房间须为多边形",
	"georef.scale %v: the metres per local unit must be from %g to %g (0.001 for millimetres)": "georef.scale 为 %v：每个本地坐标单位对应的米数须在 %g 至 %g 之间（毫米为 0.001）",
	"no feature has a level: every room goes on level %d":                                      "没有要素标明楼层（level）：所有房间都放在楼层序号 %d 上",
	"%d rooms have no usage and were imported as office":                                       "%d 个房间未标明用途，已按办公室导入",
	"%s %v is not a whole floor number":                                                        "%s 为 %v，不是整数楼层号",
	"%s %q is not a whole floor number":                                                        "%s 为 %q，不是整数楼层号",
}
