package identity

import (
	"context"

	"github.com/google/uuid"
)

// Users returns every account, by username, for the administrators' page. A caller needs admin_users
// (the system administrator) or admin_roles (the security administrator).
func (s *Service) Users(ctx context.Context) ([]User, error) {
	if c, ok := CallerFrom(ctx); ok && !Allowed(c.User.Grants, ActionAdminUsers, Target{}) &&
		!Allowed(c.User.Grants, ActionAdminRoles, Target{}) {
		return nil, s.deny(ctx, "user.list", "users")
	}
	return s.store.Users(ctx)
}

// User returns one account (floorplan.ErrNotFound when there is none). A caller needs admin_users or
// admin_roles, unless it is the caller's own.
func (s *Service) User(ctx context.Context, userID uuid.UUID) (User, error) {
	if c, ok := CallerFrom(ctx); ok && c.User.ID != userID && !Allowed(c.User.Grants, ActionAdminUsers, Target{}) &&
		!Allowed(c.User.Grants, ActionAdminRoles, Target{}) {
		return User{}, s.deny(ctx, "user.read", "user "+userID.String())
	}
	return s.store.User(ctx, userID)
}

// Tokens returns userID's API tokens (revoked and expired ones too; never their secrets, which are not
// stored). The user or a caller with admin_users may; an unknown user is floorplan.ErrNotFound.
func (s *Service) Tokens(ctx context.Context, userID uuid.UUID) ([]Token, error) {
	if c, ok := CallerFrom(ctx); ok && c.User.ID != userID {
		if err := s.permit(ctx, ActionAdminUsers, "token.list", "user "+userID.String()); err != nil {
			return nil, err
		}
	}
	if _, err := s.store.User(ctx, userID); err != nil {
		return nil, err
	}
	return s.store.Tokens(ctx, userID)
}
