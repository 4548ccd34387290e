package api

import (
	"encoding/json"
	"strings"
)

// The OpenAPI operations and schemas of the account routes (authRoutes), documented when accounts are
// on (Deps.Identity).

func authOperations() []opDoc {
	const v1 = "/api/v1"
	str := func(desc string) paramDoc { return paramDoc{"", desc, map[string]any{"type": "string"}} }
	return append([]opDoc{
		{method: "POST", path: v1 + "/session", tag: "accounts", summary: "Sign in: sets the session cookie " + SessionCookie + " (HttpOnly, SameSite=Lax). Any refusal is 401 unauthenticated with one message; 401 otp_required asks for the second factor's code; 429 rate_limited",
			body: "SignIn", result: "Session"},
		{method: "DELETE", path: v1 + "/session", tag: "accounts", summary: "Sign out: ends the session on the server and clears the cookie", status: 204},
		{method: "GET", path: v1 + "/me", tag: "accounts", summary: "The signed-in user: roles, scopes, the actions they allow, and what must be done first (must_change_password, needs_totp)", result: "Session"},
		{method: "POST", path: v1 + "/me/password", tag: "accounts", summary: "Change your password (at least 8 characters of three classes, none of the last 5); ends your other sessions", body: "PasswordChange", status: 204},
		{method: "POST", path: v1 + "/me/totp", tag: "accounts", summary: "Start enrolling a second factor: a TOTP secret and its otpauth:// URL for a QR code, shown once", result: "TOTPEnrolment"},
		{method: "POST", path: v1 + "/me/totp/confirm", tag: "accounts", summary: "Confirm the second factor with a code of the authenticator app", body: "TOTPCode", status: 204},
		{method: "POST", path: v1 + "/me/tokens", tag: "accounts", summary: "Make an API token for scripts (Authorization: Bearer …); the token is shown once", body: "TokenRequest", status: 201, result: "Token"},
		{method: "GET", path: v1 + "/audit", tag: "audit", summary: "The audit log, oldest first, for the audit administrator only: each record chained to the previous one by its hash", query: []paramDoc{
			q("from", str("records at or after this instant (RFC 3339, or a day YYYY-MM-DD)")),
			q("to", str("records before this instant (RFC 3339, or a day YYYY-MM-DD)")),
			q("user", str("only this user's records")),
			q("action", str("only this action (session.sign_in, write.room.update, permission.denied, export.gpkg…)")),
			q("after", paramDoc{"", "records after this seq (paging)", map[string]any{"type": "integer", "minimum": 0}}),
			q("limit", paramDoc{"", "at most this many records", map[string]any{"type": "integer", "minimum": 1, "maximum": auditMaxLimit, "default": auditDefaultLimit}}),
		}, result: arrayOf("AuditRecord")},
	}, usersOperations()...)
}

// authSchemas defines the account routes' schemas, from their wire types.
func authSchemas(g *schemaGen) {
	g.define("SignIn", signInJSON{})
	g.define("Session", sessionJSON{})
	g.define("PasswordChange", passwordJSON{})
	g.define("TOTPEnrolment", totpJSON{})
	g.define("TOTPCode", codeJSON{})
	g.define("TokenRequest", tokenRequestJSON{})
	g.define("Token", tokenJSON{})
	g.define("AuditRecord", auditRecordJSON{})
	usersSchemas(g)
}

// ssoOperations documents the single sign-on routes (ssoRoutes), there when Deps.OIDC is on.
func ssoOperations() []opDoc {
	return []opDoc{
		{method: "GET", path: ssoPath, tag: "accounts", status: 302,
			summary: "Sign in with the province's identity platform (OpenID Connect): redirects to the provider with state, nonce and PKCE, keeping them in the short-lived cookie " + SSOPendingCookie + " (HttpOnly, SameSite=Lax, signed). Open it in the browser, not with fetch"},
		{method: "GET", path: ssoCallbackPath, tag: "accounts", status: 302,
			query: []paramDoc{q("code", str("the provider's authorisation code")), q("state", str("the state sent to the provider")),
				q("error", str("the provider's error, if it refused"))},
			summary: "Where the provider sends the browser back: exchanges the code, verifies the ID token (signature, issuer, audience, expiry, nonce), matches or provisions the user, sets the session cookie " + SessionCookie + " and redirects to /. Any refusal is 401 unauthenticated with one message (the audit log says why)"},
	}
}

// marshalOpenAPIWithSSO is marshalOpenAPI with accounts on and the single sign-on routes documented.
func marshalOpenAPIWithSSO(withApp bool) []byte {
	doc := openAPIDocument(withApp, true)
	paths := doc["paths"].(map[string]any)
	for _, op := range ssoOperations() {
		d := op.document()
		d["responses"].(map[string]any)["302"].(map[string]any)["headers"] = map[string]any{
			"Location": map[string]any{"schema": map[string]any{"type": "string"}, "description": "where the browser goes next"}}
		paths[op.path] = map[string]any{strings.ToLower(op.method): d}
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil { // built from literals; this cannot happen
		panic("api: openapi document: " + err.Error())
	}
	return data
}
