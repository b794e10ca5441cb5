package provider

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestWithoutStaffKeepsEverythingElse(t *testing.T) {
	doc := []byte(`{"staff":[{"ref":"a","name":"Ann","extra":{"x":1}},{"ref":"b","name":"Bob"},{"name":"No ref"}],"note":"kept"}`)
	out, gone, left, err := withoutStaff(doc, map[string]bool{"a": true, "zz": true})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Staff []map[string]any `json:"staff"`
		Note  string           `json:"note"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range got.Staff {
		names = append(names, m["name"].(string))
	}
	if !slices.Equal(names, []string{"Bob", "No ref"}) || got.Note != "kept" || left != 2 || len(gone) != 1 || !gone["a"] {
		t.Errorf("withoutStaff: %s, gone %v, left %d", out, gone, left)
	}
	if out, gone, _, err := withoutStaff(nil, map[string]bool{"a": true}); err != nil || out != nil || len(gone) != 0 {
		t.Errorf("an absent approved copy: %s, %v, %v", out, gone, err)
	}
	if _, _, _, err := withoutStaff([]byte(`{"staff":"nonsense"}`), nil); err == nil {
		t.Error("a malformed section was accepted")
	}
}
