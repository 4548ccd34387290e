package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"officemap/api/tiles"
	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/geo"
)

// apiError is an error with what the client sees: a status, a snake_case code and a sentence in English
// and, where one exists, Chinese. Err is the cause, for the server log only.
type apiError struct {
	Status    int
	Code      string
	Message   string
	MessageZH string
	// Extra members of the "error" object (e.g. the validity reason of a geometry).
	Extra map[string]any
	Err   error
}

func (e *apiError) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *apiError) Unwrap() error { return e.Err }

// badRequest is a 400 for a malformed request: a parameter, a header or the body. The message says which.
func badRequest(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "bad_request", Message: fmt.Sprintf(format, args...)}
}

// badParam is a 400 naming a query or path parameter.
func badParam(name, problem string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "bad_request",
		Message: fmt.Sprintf("parameter %s %s", name, problem), MessageZH: fmt.Sprintf("参数 %s 有误：%s", name, problem)}
}

func errPreconditionRequired() *apiError {
	return &apiError{Status: http.StatusPreconditionRequired, Code: "precondition_required",
		Message:   "this write needs an If-Match header with the ETag of the version you read",
		MessageZH: "此操作需要 If-Match 请求头，值为所读取版本的 ETag"}
}

func errRouteNotFound() *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "no such route", MessageZH: "没有这个地址"}
}

func errMethodNotAllowed(method string) *apiError {
	return &apiError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
		Message:   fmt.Sprintf("method %s is not allowed on this route", method),
		MessageZH: fmt.Sprintf("此地址不支持 %s 方法", method)}
}

// fixed returns the constructor of an error whose status, code and wording never change; it takes the
// error's cause, for the server log.
func fixed(status int, code, message, messageZH string) func(cause error) *apiError {
	return func(cause error) *apiError {
		return &apiError{Status: status, Code: code, Message: message, MessageZH: messageZH, Err: cause}
	}
}

// The errors of fixed wording, each made from its cause.
var (
	errPreconditionFailed = fixed(http.StatusPreconditionFailed, "precondition_failed",
		"the resource has changed since you read it (stale If-Match); read it again and retry",
		"资源在读取后已被修改（If-Match 已过期），请重新读取后再试")
	errUnavailable = fixed(http.StatusServiceUnavailable, "unavailable",
		"the store is unavailable; try again later", "数据存储暂不可用，请稍后再试")
	errInternal = fixed(http.StatusInternalServerError, "internal",
		"internal error; the request id identifies it in the server log", "服务器内部错误；可凭请求编号在服务器日志中查找")
	// errUnauthenticated is the 401 of a request without a valid session or token, and of every refused
	// sign-in: one message, which never says whether the user exists or why the sign-in failed.
	errUnauthenticated = fixed(http.StatusUnauthorized, "unauthenticated",
		"sign in first: the user name or password is wrong, the account is locked, or the session has ended",
		"请先登录：用户名或密码错误、账户已锁定，或会话已结束")
	// errForbidden is the 403 of a request the caller's roles do not allow.
	errForbidden = fixed(http.StatusForbidden, "forbidden", "your roles do not allow this", "您的角色无权执行此操作")
	// errOTPRequired is the 401 of a sign-in with the right password but without the second factor's code.
	errOTPRequired = fixed(http.StatusUnauthorized, "otp_required",
		"enter the one-time code of your authenticator app", "请输入身份验证器中的动态口令")
	errRateLimited = fixed(http.StatusTooManyRequests, "rate_limited",
		"too many sign-in attempts from your address; wait a minute", "登录尝试过于频繁，请一分钟后再试")
	errConflict = fixed(http.StatusConflict, "conflict",
		"the write conflicts with existing data (a duplicate or a concurrent change)", "写入与现有数据冲突（重复或并发修改）")
	errInvalidGeometry = fixed(http.StatusUnprocessableEntity, "invalid_geometry", "invalid geometry", "几何图形无效")
	errOverlap         = fixed(http.StatusConflict, "overlap",
		"the room would overlap another room of its floor", "该房间与本层其他房间重叠")
	errBadTile = fixed(http.StatusBadRequest, "bad_tile",
		"the tile address is not a tile of this layer (check z against the layer's zoom range, and x and y against 0…2^z−1)",
		"瓦片地址无效（请检查 z 是否在图层缩放范围内，x、y 是否在 0…2^z−1 之间）")
	errUnknownLayer = fixed(http.StatusNotFound, "unknown_layer",
		"no such tile layer; the layers are buildings and rooms", "没有这个图层；图层为 buildings 和 rooms")
	errBadTileQuery = fixed(http.StatusBadRequest, "bad_request",
		"a query parameter is malformed: level must be an integer, floor_id a UUID, format mvt or png",
		"查询参数有误：level 须为整数，floor_id 须为 UUID，format 须为 mvt 或 png")
)

// errBusy is the 503 of heavy work (gate) when its kind already runs n requests.
func errBusy(what string, n int) *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Code: "busy",
		Message:   fmt.Sprintf("the server is running %d %s already; try again in a few seconds", n, what),
		MessageZH: fmt.Sprintf("服务器正在处理 %d 个同类请求（%s），请稍后再试", n, what)}
}

// errCrossOrigin is the 403 of a write sent by a page of another site (cross-site request forgery).
func errCrossOrigin() *apiError {
	return &apiError{Status: http.StatusForbidden, Code: "forbidden",
		Message:   "cross-origin writes are refused; use the app at this server's own address",
		MessageZH: "拒绝跨站写入请求；请通过本服务器地址访问"}
}

// errSetupFirst is the 403 of a session whose user must change their password or enrol a second
// factor before doing anything else; reason says which (must_change_password, needs_totp).
func errSetupFirst(reason string) *apiError {
	msg, zh := "change your password first", "请先修改密码"
	if reason == "needs_totp" {
		msg, zh = "enrol a second factor (an authenticator app) first", "请先绑定动态口令（身份验证器应用）"
	}
	return &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: msg, MessageZH: zh,
		Extra: map[string]any{"reason": reason}}
}

// entityError names the kind of entity a store call was about, so that a not-found says which.
type entityError struct {
	entity string // English name: "room", "floor"…
	err    error
}

func (e *entityError) Error() string { return e.entity + ": " + e.err.Error() }
func (e *entityError) Unwrap() error { return e.err }

// about annotates a store error with the entity it concerns; nil stays nil.
func about(entity string, err error) error {
	if err == nil {
		return nil
	}
	return &entityError{entity: entity, err: err}
}

// entityZH gives the Chinese names of the entities the API talks about.
func entityZH(entity string) string {
	switch entity {
	case "site":
		return "房产"
	case "building":
		return "楼栋"
	case "floor":
		return "楼层"
	case "room":
		return "房间"
	case "agency":
		return "使用单位"
	case "person":
		return "人员"
	case "assignment":
		return "分配记录"
	case "feature":
		return "要素"
	case "collection":
		return "要素集"
	}
	return "记录"
}

// toAPIError maps any error a handler returns to what the client sees. It is the one place where domain
// sentinels become status codes.
func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message:   fmt.Sprintf("the request body is larger than %d bytes", tooLarge.Limit),
			MessageZH: fmt.Sprintf("请求体超过 %d 字节", tooLarge.Limit), Err: err}
	}
	if ae, ok := tileError(err); ok {
		return ae
	}
	var ve *geo.ValidationError
	if errors.As(err, &ve) {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_geometry",
			Message: "invalid geometry: " + ve.Message, MessageZH: "几何图形无效：" + ve.MessageZH(),
			Extra: validationExtra(ve), Err: err}
	}
	if errors.Is(err, geo.ErrInvalid) {
		return errInvalidGeometry(err)
	}
	var oe *floorplan.OverlapError
	if errors.As(err, &oe) {
		return &apiError{Status: http.StatusConflict, Code: "overlap",
			Message:   fmt.Sprintf("the room would overlap room %s by %.2f m²", oe.OtherNumber, oe.AreaM2),
			MessageZH: fmt.Sprintf("该房间与房间 %s 重叠 %.2f 平方米", oe.OtherNumber, oe.AreaM2),
			Extra: map[string]any{"other_room_id": oe.OtherID.String(), "other_room_number": oe.OtherNumber,
				"overlap_m2": oe.AreaM2}, Err: err}
	}
	if errors.Is(err, floorplan.ErrOverlap) {
		return errOverlap(err)
	}
	if errors.Is(err, identity.ErrUnauthenticated) {
		return errUnauthenticated(err)
	}
	if errors.Is(err, identity.ErrOTPRequired) {
		return errOTPRequired(err)
	}
	if errors.Is(err, identity.ErrRateLimited) {
		return errRateLimited(err)
	}
	if errors.Is(err, floorplan.ErrForbidden) {
		return errForbidden(err)
	}
	if errors.Is(err, floorplan.ErrNotFound) {
		entity, zh := "record", "记录"
		var ee *entityError
		if errors.As(err, &ee) {
			entity, zh = ee.entity, entityZH(ee.entity)
		}
		return &apiError{Status: http.StatusNotFound, Code: "not_found",
			Message: entity + " not found", MessageZH: zh + "不存在", Err: err}
	}
	if errors.Is(err, floorplan.ErrConflict) {
		return errConflict(err)
	}
	if errors.Is(err, floorplan.ErrInUse) {
		msg := "it is still in use by other records; remove or move those first"
		if m, ok := domainMessage(err, floorplan.ErrInUse); ok {
			msg = m
		}
		return &apiError{Status: http.StatusConflict, Code: "in_use", Message: msg,
			MessageZH: "仍被其他记录引用，请先删除或迁移这些记录", Err: err}
	}
	var fe *floorplan.FieldError
	if errors.As(err, &fe) {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input", Message: fe.Message,
			Extra: map[string]any{"field": fe.Field, "reason": string(fe.Reason)}, Err: err}
	}
	if errors.Is(err, floorplan.ErrInvalid) {
		msg := "invalid input"
		if m, ok := domainMessage(err, floorplan.ErrInvalid); ok {
			msg = m
		}
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input", Message: msg, Err: err}
	}
	if errors.Is(err, floorplan.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) {
		return errUnavailable(err)
	}
	return errInternal(err)
}

// validationExtra gives the machine-readable parts of a geometry validation error: the reason code and,
// when known, the ring and vertex (indices from 0; ring 0 is the outer ring).
func validationExtra(ve *geo.ValidationError) map[string]any {
	extra := map[string]any{"reason": string(ve.Reason)}
	if ve.Ring >= 0 {
		extra["ring"] = ve.Ring
	}
	if ve.Vertex >= 0 {
		extra["vertex"] = ve.Vertex
	}
	return extra
}

// tileError maps the errors of the tile handler (api/tiles), which this adapter also serves.
func tileError(err error) (*apiError, bool) {
	switch {
	case errors.Is(err, tiles.ErrBadTile):
		return errBadTile(err), true
	case errors.Is(err, tiles.ErrUnknownLayer):
		return errUnknownLayer(err), true
	case errors.Is(err, tiles.ErrBadQuery):
		return errBadTileQuery(err), true
	}
	return nil, false
}

// domainMessage finds, in err's tree, the error that wraps sentinel directly and reads
// "<sentinel>: message" (the shape of floorplan.Invalidf and of the stores' errors) and returns that
// message: a sentence written for users, never database text. Anything that looks like database text
// is refused.
func domainMessage(err, sentinel error) (string, bool) {
	var children []error
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if c := u.Unwrap(); c != nil {
			children = []error{c}
		}
	case interface{ Unwrap() []error }:
		children = u.Unwrap()
	}
	for _, c := range children {
		if c != sentinel {
			continue
		}
		msg, ok := strings.CutPrefix(err.Error(), sentinel.Error()+": ")
		if ok && msg != "" && !strings.Contains(msg, "SQLSTATE") && len(msg) <= 500 {
			return msg, true
		}
	}
	for _, c := range children {
		if m, ok := domainMessage(c, sentinel); ok {
			return m, true
		}
	}
	return "", false
}
