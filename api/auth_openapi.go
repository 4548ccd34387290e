package api

import "strings"

// The OpenAPI operations of the account routes (accountRoutes), documented when accounts are on
// (Deps.Identity), and of the single sign-on routes (ssoRoutes).

// authOperations documents the account routes.
func authOperations() []opDoc { return operationsOf(accountRoutes()) }

// marshalOpenAPIWithSSO is marshalOpenAPI with accounts on and the single sign-on routes documented.
func marshalOpenAPIWithSSO(withApp bool) []byte {
	doc := openAPIDocument(withApp, true)
	paths := doc["paths"].(map[string]any)
	for _, op := range operationsOf(ssoRoutes()) {
		d := op.document()
		d["responses"].(map[string]any)["302"].(map[string]any)["headers"] = map[string]any{
			"Location": map[string]any{"schema": map[string]any{"type": "string"}, "description": "where the browser goes next"}}
		paths[op.path] = map[string]any{strings.ToLower(op.method): d}
	}
	return marshalDocument(doc)
}
