package directory

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
)

// Cursor is a position in the directory in one sort order: the sort key and id of a row.
// A page starts after (or, going back, ends before) it.
type Cursor struct {
	Sort Sort `json:"s"`
	// Rank is the status's place in the workflow (SortStatus) or the rating's, worst first
	// (SortRAG); 0 for the other orders.
	Rank int `json:"r,omitempty"`
	// Name is the row's name key (SortName, SortStatus, SortRAG).
	Name string `json:"n,omitempty"`
	// Updated is the row's last update (SortUpdated).
	Updated time.Time `json:"u,omitzero"`
	ID      string    `json:"i"`
}

// macSize is how much of the HMAC-SHA256 a cursor carries: 128 bits is far beyond guessing.
const macSize = 16

// maxCursor bounds an encoded cursor, before any decoding is attempted.
const maxCursor = 2048

// errBadCursor is what a user sees for a cursor that was changed, cut short or made up.
var errBadCursor = apperr.New(apperr.Invalid, "The link to this page of providers is not valid: it may have been cut short or changed. Go back to the first page of the directory and try again.")

// Encode makes the cursor opaque for a link: base64url JSON and an HMAC of it under key,
// so a cursor that has been changed is refused rather than read.
func (c Cursor) Encode(key []byte) string {
	body, _ := json.Marshal(c) // a struct of strings, ints and a time cannot fail
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + base64.RawURLEncoding.EncodeToString(sign(key, payload))
}

func sign(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return m.Sum(nil)[:macSize]
}

// DecodeCursor reads a cursor made by Encode with the same key for the sort order s. Any
// cursor that is not exactly that (changed, truncated, for another sort order, or made
// with another key) is an apperr.Invalid with a message for the user.
func DecodeCursor(key []byte, encoded string, s Sort) (Cursor, error) {
	if len(encoded) > maxCursor {
		return Cursor{}, errBadCursor
	}
	payload, mac, ok := strings.Cut(encoded, ".")
	if !ok {
		return Cursor{}, errBadCursor
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil || !hmac.Equal(got, sign(key, payload)) {
		return Cursor{}, errBadCursor
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return Cursor{}, errBadCursor
	}
	var c Cursor
	if err := json.Unmarshal(body, &c); err != nil {
		return Cursor{}, errBadCursor
	}
	if c.Sort != s {
		return Cursor{}, apperr.New(apperr.Invalid, "The link to this page of providers was made for another sort order. Go back to the first page of the directory and try again.")
	}
	if !c.valid() {
		return Cursor{}, errBadCursor
	}
	return c, nil
}

// valid checks a decoded cursor holds what its sort order needs, and nothing out of range.
func (c Cursor) valid() bool {
	if !db.IsUUID(c.ID) || !utf8.ValidString(c.Name) || len(c.Name) > 1000 {
		return false
	}
	switch c.Sort {
	case SortName:
		return c.Rank == 0 && c.Updated.IsZero()
	case SortStatus:
		return c.Rank >= 1 && c.Rank <= len(Statuses)+1 && c.Updated.IsZero()
	case SortRAG:
		return c.Rank >= 0 && c.Rank < len(ragRanks) && c.Updated.IsZero()
	case SortUpdated:
		return c.Rank == 0 && c.Name == "" && !c.Updated.IsZero()
	}
	return false
}
