package ukid

import "regexp"

// ocidPrefixPattern is the form OCDS prefixes take: "ocds-" and six lower-case letters or
// digits, as the OCDS Helpdesk assigns them.
var ocidPrefixPattern = regexp.MustCompile(`^ocds-[a-z0-9]{6}$`)

// orgIDPattern is an org-id.guide identifier: a scheme of two parts ("GB-LAE") and the
// organisation's id within it.
var orgIDPattern = regexp.MustCompile(`^[A-Z]{2}-[A-Z0-9]{2,10}-[A-Za-z0-9][A-Za-z0-9-]{0,60}$`)

// PlaceholderOCIDPrefix is the prefix the OCDS documentation uses in examples. It is valid
// in form but belongs to no one, so production refuses to publish under it.
const PlaceholderOCIDPrefix = "ocds-xxxxxx"

// IsOCIDPrefix reports whether p has the form of an OCDS prefix. It lives here, beside the
// other identifiers, so the configuration and the contract settings check it the same way.
func IsOCIDPrefix(p string) bool { return ocidPrefixPattern.MatchString(p) }

// IsOrgID reports whether id is an org-id.guide identifier such as GB-LAE-LDS.
func IsOrgID(id string) bool { return orgIDPattern.MatchString(id) }
