package identitytest_test

import (
	"testing"

	"officemap/floorplan/identity"
	"officemap/floorplan/identity/identitytest"
)

func TestStore(t *testing.T) {
	identitytest.Run(t, func(t *testing.T) identity.Store { return identitytest.New() })
}
