package provider

import "github.com/lib/pq"

// stringArray passes a text[] parameter; nil stays NULL so coalesce keeps the old value.
func stringArray(v []string) any {
	if v == nil {
		return nil
	}
	return pq.StringArray(v)
}
