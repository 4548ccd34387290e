package api

// SSORouteRules exposes ssoRules, the rules of the single sign-on routes, like RouteRules.
func SSORouteRules() map[string]RouteAccess {
	out := map[string]RouteAccess{}
	for k, r := range ssoRules() {
		out[k] = RouteAccess{Anonymous: r.access == accessAnonymous, Action: r.action, Personal: r.personal}
	}
	return out
}
