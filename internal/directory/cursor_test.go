package directory_test

import (
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/directory"
)

var cursorKey = []byte("a key for the tests of directory cursors")

func TestDirectoryCursorRoundTrip(t *testing.T) {
	updated := time.Date(2026, 3, 4, 10, 11, 12, 123456000, time.UTC)
	for _, c := range []directory.Cursor{
		{Sort: directory.SortName, Name: "acorn fostering", ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01"},
		{Sort: directory.SortStatus, Rank: 5, Name: "birchwood", ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a02"},
		{Sort: directory.SortRAG, Rank: 3, Name: "ćafé ünïcode", ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a03"},
		{Sort: directory.SortUpdated, Updated: updated, ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a04"},
	} {
		got, err := directory.DecodeCursor(cursorKey, c.Encode(cursorKey), c.Sort)
		if err != nil || got != c {
			t.Errorf("%+v came back as %+v, %v", c, got, err)
		}
	}
}

// Anything but an untouched cursor of the same sort order and key is refused as invalid
// input, with a message, and never read.
func TestDirectoryCursorRefusesTampering(t *testing.T) {
	good := directory.Cursor{Sort: directory.SortName, Name: "acorn", ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01"}.Encode(cursorKey)
	payload, mac, _ := strings.Cut(good, ".")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	forged := directory.Cursor{Sort: directory.SortName, Name: "zzz", ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01"}.Encode([]byte("another key"))
	tests := []struct {
		name, cursor string
		sort         directory.Sort
	}{
		{"empty", "", directory.SortName},
		{"no signature", payload, directory.SortName},
		{"payload changed", flip(payload, 3) + "." + mac, directory.SortName},
		{"signature changed", payload + "." + flip(mac, 2), directory.SortName},
		{"truncated", good[:len(good)-4], directory.SortName},
		{"another key", forged, directory.SortName},
		{"another sort order", good, directory.SortStatus},
		{"not base64", "%%%.%%%", directory.SortName},
		{"huge", strings.Repeat("a", 5000), directory.SortName},
		{"bad id", directory.Cursor{Sort: directory.SortName, Name: "a", ID: "1; DROP TABLE organisations"}.Encode(cursorKey), directory.SortName},
		{"rank out of range", directory.Cursor{Sort: directory.SortRAG, Rank: 9, ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01"}.Encode(cursorKey), directory.SortRAG},
		{"updated sort without a time", directory.Cursor{Sort: directory.SortUpdated, ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01"}.Encode(cursorKey), directory.SortUpdated},
	}
	for _, tt := range tests {
		_, err := directory.DecodeCursor(cursorKey, tt.cursor, tt.sort)
		if !apperr.Is(err, apperr.Invalid) || apperr.MessageOf(err) == "" {
			t.Errorf("%s: %v, want an invalid-input error with a message", tt.name, err)
		}
	}
}
