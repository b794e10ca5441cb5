package loadbench

import (
	"testing"

	"github.com/council/provider-portal/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
