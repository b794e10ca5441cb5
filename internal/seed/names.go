package seed

// Word lists the generator combines into names, addresses and the like. They are made up or
// generic: no entry names a real provider.

// town is a town with its county and the postcode districts that serve it.
type town struct {
	name, county string
	districts    []string
}

var towns = []town{
	{"Northampton", "Northamptonshire", []string{"NN1", "NN2", "NN3", "NN4", "NN5", "NN6", "NN7"}},
	{"Kettering", "Northamptonshire", []string{"NN14", "NN15", "NN16"}},
	{"Wellingborough", "Northamptonshire", []string{"NN8", "NN9", "NN29"}},
	{"Corby", "Northamptonshire", []string{"NN17", "NN18"}},
	{"Daventry", "Northamptonshire", []string{"NN11"}},
	{"Leicester", "Leicestershire", []string{"LE1", "LE2", "LE3", "LE4", "LE5", "LE18", "LE19"}},
	{"Loughborough", "Leicestershire", []string{"LE11", "LE12"}},
	{"Nottingham", "Nottinghamshire", []string{"NG1", "NG2", "NG3", "NG5", "NG7", "NG8", "NG9", "NG11"}},
	{"Mansfield", "Nottinghamshire", []string{"NG18", "NG19"}},
	{"Derby", "Derbyshire", []string{"DE1", "DE3", "DE21", "DE22", "DE23", "DE24"}},
	{"Chesterfield", "Derbyshire", []string{"S40", "S41", "S43"}},
	{"Sheffield", "South Yorkshire", []string{"S1", "S2", "S6", "S8", "S10", "S11", "S20"}},
	{"Leeds", "West Yorkshire", []string{"LS1", "LS6", "LS7", "LS8", "LS11", "LS12", "LS17"}},
	{"Bradford", "West Yorkshire", []string{"BD1", "BD3", "BD5", "BD8", "BD9"}},
	{"Birmingham", "West Midlands", []string{"B1", "B5", "B13", "B15", "B23", "B29", "B44"}},
	{"Coventry", "West Midlands", []string{"CV1", "CV2", "CV3", "CV5", "CV6"}},
	{"Manchester", "Greater Manchester", []string{"M1", "M4", "M13", "M14", "M20", "M40"}},
	{"Liverpool", "Merseyside", []string{"L1", "L4", "L8", "L15", "L17", "L25"}},
	{"Bristol", "Bristol", []string{"BS1", "BS3", "BS5", "BS6", "BS7", "BS16"}},
	{"Milton Keynes", "Buckinghamshire", []string{"MK1", "MK5", "MK9", "MK10", "MK14"}},
	{"Bedford", "Bedfordshire", []string{"MK40", "MK41", "MK42"}},
	{"Peterborough", "Cambridgeshire", []string{"PE1", "PE2", "PE3", "PE4", "PE7"}},
	{"Lincoln", "Lincolnshire", []string{"LN1", "LN2", "LN5", "LN6"}},
	{"Oxford", "Oxfordshire", []string{"OX1", "OX2", "OX3", "OX4"}},
	{"Reading", "Berkshire", []string{"RG1", "RG2", "RG4", "RG30"}},
	{"London", "", []string{"E1", "E8", "E17", "N1", "N7", "N17", "SE1", "SE15", "SW2", "SW9", "W2", "W12", "NW1", "NW10"}},
	{"Norwich", "Norfolk", []string{"NR1", "NR2", "NR3", "NR4", "NR7"}},
	{"Ipswich", "Suffolk", []string{"IP1", "IP2", "IP3", "IP4"}},
	{"Exeter", "Devon", []string{"EX1", "EX2", "EX4"}},
	{"Newcastle upon Tyne", "Tyne and Wear", []string{"NE1", "NE2", "NE4", "NE6", "NE15"}},
	{"York", "North Yorkshire", []string{"YO1", "YO10", "YO24", "YO31"}},
	{"Cardiff", "", []string{"CF10", "CF11", "CF14", "CF24"}},
}

var streets = []string{
	"High Street", "Church Lane", "Mill Lane", "Station Road", "Park Road", "Victoria Road", "London Road", "Queen Street",
	"King Street", "Manor Road", "The Green", "Orchard Way", "Meadow Close", "Chapel Street", "Bridge Street", "Market Place",
	"Brook Lane", "Springfield Road", "Elm Grove", "Oak Avenue", "Riverside Walk", "Castle Street", "Hill View", "Willow Drive",
}

var buildings = []string{
	"", "", "", "", "Unit 3, Enterprise Park", "The Old School House", "Suite 2, Riverside House", "Beech House", "Unit 12, Moulton Park",
	"First Floor, Regent House", "The Coach House", "Cedar Court",
}

var firstNames = []string{
	"Aisha", "Alex", "Amelia", "Ben", "Chloe", "Chris", "Daniel", "Dev", "Ella", "Emma", "Fatima", "Grace", "Hannah", "Harry",
	"Imran", "Isla", "Jack", "James", "Jo", "Kemi", "Laura", "Liam", "Lucy", "Maya", "Mohammed", "Morgan", "Nadia", "Noah",
	"Olivia", "Oscar", "Priya", "Rachel", "Ravi", "Ruth", "Sam", "Sarah", "Sophie", "Tom", "Wei", "Zara",
}

var surnames = []string{
	"Adeyemi", "Ahmed", "Baker", "Bennett", "Brown", "Campbell", "Chen", "Clarke", "Davies", "Edwards", "Evans", "Green",
	"Hall", "Hughes", "Jackson", "Jones", "Khan", "Kowalski", "Lewis", "Malik", "Morgan", "Murphy", "Nowak", "Okafor",
	"Patel", "Price", "Roberts", "Robinson", "Shah", "Singh", "Smith", "Taylor", "Thomas", "Thompson", "Walker", "White",
	"Williams", "Wilson", "Wood", "Wright",
}

// nameStems start organisation names.
var nameStems = []string{
	"Acorn", "Alder", "Amber", "Ash Grove", "Aspire", "Beacon", "Birchwood", "Bluebell", "Bright Futures", "Brightpath",
	"Brook House", "Canal Side", "Cedar", "Chestnut", "Clearwater", "Compass", "Copper Beech", "Cornerstone", "Elmtree",
	"Evergreen", "Fairfield", "Fernhill", "Foxglove", "Greenacres", "Hallmark", "Harbour View", "Hawthorn", "Hazel",
	"Heartwood", "Heron", "Hillcrest", "Hollybush", "Horizon", "Juniper", "Kestrel", "Kingfisher", "Lakeside", "Larch",
	"Lighthouse", "Linden", "Maple", "Meadowbank", "Millbrook", "Moorland", "New Dawn", "Northgate", "Oak Tree", "Oakfield",
	"Orchard", "Pathways", "Pinewood", "Primrose", "Riverside", "Rowan", "Safe Haven", "Silver Birch", "Skylark", "Southview",
	"Springfield", "Stepping Stones", "Stonebridge", "Summit", "Sunrise", "Swallow", "Thistle", "Together", "Valley View",
	"Waterside", "Westfield", "Willow", "Windmill", "Woodland", "Yew Tree",
}

// categoryNouns are what a provider of each service category calls itself.
var categoryNouns = map[string][]string{
	"childrens_homes":             {"Children's Homes", "Residential Care", "Care Homes", "Children's Services"},
	"independent_fostering":       {"Fostering", "Foster Care", "Family Placements"},
	"supported_accommodation":     {"Supported Living", "Supported Accommodation", "Housing Support", "Young People's Housing"},
	"send_education":              {"School", "Learning Centre", "Education", "Academy"},
	"short_breaks":                {"Short Breaks", "Respite Care", "Play and Leisure"},
	"youth_services":              {"Youth Services", "Youth Trust", "Youth Project"},
	"family_support":              {"Family Support", "Family Services", "Parenting Support"},
	"residential_special_schools": {"Residential School", "Specialist College"},
}

var insurers = []string{
	"Zurich Municipal", "Aviva Insurance", "AXA Insurance UK", "Allianz Insurance", "RSA Insurance", "Ecclesiastical Insurance",
	"Hiscox", "QBE UK", "Markel International", "NFU Mutual", "Travelers Insurance", "Chubb European Group", "Royal London Mutual",
}

var staffRoles = []string{
	"Registered manager", "Deputy manager", "Senior residential worker", "Residential support worker", "Supervising social worker",
	"Team leader", "Support worker", "Teacher", "Teaching assistant", "Youth worker", "Family support worker", "Night care worker",
}

var contactRoles = []string{"Finance manager", "Operations director", "Office manager", "Business manager", "Contracts lead", "Head of quality"}

// frameworks are the frameworks and dynamic purchasing systems contracts are called off.
var frameworks = []string{
	"East Midlands Regional Fostering Framework", "East Midlands Children's Homes Framework",
	"Supported Accommodation Dynamic Purchasing System", "Independent Special Schools Framework",
	"West Midlands Residential Care Framework", "Northern Regional Fostering Framework", "Short Breaks Dynamic Purchasing System",
	"Family Support Services Framework", "Yorkshire and Humber Children's Residential Framework", "National Residential Schools Framework",
	"South East Fostering Framework", "Youth Services Dynamic Purchasing System",
}

var lots = []string{"", "Lot 1: Standard placements", "Lot 2: Complex needs", "Lot 3: Parent and child", "Lot 4: Emergency placements"}

var paymentTerms = []string{
	"Monthly in arrears, 30 days from invoice", "Four-weekly in arrears", "Monthly in arrears per placement night",
	"Quarterly in advance", "Termly in advance", "Monthly in arrears on receipt of a valid invoice",
}

// kpiTemplate is a KPI a contract of a category is monitored by.
type kpiTemplate struct {
	name, unit         string
	target, amber, red float64
	higher             bool
	quarterly          bool
}

var kpiTemplates = map[string][]kpiTemplate{
	"childrens_homes": {
		{"Placement stability", "%", 90, 85, 75, true, false},
		{"Missing from care episodes", "episodes", 2, 3, 5, false, false},
		{"Children in education", "%", 95, 90, 80, true, false},
	},
	"independent_fostering": {
		{"Placements matched within 10 working days", "%", 85, 75, 65, true, false},
		{"Foster carer retention", "%", 92, 88, 80, true, false},
		{"Unplanned endings", "placements", 1, 2, 3, false, true},
	},
	"supported_accommodation": {
		{"Young people in education, employment or training", "%", 80, 70, 60, true, false},
		{"Unplanned moves", "moves", 0, 1, 2, false, false},
	},
	"send_education": {
		{"Attendance", "%", 95, 90, 85, true, true},
		{"Annual reviews held on time", "%", 100, 95, 90, true, true},
	},
	"short_breaks": {
		{"Short break nights delivered", "nights", 120, 100, 80, true, false},
		{"Families satisfied with the service", "%", 90, 80, 70, true, true},
	},
	"youth_services": {
		{"Young people engaged", "people", 200, 160, 120, true, true},
		{"Sessions delivered", "sessions", 48, 40, 32, true, false},
	},
	"family_support": {
		{"Families supported", "families", 60, 50, 40, true, false},
		{"Cases closed with needs met", "%", 75, 65, 55, true, true},
	},
	"residential_special_schools": {
		{"Attendance", "%", 95, 90, 85, true, true},
		{"Pupils with a current EHC plan review", "%", 100, 95, 90, true, true},
	},
}

var visitFindings = []string{
	"Records were well kept and up to date.",
	"Young people spoke well of their key workers.",
	"Two staff were overdue for supervision.",
	"The fire risk assessment was overdue.",
	"Medication records were accurate and audited weekly.",
	"Missing-from-care protocols needed updating.",
	"Training records were incomplete for new starters.",
	"The premises were clean, homely and well maintained.",
	"Care plans reflected children's views.",
	"Safer recruitment checks were complete for every file sampled.",
}

var actionTexts = []string{
	"Bring staff supervision up to date",
	"Complete the fire risk assessment and share it with the council",
	"Update the missing-from-care protocol and brief all staff on it",
	"Bring staff training records up to date",
	"Record children's views in every placement review",
	"Review the medication policy against current guidance",
	"Send the council the updated statement of purpose",
	"Share a recruitment plan for the vacancies in the team",
}

var commentaries = []string{
	"Below what we aim for this period. We have reviewed each case with the team and put a plan in place.",
	"Two placements ended unexpectedly this period; both have been reviewed with the social workers.",
	"Staff sickness affected delivery this period; agency cover is now in place.",
}
