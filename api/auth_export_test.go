package api

import "officemap/floorplan/identity"

// RouteAccess is a route's rule as the authorisation matrix test sees it: open to anyone, or to any
// signed-in user (Action ""), or to those whose roles allow Action somewhere (and see personal data, for
// Personal routes).
type RouteAccess struct {
	Anonymous bool
	Action    identity.Action
	Personal  bool            // and only to roles that see personal data
	OrAction  identity.Action // a second action that also lets a role in ("" for none)
}

// RouteRules exposes routeRules, keyed by method and path template, to the matrix test.
func RouteRules() map[string]RouteAccess {
	out := map[string]RouteAccess{}
	for k, r := range routeRules() {
		out[k] = RouteAccess{Anonymous: r.access == accessAnonymous, Action: r.action, Personal: r.personal, OrAction: r.orAction}
	}
	return out
}
