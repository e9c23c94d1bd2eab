/**
 * The attribute value pools of bioS (paper §2, Appendix A.1): names, birth cities, universities, majors,
 * and companies with their headquarters city, in the paper's exact pool sizes.
 *
 * Every value obeys the constraints checked by {@linkcode validatePools}, which keep the GPT-2
 * tokenization of a value the same inside a biography sentence and as a QA answer (no ".", which
 * would merge with the sentence's full stop; no trailing punctuation; single spaces; printable
 * ASCII).
 * The lists were written for this project from general knowledge of real names, places,
 * institutions and companies.
 * @module
 */

/** A real company and the US city of its headquarters; `hq` is the person's c_city. */
export interface Company {
  /** Company name, without "Inc."-style suffixes. */
  readonly name: string;
  /** Headquarters as "City, ST", the same form as birth cities. */
  readonly hq: string;
}

/** The pools whose size the paper fixes. */
export type PoolName = "first" | "middle" | "last" | "b_city" | "univ" | "major" | "c_name";

/** The paper's pool sizes (Appendix A.1). */
export const POOL_SIZES: Readonly<Record<PoolName, number>> = Object.freeze({
  first: 400,
  middle: 400,
  last: 1000,
  b_city: 200,
  univ: 300,
  major: 100,
  c_name: 263,
});

/** The twelve birth months, rendered as English month names. */
// deno-fmt-ignore
export const MONTHS: readonly string[] = Object.freeze([
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
]);

/** Two-letter codes of the 50 US states plus DC, the only codes a "City, ST" value may end with. */
// deno-fmt-ignore
export const US_STATE_CODES: ReadonlySet<string> = new Set([
  "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
  "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
  "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
  "WV", "WI", "WY",
]);

/** The c_city majority value: 36 of the 263 companies (13.69%) are headquartered here. */
export const MAJORITY_HQ = "New York, NY";

/** 400 English given names (paper: 400 first names). */
// deno-fmt-ignore
export const FIRST_NAMES: readonly string[] = Object.freeze([
  "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
  "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul",
  "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward",
  "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry",
  "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory", "Alexander", "Frank", "Patrick",
  "Raymond", "Jack", "Dennis", "Jerry", "Tyler", "Aaron", "Jose", "Adam", "Nathan", "Henry",
  "Douglas", "Zachary", "Peter", "Kyle", "Ethan", "Walter", "Noah", "Jeremy", "Christian",
  "Keith", "Roger", "Terry", "Gerald", "Harold", "Sean", "Austin", "Carl", "Arthur", "Lawrence",
  "Dylan", "Jesse", "Jordan", "Bryan", "Billy", "Joe", "Bruce", "Gabriel", "Logan", "Albert",
  "Willie", "Alan", "Juan", "Wayne", "Elijah", "Randy", "Roy", "Vincent", "Ralph", "Eugene",
  "Russell", "Bobby", "Mason", "Philip", "Louis", "Mary", "Patricia", "Jennifer", "Linda",
  "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen", "Lisa", "Nancy", "Betty",
  "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle", "Carol", "Amanda",
  "Dorothy", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia",
  "Kathleen", "Amy", "Angela", "Shirley", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen",
  "Samantha", "Katherine", "Christine", "Debra", "Rachel", "Carolyn", "Janet", "Catherine",
  "Maria", "Heather", "Diane", "Ruth", "Julie", "Olivia", "Joyce", "Virginia", "Victoria",
  "Kelly", "Lauren", "Christina", "Joan", "Evelyn", "Judith", "Megan", "Andrea", "Cheryl",
  "Hannah", "Jacqueline", "Martha", "Gloria", "Teresa", "Ann", "Sara", "Madison", "Frances",
  "Kathryn", "Janice", "Jean", "Abigail", "Alice", "Judy", "Sophia", "Grace", "Denise", "Amber",
  "Doris", "Marilyn", "Danielle", "Beverly", "Isabella", "Theresa", "Diana", "Natalie",
  "Brittany", "Charlotte", "Marie", "Kayla", "Alexis", "Lori", "Ava", "Liam", "Oliver", "Lucas",
  "Owen", "Caleb", "Isaac", "Luke", "Hunter", "Connor", "Evan", "Gavin", "Wyatt", "Carter",
  "Julian", "Levi", "Isaiah", "Landon", "Colton", "Cameron", "Chase", "Blake", "Cole", "Brady",
  "Grant", "Seth", "Tristan", "Miles", "Dominic", "Jasper", "Felix", "Oscar", "Silas", "Theodore",
  "Ezra", "Rowan", "Declan", "Finn", "Graham", "Harrison", "Spencer", "Wesley", "Trevor",
  "Preston", "Garrett", "Dalton", "Marcus", "Calvin", "Victor", "Martin", "Jared", "Leonard",
  "Howard", "Stanley", "Clarence", "Earl", "Herbert", "Frederick", "Leon", "Glenn", "Curtis",
  "Warren", "Franklin", "Ernest", "Vernon", "Lloyd", "Gordon", "Milton", "Clifford", "Norman",
  "Harvey", "Chloe", "Mia", "Harper", "Ella", "Avery", "Scarlett", "Lily", "Aria", "Layla", "Zoe",
  "Nora", "Riley", "Stella", "Hazel", "Aurora", "Violet", "Savannah", "Audrey", "Brooklyn",
  "Bella", "Claire", "Skylar", "Lucy", "Paisley", "Naomi", "Eleanor", "Caroline", "Genesis",
  "Kennedy", "Sadie", "Allison", "Gabriella", "Madelyn", "Quinn", "Ruby", "Eva", "Serenity",
  "Autumn", "Piper", "Ivy", "Molly", "Julia", "Leah", "Faith", "Sydney", "Morgan", "Vanessa",
  "Paige", "Jenna", "Erin", "Tiffany", "Crystal", "Whitney", "Courtney", "Monica", "Erica",
  "Tara", "Meredith", "Holly", "Brooke", "Jillian", "Kristen", "Caitlin", "Shannon", "Alyssa",
  "Haley", "Mackenzie", "Jasmine", "Jocelyn", "Lydia", "Rose", "Irene", "Edith", "Mildred",
  "Florence", "Lillian", "Mabel", "Louise", "Pearl", "Nellie", "Agnes", "Ethel", "Gladys",
  "Bernice", "Vivian", "Josephine", "Marjorie", "Lucille", "Rosemary", "Beatrice", "Clara",
  "Eliza", "Harriet", "Margot", "Wendy", "Yvonne", "Bonnie", "Rita", "Peggy", "Connie", "Tracy",
  "Dana", "Leslie", "Robin", "Casey", "Jamie", "Taylor", "Reese", "Sidney", "Hayden", "Alec",
  "Bradley", "Chad", "Derek", "Drew", "Elliot", "Everett", "Fletcher", "Forrest", "Gideon",
  "Hugh", "Ian", "Jerome", "Lance", "Malcolm", "Neil", "Quentin", "Reid", "Simon", "Wade",
]);

/**
 * 400 English given names used as middle names; 280 of them are also first names (the paper's
 * pools overlap likewise).
 */
// deno-fmt-ignore
export const MIDDLE_NAMES: readonly string[] = Object.freeze([
  "James", "John", "Robert", "Michael", "William", "David", "Richard", "Christopher", "Daniel",
  "Matthew", "Anthony", "Mark", "Donald", "Steven", "Kenneth", "Kevin", "Brian", "George",
  "Timothy", "Ronald", "Edward", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen",
  "Larry", "Benjamin", "Samuel", "Gregory", "Alexander", "Frank", "Patrick", "Raymond", "Tyler",
  "Aaron", "Jose", "Adam", "Nathan", "Henry", "Douglas", "Ethan", "Walter", "Noah", "Jeremy",
  "Christian", "Keith", "Roger", "Sean", "Austin", "Carl", "Arthur", "Lawrence", "Dylan", "Jesse",
  "Joe", "Bruce", "Gabriel", "Logan", "Albert", "Willie", "Alan", "Randy", "Roy", "Vincent",
  "Ralph", "Eugene", "Russell", "Bobby", "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth",
  "Barbara", "Susan", "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly",
  "Carol", "Amanda", "Dorothy", "Melissa", "Deborah", "Stephanie", "Rebecca", "Kathleen", "Amy",
  "Angela", "Shirley", "Anna", "Brenda", "Pamela", "Samantha", "Katherine", "Christine", "Debra",
  "Rachel", "Carolyn", "Janet", "Diane", "Ruth", "Julie", "Olivia", "Joyce", "Virginia",
  "Victoria", "Joan", "Evelyn", "Judith", "Megan", "Andrea", "Cheryl", "Hannah", "Teresa", "Ann",
  "Sara", "Madison", "Frances", "Kathryn", "Janice", "Judy", "Sophia", "Grace", "Denise", "Amber",
  "Doris", "Marilyn", "Theresa", "Diana", "Natalie", "Brittany", "Charlotte", "Marie", "Kayla",
  "Liam", "Oliver", "Lucas", "Owen", "Caleb", "Isaac", "Luke", "Gavin", "Wyatt", "Carter",
  "Julian", "Levi", "Isaiah", "Landon", "Blake", "Cole", "Brady", "Grant", "Seth", "Tristan",
  "Miles", "Oscar", "Silas", "Theodore", "Ezra", "Rowan", "Declan", "Finn", "Wesley", "Trevor",
  "Preston", "Garrett", "Dalton", "Marcus", "Calvin", "Leonard", "Howard", "Stanley", "Clarence",
  "Earl", "Herbert", "Frederick", "Warren", "Franklin", "Ernest", "Vernon", "Lloyd", "Gordon",
  "Milton", "Chloe", "Mia", "Harper", "Ella", "Avery", "Scarlett", "Lily", "Nora", "Riley",
  "Stella", "Hazel", "Aurora", "Violet", "Savannah", "Claire", "Skylar", "Lucy", "Paisley",
  "Naomi", "Eleanor", "Caroline", "Allison", "Gabriella", "Madelyn", "Quinn", "Ruby", "Eva",
  "Serenity", "Molly", "Julia", "Leah", "Faith", "Sydney", "Morgan", "Vanessa", "Tiffany",
  "Crystal", "Whitney", "Courtney", "Monica", "Erica", "Tara", "Jillian", "Kristen", "Caitlin",
  "Shannon", "Alyssa", "Haley", "Mackenzie", "Rose", "Irene", "Edith", "Mildred", "Florence",
  "Lillian", "Mabel", "Agnes", "Ethel", "Gladys", "Bernice", "Vivian", "Josephine", "Marjorie",
  "Clara", "Eliza", "Harriet", "Margot", "Wendy", "Yvonne", "Bonnie", "Tracy", "Dana", "Leslie",
  "Robin", "Casey", "Jamie", "Taylor", "Alec", "Bradley", "Chad", "Derek", "Drew", "Elliot",
  "Everett", "Hugh", "Ian", "Jerome", "Lance", "Malcolm", "Neil", "Quentin", "Allen", "Anne",
  "Ashton", "Beau", "Blair", "Blaine", "Boyd", "Brent", "Brooks", "Bryce", "Camden", "Carson",
  "Clay", "Clayton", "Conrad", "Dale", "Dean", "Donovan", "Elise", "Ellis", "Elliott", "Emerson",
  "Emery", "Ellen", "Elaine", "Faye", "Flynn", "Gail", "Gene", "Grey", "Hale", "Hart", "Hope",
  "Hollis", "Jay", "Jade", "Jane", "Joy", "June", "Kai", "Kane", "Kate", "Kay", "Keller", "Kent",
  "Kerry", "Kirk", "Lane", "Lee", "Lynn", "Mae", "Marshall", "Maxwell", "Merrill", "Monroe",
  "Montgomery", "Nash", "Neal", "Paxton", "Perry", "Pierce", "Ray", "Reed", "Rhys", "Royce",
  "Sage", "Shane", "Shaw", "Sloane", "Troy", "Tate", "Wren", "Ward", "Wynn", "Anders", "Ansel",
  "Arden", "Armand", "Barrett", "Bennett", "Sawyer", "Carmen", "Cecil", "Celeste", "Clement",
  "Cyrus", "Darcy", "Delaney", "Eden", "Linden", "Everly", "Fern", "Gray", "Harlan", "Irving",
  "Jolene", "Juniper", "Lorraine", "Marlowe", "Noel", "Odell", "Otis", "Poppy", "Quincy", "Rene",
  "Roscoe", "Rosalind", "Sterling", "Sutton", "Thaddeus", "Ulysses", "Vaughn", "Wallace",
  "Xavier", "Yale", "Alma", "Briar", "Gwen", "Ingrid", "Opal",
]);

/** 1,000 English surnames, alphabetical. */
// deno-fmt-ignore
export const LAST_NAMES: readonly string[] = Object.freeze([
  "Abbott", "Abel", "Abernathy", "Abrams", "Acker", "Ackerman", "Acosta", "Acton", "Adams",
  "Adkins", "Aiken", "Ainsworth", "Alden", "Aldrich", "Aldridge", "Alexander", "Alford", "Allard",
  "Allen", "Allison", "Alston", "Ames", "Amos", "Anderson", "Andrews", "Anthony", "Appleton",
  "Archer", "Arden", "Armstrong", "Arnold", "Ash", "Ashby", "Ashford", "Ashton", "Ashworth",
  "Astor", "Atherton", "Atkins", "Atkinson", "Atwell", "Atwood", "Aubrey", "Austin", "Avery",
  "Ayers", "Babcock", "Bacon", "Bagley", "Bagwell", "Bailey", "Bainbridge", "Baker", "Baldwin",
  "Ball", "Ballard", "Bancroft", "Banks", "Banner", "Barber", "Barclay", "Barker", "Barlow",
  "Barnard", "Barnes", "Barnett", "Barnhart", "Barnum", "Barr", "Barrett", "Barry", "Bartlett",
  "Barton", "Bassett", "Bates", "Baxley", "Baxter", "Beal", "Beasley", "Beaumont", "Beck",
  "Becker", "Beckett", "Beecher", "Belcher", "Bell", "Bellamy", "Bennett", "Benson", "Bentley",
  "Benton", "Berkeley", "Berry", "Beverly", "Bingham", "Birch", "Bishop", "Black", "Blackburn",
  "Blackstone", "Blackwell", "Blackwood", "Blake", "Blanchard", "Blevins", "Bloom", "Blythe",
  "Bolton", "Bond", "Bonner", "Booker", "Booth", "Bosworth", "Bowden", "Bowen", "Bowers",
  "Bowman", "Boyd", "Boyle", "Bradburn", "Bradbury", "Bradford", "Bradley", "Bradshaw", "Brady",
  "Bramwell", "Brandon", "Brandt", "Brantley", "Braxton", "Breckenridge", "Brennan", "Brewer",
  "Brewster", "Bridges", "Briggs", "Bright", "Brinkley", "Bristow", "Broadway", "Brock", "Brody",
  "Bromley", "Brooker", "Brooks", "Brown", "Browning", "Bryant", "Buchanan", "Buckley", "Buckner",
  "Bullock", "Burch", "Burgess", "Burke", "Burnett", "Burnham", "Burns", "Burrows", "Burton",
  "Bush", "Butler", "Byrd", "Cabot", "Cadwell", "Caffrey", "Caldwell", "Calhoun", "Callahan",
  "Calloway", "Cameron", "Campbell", "Cannon", "Cantrell", "Carey", "Carlisle", "Carlson",
  "Carmichael", "Carpenter", "Carr", "Carrington", "Carroll", "Carter", "Cartwright", "Carver",
  "Case", "Chadwick", "Chamberlain", "Chambers", "Chandler", "Channing", "Chaplin", "Chapman",
  "Chase", "Chatham", "Cheney", "Cherry", "Cheshire", "Chester", "Childs", "Chilton",
  "Christensen", "Church", "Claiborne", "Clark", "Clarke", "Clayton", "Clements", "Cleveland",
  "Clifford", "Clifton", "Cline", "Cobb", "Coburn", "Cochran", "Coffey", "Colby", "Cole",
  "Coleman", "Coles", "Collier", "Collins", "Colton", "Compton", "Conner", "Conrad", "Conway",
  "Cook", "Cooke", "Cooley", "Cooper", "Copeland", "Corbett", "Corbin", "Cotton", "Courtney",
  "Cowan", "Cox", "Craig", "Crandall", "Crane", "Crawford", "Crawley", "Crockett", "Cromwell",
  "Crosby", "Cross", "Crowley", "Culver", "Cummings", "Cunningham", "Curtis", "Cutler", "Dade",
  "Dalby", "Dalton", "Danforth", "Daniels", "Darby", "Darcy", "Darling", "Davenport", "Davidson",
  "Davies", "Davis", "Davison", "Dawes", "Dawson", "Day", "Dean", "Decker", "Dempsey", "Dennis",
  "Denton", "Derby", "Dewey", "Dickerson", "Dickinson", "Dillard", "Dillon", "Dixon", "Dobson",
  "Dodson", "Doherty", "Dolan", "Donnelly", "Donovan", "Dorsey", "Dougherty", "Douglas", "Dover",
  "Dowling", "Doyle", "Drake", "Drummond", "Dudley", "Duffy", "Dunbar", "Duncan", "Dunlap",
  "Dunn", "Durham", "Dutton", "Dyer", "Easton", "Eastwood", "Eaton", "Edgar", "Edwards",
  "Eldridge", "Ellington", "Elliott", "Ellis", "Ellison", "Elmore", "Emerson", "Emery",
  "Endicott", "England", "English", "Erickson", "Estes", "Evans", "Everett", "Fairbanks",
  "Fairchild", "Falkner", "Fanning", "Farley", "Farmer", "Farnsworth", "Farrell", "Farrow",
  "Faulkner", "Fawcett", "Felton", "Fenner", "Fenton", "Fenwick", "Ferguson", "Fielding",
  "Fields", "Finch", "Finley", "Fisher", "Fitch", "Fitzgerald", "Flanagan", "Fleming", "Fletcher",
  "Flowers", "Flynn", "Forbes", "Ford", "Fordham", "Forrest", "Forsyth", "Fortune", "Foster",
  "Fowler", "Fox", "Foxworth", "Frampton", "Francis", "Franklin", "Frazier", "Freeman", "French",
  "Frost", "Frye", "Fuller", "Gage", "Gallagher", "Galloway", "Gardner", "Garfield", "Garland",
  "Garner", "Garrett", "Garrison", "Gaskell", "Gates", "Gentry", "Gibbs", "Gibson", "Gifford",
  "Gilbert", "Giles", "Gill", "Gilmore", "Gladstone", "Glenn", "Glover", "Goddard", "Golding",
  "Goodall", "Goodman", "Goodwin", "Gordon", "Gould", "Grady", "Graham", "Granger", "Grant",
  "Grantham", "Graves", "Gray", "Green", "Greene", "Greer", "Gregory", "Gresham", "Grey",
  "Griffin", "Griffith", "Grimes", "Griswold", "Gross", "Hadden", "Hadley", "Haggard", "Hale",
  "Hall", "Halliday", "Halsey", "Hamilton", "Hamlin", "Hammer", "Hammond", "Hampton", "Hancock",
  "Hanson", "Hardin", "Harding", "Hardy", "Harlow", "Harmon", "Harper", "Harrington", "Harris",
  "Harrison", "Hart", "Hartley", "Harvey", "Harwood", "Haskell", "Hastings", "Hatcher",
  "Hatfield", "Hathaway", "Hawkins", "Hawthorne", "Hayden", "Hayes", "Haynes", "Haywood",
  "Hazelwood", "Hearst", "Heath", "Helms", "Henderson", "Hendricks", "Hendrix", "Henley", "Henry",
  "Hensley", "Herring", "Hewitt", "Hickman", "Hicks", "Higgins", "Hill", "Hilliard", "Hines",
  "Hinton", "Hobbs", "Hobson", "Hodges", "Hoffman", "Hogan", "Holbrook", "Holden", "Holland",
  "Hollis", "Hollister", "Holloway", "Holman", "Holmes", "Holt", "Hood", "Hooper", "Hopkins",
  "Hopper", "Horne", "Hornsby", "Horton", "Houston", "Howard", "Howe", "Howell", "Hoyt",
  "Hubbard", "Hudson", "Huffman", "Hughes", "Hull", "Hume", "Humphrey", "Hunt", "Hunter", "Hurst",
  "Hutchinson", "Ingalls", "Ingram", "Irving", "Isaacs", "Ives", "Jackson", "Jacobs", "James",
  "Jarvis", "Jeffries", "Jenkins", "Jennings", "Jennison", "Jensen", "Johnson", "Johnston",
  "Jones", "Jordan", "Kane", "Kearney", "Keating", "Keller", "Kelley", "Kellogg", "Kelly", "Kemp",
  "Kendall", "Kendrick", "Kennedy", "Kent", "Kerr", "Kidd", "Kimball", "Kincaid", "King",
  "Kingsley", "Kinney", "Kipling", "Kirby", "Kirk", "Kirkland", "Klein", "Knight", "Knowles",
  "Knox", "Lacey", "Lambert", "Lancaster", "Lane", "Lang", "Langley", "Larkin", "Lathrop", "Law",
  "Lawrence", "Lawson", "Lawton", "Layton", "Leach", "Lee", "Leland", "Leonard", "Lester",
  "Lewis", "Lincoln", "Lindley", "Lindsey", "Linwood", "Little", "Livingston", "Lloyd",
  "Lockhart", "Lockwood", "Logan", "Long", "Loomis", "Lovell", "Lowe", "Lowell", "Lucas",
  "Ludlow", "Lyman", "Lynch", "Lyons", "Macey", "Mack", "Madden", "Maddox", "Maddux", "Mallory",
  "Malone", "Mann", "Manning", "Mansfield", "Marlow", "Marlowe", "Marsh", "Marshall", "Marston",
  "Martin", "Mason", "Mathis", "Matthews", "Maxwell", "May", "Mayer", "Maynard", "McAllister",
  "McBride", "McCall", "McCarthy", "McClain", "McConnell", "McCormick", "McCoy", "McCullough",
  "McDaniel", "McDonald", "McGee", "McGrath", "McIntyre", "McKay", "McKenzie", "McKinney",
  "McKnight", "McLean", "McMillan", "McPherson", "Mead", "Meadows", "Mercer", "Merritt",
  "Merriweather", "Metcalf", "Meyer", "Middleton", "Milburn", "Miles", "Miller", "Mills",
  "Milner", "Mitchell", "Monroe", "Montague", "Montgomery", "Moody", "Moore", "Moreland",
  "Morgan", "Morley", "Morris", "Morrison", "Morrow", "Morse", "Mortimer", "Morton", "Moseley",
  "Mosley", "Moss", "Mueller", "Mullins", "Munroe", "Murphy", "Murray", "Myers", "Nash", "Neal",
  "Needham", "Nelson", "Nesbitt", "Newcomb", "Newell", "Newman", "Newton", "Nichols", "Nicholson",
  "Nightingale", "Nixon", "Noble", "Nolan", "Norman", "Norris", "North", "Norton", "Norwood",
  "Nugent", "Nye", "Oakes", "Oakley", "Odom", "Ogden", "Oldham", "Oliver", "Olsen", "Olson",
  "Orton", "Osborne", "Osgood", "Oswald", "Owen", "Owens", "Page", "Paine", "Palmer", "Parker",
  "Parks", "Parrish", "Parsons", "Patterson", "Patton", "Paxton", "Payne", "Peabody", "Pearson",
  "Peck", "Pemberton", "Pembroke", "Pendleton", "Pennington", "Percy", "Perkins", "Perry",
  "Peters", "Peterson", "Pettigrew", "Phelps", "Phillips", "Pickering", "Pickett", "Pierce",
  "Pike", "Pittman", "Platt", "Plummer", "Pollard", "Poole", "Porter", "Potter", "Powell",
  "Powers", "Pratt", "Prescott", "Preston", "Price", "Pritchard", "Proctor", "Pruitt", "Pryor",
  "Putnam", "Quimby", "Quinn", "Radcliffe", "Ralston", "Ramsay", "Ramsey", "Randall", "Randolph",
  "Rankin", "Rawlings", "Ray", "Rayburn", "Raymond", "Redding", "Redford", "Reed", "Reese",
  "Reeves", "Reid", "Remington", "Reynolds", "Rhodes", "Rice", "Richards", "Richardson", "Ridley",
  "Riley", "Ripley", "Ritter", "Roberts", "Robertson", "Robinson", "Rockwell", "Rogers",
  "Rollins", "Rooney", "Roper", "Rose", "Ross", "Rowe", "Rowland", "Royce", "Russell",
  "Rutherford", "Rutledge", "Ryan", "Sadler", "Salisbury", "Sampson", "Sanders", "Sanford",
  "Sargent", "Saunders", "Sawyer", "Schmidt", "Scott", "Seaton", "Sedgwick", "Selby", "Sexton",
  "Seymour", "Shackleton", "Shannon", "Sharp", "Shaw", "Shelby", "Sheldon", "Shelton", "Shepard",
  "Shepherd", "Sheridan", "Sherman", "Shipley", "Simmons", "Simpson", "Sims", "Sinclair",
  "Skinner", "Slade", "Slater", "Sloan", "Small", "Smith", "Snyder", "Sommers", "Southard",
  "Spalding", "Sparks", "Spears", "Spencer", "Spooner", "Sprague", "Stacey", "Stafford",
  "Stamford", "Standish", "Stanley", "Stanton", "Stapleton", "Stark", "Steele", "Stephens",
  "Sterling", "Stevens", "Stevenson", "Stewart", "Stockton", "Stoddard", "Stokely", "Stokes",
  "Stone", "Stout", "Stratton", "Strickland", "Strong", "Sullivan", "Summers", "Sumner",
  "Sutherland", "Sutton", "Swanson", "Sweeney", "Swift", "Sykes", "Taft", "Talbot", "Tanner",
  "Tate", "Tatum", "Taylor", "Temple", "Tennyson", "Thatcher", "Thayer", "Thomas", "Thompson",
  "Thorne", "Thornhill", "Thornton", "Tillman", "Tilton", "Todd", "Tolbert", "Toller", "Towne",
  "Townsend", "Tracy", "Trent", "Trimble", "Truman", "Tucker", "Turner", "Tuttle", "Tyler",
  "Underwood", "Upton", "Vail", "Vance", "Vaughn", "Vernon", "Vickers", "Waddell", "Wade",
  "Wadsworth", "Wainwright", "Wakefield", "Walden", "Waldron", "Walker", "Wallace", "Walsh",
  "Walters", "Walton", "Ward", "Wardell", "Warner", "Warren", "Warwick", "Washburn", "Waters",
  "Watkins", "Watson", "Watts", "Waverly", "Weatherby", "Weaver", "Webb", "Webster", "Welborn",
  "Welch", "Wells", "Wentworth", "West", "Westbrook", "Weston", "Wetherell", "Wheatley",
  "Wheeler", "Whitaker", "White", "Whitfield", "Whitlock", "Whitmore", "Whitney", "Whittaker",
  "Wickham", "Wilcox", "Wilde", "Wilder", "Wilkins", "Wilkinson", "Willard", "Williams",
  "Williamson", "Willis", "Wilson", "Windham", "Winslow", "Winters", "Winthrop", "Witherspoon",
  "Wolcott", "Wolfe", "Wood", "Woodard", "Woodbury", "Woods", "Woodward", "Woolsey",
  "Worthington", "Wren", "Wright", "Wyatt", "Yardley", "Yates", "Yeager", "Yorke", "Young",
  "Ziegler",
]);

/** 200 real US cities as "City, ST", roughly largest first. */
// deno-fmt-ignore
export const BIRTH_CITIES: readonly string[] = Object.freeze([
  "New York, NY", "Los Angeles, CA", "Chicago, IL", "Houston, TX", "Phoenix, AZ",
  "Philadelphia, PA", "San Antonio, TX", "San Diego, CA", "Dallas, TX", "San Jose, CA",
  "Austin, TX", "Jacksonville, FL", "Fort Worth, TX", "Columbus, OH", "Charlotte, NC",
  "Indianapolis, IN", "San Francisco, CA", "Seattle, WA", "Denver, CO", "Washington, DC",
  "Nashville, TN", "Oklahoma City, OK", "El Paso, TX", "Boston, MA", "Portland, OR",
  "Las Vegas, NV", "Detroit, MI", "Memphis, TN", "Louisville, KY", "Baltimore, MD",
  "Milwaukee, WI", "Albuquerque, NM", "Tucson, AZ", "Fresno, CA", "Sacramento, CA", "Mesa, AZ",
  "Kansas City, MO", "Atlanta, GA", "Omaha, NE", "Colorado Springs, CO", "Raleigh, NC",
  "Long Beach, CA", "Virginia Beach, VA", "Miami, FL", "Oakland, CA", "Minneapolis, MN",
  "Tulsa, OK", "Bakersfield, CA", "Wichita, KS", "Arlington, TX", "Aurora, CO", "Tampa, FL",
  "New Orleans, LA", "Cleveland, OH", "Honolulu, HI", "Anaheim, CA", "Lexington, KY",
  "Stockton, CA", "Corpus Christi, TX", "Henderson, NV", "Riverside, CA", "Newark, NJ",
  "Pittsburgh, PA", "Cincinnati, OH", "Anchorage, AK", "Greensboro, NC", "Plano, TX",
  "Lincoln, NE", "Orlando, FL", "Irvine, CA", "Toledo, OH", "Jersey City, NJ", "Chula Vista, CA",
  "Durham, NC", "Fort Wayne, IN", "Laredo, TX", "Buffalo, NY", "Madison, WI", "Lubbock, TX",
  "Chandler, AZ", "Scottsdale, AZ", "Reno, NV", "Glendale, AZ", "Gilbert, AZ", "Norfolk, VA",
  "Chesapeake, VA", "Garland, TX", "Irving, TX", "Boise, ID", "Spokane, WA", "Richmond, VA",
  "Baton Rouge, LA", "Des Moines, IA", "Tacoma, WA", "San Bernardino, CA", "Modesto, CA",
  "Fontana, CA", "Birmingham, AL", "Rochester, NY", "Fremont, CA", "Fayetteville, NC",
  "Salt Lake City, UT", "Huntsville, AL", "Yonkers, NY", "Worcester, MA", "Knoxville, TN",
  "Providence, RI", "Grand Rapids, MI", "Little Rock, AR", "Amarillo, TX", "Tallahassee, FL",
  "Overland Park, KS", "Chattanooga, TN", "Mobile, AL", "Fort Lauderdale, FL", "Sioux Falls, SD",
  "Springfield, MO", "Savannah, GA", "Eugene, OR", "Salem, OR", "Pasadena, CA", "Syracuse, NY",
  "Hartford, CT", "New Haven, CT", "Bridgeport, CT", "Stamford, CT", "Cambridge, MA",
  "Princeton, NJ", "Ann Arbor, MI", "Palo Alto, CA", "Berkeley, CA", "Santa Barbara, CA",
  "Santa Fe, NM", "Palmdale, CA", "Columbia, SC", "Charleston, SC", "Charleston, WV",
  "Jackson, MS", "Montgomery, AL", "Burlington, VT", "Manchester, NH", "Portland, ME",
  "Wilmington, DE", "Dover, DE", "Concord, NH", "Montpelier, VT", "Augusta, ME", "Cheyenne, WY",
  "Billings, MT", "Missoula, MT", "Fargo, ND", "Bismarck, ND", "Rapid City, SD", "Topeka, KS",
  "Lawrence, KS", "Columbia, MO", "Iowa City, IA", "Cedar Rapids, IA", "Peoria, IL",
  "Rockford, IL", "Naperville, IL", "Evanston, IL", "Green Bay, WI", "Duluth, MN",
  "Rochester, MN", "Dayton, OH", "Akron, OH", "Lansing, MI", "Kalamazoo, MI", "Bloomington, IN",
  "South Bend, IN", "Allentown, PA", "Harrisburg, PA", "Albany, NY", "Ithaca, NY", "Trenton, NJ",
  "Annapolis, MD", "Alexandria, VA", "Roanoke, VA", "Asheville, NC", "Wilmington, NC",
  "Athens, GA", "Gainesville, FL", "Pensacola, FL", "Sarasota, FL", "Tempe, AZ", "Flagstaff, AZ",
  "Provo, UT", "Santa Cruz, CA", "San Mateo, CA", "Santa Monica, CA", "Olympia, WA",
  "Fairbanks, AK", "Juneau, AK", "Galveston, TX", "Waco, TX", "Shreveport, LA", "Tuscaloosa, AL",
  "Oxford, MS", "Lafayette, LA",
]);

/**
 * 300 real US institutions, alphabetical; 112 (37.3%) begin with "University", matching the
 * paper's univ first-token baseline (37%).
 */
// deno-fmt-ignore
export const UNIVERSITIES: readonly string[] = Object.freeze([
  "American University", "Amherst College", "Appalachian State University",
  "Arizona State University", "Auburn University", "Ball State University", "Barnard College",
  "Bates College", "Baylor University", "Berklee College of Music", "Binghamton University",
  "Boise State University", "Boston College", "Boston University", "Bowdoin College",
  "Bowling Green State University", "Brandeis University", "Brigham Young University",
  "Brown University", "Bryn Mawr College", "Bucknell University", "Butler University",
  "California Institute of Technology", "California Polytechnic State University",
  "California State University, Fullerton", "California State University, Long Beach",
  "California State University, Northridge", "Carleton College", "Carnegie Mellon University",
  "Case Western Reserve University", "Catholic University of America",
  "Central Michigan University", "Chapman University", "Claremont McKenna College",
  "Clark University", "Clarkson University", "Clemson University", "Colby College",
  "Colgate University", "College of William and Mary", "College of the Holy Cross",
  "Colorado College", "Colorado School of Mines", "Colorado State University",
  "Columbia University", "Cooper Union", "Cornell University", "Creighton University",
  "Dartmouth College", "Davidson College", "DePaul University", "Dickinson College",
  "Drake University", "Drexel University", "Duke University", "East Carolina University",
  "Elon University", "Embry-Riddle Aeronautical University", "Emerson College",
  "Emory University", "Florida Atlantic University", "Florida International University",
  "Florida State University", "Fordham University", "Franklin and Marshall College",
  "Furman University", "George Mason University", "George Washington University",
  "Georgetown University", "Georgia Institute of Technology", "Georgia State University",
  "Gettysburg College", "Gonzaga University", "Grinnell College", "Hamilton College",
  "Hampton University", "Harvard University", "Harvey Mudd College", "Haverford College",
  "Hofstra University", "Howard University", "Illinois Institute of Technology",
  "Illinois State University", "Indiana University Bloomington", "Iowa State University",
  "James Madison University", "Johns Hopkins University", "Kansas State University",
  "Kent State University", "Kenyon College", "Lafayette College", "Lehigh University",
  "Louisiana State University", "Loyola Marymount University", "Loyola University Chicago",
  "Loyola University New Orleans", "Macalester College", "Marquette University",
  "Marshall University", "Massachusetts Institute of Technology", "Miami University",
  "Michigan State University", "Middlebury College", "Mississippi State University",
  "Montana State University", "Morehouse College", "Mount Holyoke College",
  "New Jersey Institute of Technology", "New Mexico State University", "New York University",
  "North Carolina State University", "Northeastern University", "Northern Arizona University",
  "Northern Illinois University", "Northwestern University", "Oberlin College",
  "Occidental College", "Ohio State University", "Ohio University", "Oklahoma State University",
  "Old Dominion University", "Oregon State University", "Pace University",
  "Pennsylvania State University", "Pepperdine University", "Pomona College",
  "Portland State University", "Princeton University", "Purdue University", "Reed College",
  "Rensselaer Polytechnic Institute", "Rhodes College", "Rice University",
  "Rochester Institute of Technology", "Rollins College", "Rose-Hulman Institute of Technology",
  "Rutgers University", "Saint Louis University", "San Diego State University",
  "San Jose State University", "Santa Clara University", "Seattle University",
  "Seton Hall University", "Skidmore College", "Smith College", "Southern Methodist University",
  "Spelman College", "Stanford University", "Stevens Institute of Technology",
  "Stony Brook University", "Swarthmore College", "Syracuse University", "Temple University",
  "Texas A&M University", "Texas Christian University", "Texas State University",
  "Texas Tech University", "The Juilliard School", "The New School", "Towson University",
  "Trinity College", "Trinity University", "Tufts University", "Tulane University",
  "Tuskegee University", "Union College", "United States Air Force Academy",
  "United States Military Academy", "United States Naval Academy", "University at Albany",
  "University at Buffalo", "University of Akron", "University of Alabama",
  "University of Alabama at Birmingham", "University of Alaska Fairbanks",
  "University of Arizona", "University of Arkansas", "University of Arkansas at Little Rock",
  "University of California, Berkeley", "University of California, Davis",
  "University of California, Irvine", "University of California, Los Angeles",
  "University of California, Merced", "University of California, Riverside",
  "University of California, San Diego", "University of California, Santa Barbara",
  "University of California, Santa Cruz", "University of Central Florida",
  "University of Chicago", "University of Cincinnati", "University of Colorado Boulder",
  "University of Colorado Colorado Springs", "University of Colorado Denver",
  "University of Connecticut", "University of Dayton", "University of Delaware",
  "University of Denver", "University of Evansville", "University of Florida",
  "University of Georgia", "University of Hartford", "University of Hawaii at Manoa",
  "University of Houston", "University of Idaho", "University of Illinois Chicago",
  "University of Illinois Urbana-Champaign", "University of Iowa", "University of Kansas",
  "University of Kentucky", "University of La Verne", "University of Louisiana at Lafayette",
  "University of Louisville", "University of Maine", "University of Maryland, Baltimore County",
  "University of Maryland, College Park", "University of Massachusetts Amherst",
  "University of Massachusetts Boston", "University of Memphis", "University of Miami",
  "University of Michigan", "University of Michigan-Dearborn", "University of Minnesota",
  "University of Minnesota Duluth", "University of Mississippi", "University of Missouri",
  "University of Missouri-Kansas City", "University of Montana", "University of Nebraska-Lincoln",
  "University of Nevada, Las Vegas", "University of Nevada, Reno", "University of New Hampshire",
  "University of New Mexico", "University of New Orleans",
  "University of North Carolina Wilmington", "University of North Carolina at Chapel Hill",
  "University of North Carolina at Charlotte", "University of North Carolina at Greensboro",
  "University of North Dakota", "University of North Florida", "University of North Texas",
  "University of Northern Colorado", "University of Northern Iowa", "University of Notre Dame",
  "University of Oklahoma", "University of Oregon", "University of Pennsylvania",
  "University of Pittsburgh", "University of Portland", "University of Puget Sound",
  "University of Redlands", "University of Rhode Island", "University of Richmond",
  "University of Rochester", "University of San Diego", "University of San Francisco",
  "University of Scranton", "University of South Alabama", "University of South Carolina",
  "University of South Dakota", "University of South Florida",
  "University of Southern California", "University of Southern Mississippi",
  "University of Tennessee", "University of Texas at Arlington", "University of Texas at Austin",
  "University of Texas at Dallas", "University of Texas at El Paso",
  "University of Texas at San Antonio", "University of Toledo", "University of Tulsa",
  "University of Utah", "University of Vermont", "University of Virginia",
  "University of Washington", "University of West Florida", "University of Wisconsin-Eau Claire",
  "University of Wisconsin-Madison", "University of Wisconsin-Milwaukee", "University of Wyoming",
  "University of the Pacific", "University of the South", "Utah State University",
  "Vanderbilt University", "Vassar College", "Villanova University",
  "Virginia Commonwealth University", "Virginia Polytechnic Institute and State University",
  "Wake Forest University", "Washington State University", "Wayne State University",
  "Wellesley College", "Wesleyan University", "West Virginia University",
  "Western Michigan University", "Whitman College", "Williams College",
  "Worcester Polytechnic Institute", "Xavier University", "Yale University", "Yeshiva University",
]);

/** 100 common college disciplines. */
// deno-fmt-ignore
export const MAJORS: readonly string[] = Object.freeze([
  "Computer Science", "Physics", "Music", "Mathematics", "Chemistry", "Biology", "Economics",
  "Psychology", "Sociology", "Anthropology", "History", "Philosophy", "English Literature",
  "Political Science", "Linguistics", "Art History", "Fine Arts", "Graphic Design",
  "Architecture", "Mechanical Engineering", "Electrical Engineering", "Civil Engineering",
  "Chemical Engineering", "Aerospace Engineering", "Biomedical Engineering",
  "Industrial Engineering", "Environmental Engineering", "Materials Science",
  "Nuclear Engineering", "Software Engineering", "Computer Engineering", "Information Technology",
  "Data Science", "Statistics", "Applied Mathematics", "Astronomy", "Geology",
  "Environmental Science", "Marine Biology", "Ecology", "Neuroscience", "Biochemistry",
  "Microbiology", "Genetics", "Nursing", "Public Health", "Nutrition", "Kinesiology", "Pharmacy",
  "Accounting", "Finance", "Marketing", "Business Administration", "Management",
  "International Business", "Entrepreneurship", "Supply Chain Management", "Human Resources",
  "Journalism", "Communications", "Film Studies", "Theater", "Dance", "Creative Writing",
  "Education", "Early Childhood Education", "Special Education", "Social Work",
  "Criminal Justice", "Criminology", "Law", "International Relations", "Public Policy",
  "Urban Planning", "Geography", "Religious Studies", "Classics", "Comparative Literature",
  "Spanish", "French", "German", "Japanese", "Chinese", "Music Theory", "Photography",
  "Animation", "Interior Design", "Fashion Design", "Industrial Design", "Agricultural Science",
  "Forestry", "Veterinary Science", "Food Science", "Hospitality Management", "Cognitive Science",
  "Gender Studies", "African American Studies", "Asian Studies", "Latin American Studies",
  "Biophysics",
]);

/**
 * 263 real companies with their US headquarters, grouped by city; 36 (13.69%) in "New York, NY"
 * (the paper's c_city majority baseline), 133 distinct cities.
 */
export const COMPANIES: readonly Company[] = Object.freeze([
  { name: "JPMorgan Chase", hq: "New York, NY" },
  { name: "Goldman Sachs", hq: "New York, NY" },
  { name: "Morgan Stanley", hq: "New York, NY" },
  { name: "Citigroup", hq: "New York, NY" },
  { name: "American Express", hq: "New York, NY" },
  { name: "Pfizer", hq: "New York, NY" },
  { name: "Verizon Communications", hq: "New York, NY" },
  { name: "MetLife", hq: "New York, NY" },
  { name: "BlackRock", hq: "New York, NY" },
  { name: "Colgate-Palmolive", hq: "New York, NY" },
  { name: "Paramount Global", hq: "New York, NY" },
  { name: "Fox Corporation", hq: "New York, NY" },
  { name: "News Corp", hq: "New York, NY" },
  { name: "Estee Lauder Companies", hq: "New York, NY" },
  { name: "Tapestry", hq: "New York, NY" },
  { name: "Ralph Lauren", hq: "New York, NY" },
  { name: "Loews Corporation", hq: "New York, NY" },
  { name: "Marsh McLennan", hq: "New York, NY" },
  { name: "Travelers Companies", hq: "New York, NY" },
  { name: "American International Group", hq: "New York, NY" },
  { name: "Interpublic Group", hq: "New York, NY" },
  { name: "Omnicom Group", hq: "New York, NY" },
  { name: "Moody's", hq: "New York, NY" },
  { name: "S&P Global", hq: "New York, NY" },
  { name: "Bank of New York Mellon", hq: "New York, NY" },
  { name: "Warner Music Group", hq: "New York, NY" },
  { name: "Macy's", hq: "New York, NY" },
  { name: "Tiffany & Company", hq: "New York, NY" },
  { name: "Nasdaq", hq: "New York, NY" },
  { name: "New York Times Company", hq: "New York, NY" },
  { name: "Bloomberg", hq: "New York, NY" },
  { name: "Peloton Interactive", hq: "New York, NY" },
  { name: "Hearst Communications", hq: "New York, NY" },
  { name: "Blackstone", hq: "New York, NY" },
  { name: "KKR", hq: "New York, NY" },
  { name: "Amazon", hq: "Seattle, WA" },
  { name: "Starbucks", hq: "Seattle, WA" },
  { name: "Nordstrom", hq: "Seattle, WA" },
  { name: "Expedia Group", hq: "Seattle, WA" },
  { name: "Microsoft", hq: "Redmond, WA" },
  { name: "Costco Wholesale", hq: "Issaquah, WA" },
  { name: "T-Mobile US", hq: "Bellevue, WA" },
  { name: "Paccar", hq: "Bellevue, WA" },
  { name: "Google", hq: "Mountain View, CA" },
  { name: "Intuit", hq: "Mountain View, CA" },
  { name: "Apple", hq: "Cupertino, CA" },
  { name: "Meta Platforms", hq: "Menlo Park, CA" },
  { name: "Adobe", hq: "San Jose, CA" },
  { name: "Cisco Systems", hq: "San Jose, CA" },
  { name: "PayPal", hq: "San Jose, CA" },
  { name: "Intel", hq: "Santa Clara, CA" },
  { name: "Nvidia", hq: "Santa Clara, CA" },
  { name: "Advanced Micro Devices", hq: "Santa Clara, CA" },
  { name: "HP", hq: "Palo Alto, CA" },
  { name: "Salesforce", hq: "San Francisco, CA" },
  { name: "Uber Technologies", hq: "San Francisco, CA" },
  { name: "Airbnb", hq: "San Francisco, CA" },
  { name: "Wells Fargo", hq: "San Francisco, CA" },
  { name: "Gap", hq: "San Francisco, CA" },
  { name: "Levi Strauss", hq: "San Francisco, CA" },
  { name: "Pinterest", hq: "San Francisco, CA" },
  { name: "Visa", hq: "San Francisco, CA" },
  { name: "Clorox", hq: "Oakland, CA" },
  { name: "Pacific Gas and Electric", hq: "Oakland, CA" },
  { name: "LinkedIn", hq: "Sunnyvale, CA" },
  { name: "Netflix", hq: "Los Gatos, CA" },
  { name: "Walt Disney Company", hq: "Burbank, CA" },
  { name: "Warner Bros Discovery", hq: "New York, NY" },
  { name: "Snap", hq: "Santa Monica, CA" },
  { name: "Mattel", hq: "El Segundo, CA" },
  { name: "Edwards Lifesciences", hq: "Irvine, CA" },
  { name: "Blizzard Entertainment", hq: "Irvine, CA" },
  { name: "Qualcomm", hq: "San Diego, CA" },
  { name: "Sempra", hq: "San Diego, CA" },
  { name: "Amgen", hq: "Thousand Oaks, CA" },
  { name: "Gilead Sciences", hq: "Foster City, CA" },
  { name: "Genentech", hq: "South San Francisco, CA" },
  { name: "Tesla", hq: "Austin, TX" },
  { name: "Whole Foods Market", hq: "Austin, TX" },
  { name: "Dell Technologies", hq: "Round Rock, TX" },
  { name: "ConocoPhillips", hq: "Houston, TX" },
  { name: "Sysco", hq: "Houston, TX" },
  { name: "Phillips 66", hq: "Houston, TX" },
  { name: "Halliburton", hq: "Houston, TX" },
  { name: "Kimberly-Clark", hq: "Irving, TX" },
  { name: "McKesson", hq: "Irving, TX" },
  { name: "AT&T", hq: "Dallas, TX" },
  { name: "Southwest Airlines", hq: "Dallas, TX" },
  { name: "Texas Instruments", hq: "Dallas, TX" },
  { name: "American Airlines Group", hq: "Fort Worth, TX" },
  { name: "Toyota Motor North America", hq: "Plano, TX" },
  { name: "Frito-Lay", hq: "Plano, TX" },
  { name: "Valero Energy", hq: "San Antonio, TX" },
  { name: "USAA", hq: "San Antonio, TX" },
  { name: "Charles Schwab", hq: "Westlake, TX" },
  { name: "ExxonMobil", hq: "Spring, TX" },
  { name: "United Airlines Holdings", hq: "Chicago, IL" },
  { name: "McDonald's", hq: "Chicago, IL" },
  { name: "Archer Daniels Midland", hq: "Chicago, IL" },
  { name: "Motorola Solutions", hq: "Chicago, IL" },
  { name: "Exelon", hq: "Chicago, IL" },
  { name: "Mondelez International", hq: "Chicago, IL" },
  { name: "Walgreens Boots Alliance", hq: "Deerfield, IL" },
  { name: "AbbVie", hq: "North Chicago, IL" },
  { name: "Allstate", hq: "Northbrook, IL" },
  { name: "Deere & Company", hq: "Moline, IL" },
  { name: "General Motors", hq: "Detroit, MI" },
  { name: "DTE Energy", hq: "Detroit, MI" },
  { name: "Ford Motor Company", hq: "Dearborn, MI" },
  { name: "BorgWarner", hq: "Auburn Hills, MI" },
  { name: "Whirlpool", hq: "Benton Harbor, MI" },
  { name: "Dow", hq: "Midland, MI" },
  { name: "Target", hq: "Minneapolis, MN" },
  { name: "General Mills", hq: "Minneapolis, MN" },
  { name: "UnitedHealth Group", hq: "Minnetonka, MN" },
  { name: "Best Buy", hq: "Richfield, MN" },
  { name: "Walmart", hq: "Bentonville, AR" },
  { name: "Tyson Foods", hq: "Springdale, AR" },
  { name: "Dillard's", hq: "Little Rock, AR" },
  { name: "Coca-Cola", hq: "Atlanta, GA" },
  { name: "Home Depot", hq: "Atlanta, GA" },
  { name: "Delta Air Lines", hq: "Atlanta, GA" },
  { name: "United Parcel Service", hq: "Atlanta, GA" },
  { name: "Southern Company", hq: "Atlanta, GA" },
  { name: "Aflac", hq: "Columbus, GA" },
  { name: "Bank of America", hq: "Charlotte, NC" },
  { name: "Honeywell", hq: "Charlotte, NC" },
  { name: "Duke Energy", hq: "Charlotte, NC" },
  { name: "Truist Financial", hq: "Charlotte, NC" },
  { name: "Lowe's", hq: "Mooresville, NC" },
  { name: "Red Hat", hq: "Raleigh, NC" },
  { name: "Hanesbrands", hq: "Winston-Salem, NC" },
  { name: "SAS Institute", hq: "Cary, NC" },
  { name: "IQVIA", hq: "Durham, NC" },
  { name: "Altria Group", hq: "Richmond, VA" },
  { name: "Dominion Energy", hq: "Richmond, VA" },
  { name: "CarMax", hq: "Richmond, VA" },
  { name: "Capital One", hq: "McLean, VA" },
  { name: "Hilton Worldwide", hq: "McLean, VA" },
  { name: "Mars", hq: "McLean, VA" },
  { name: "Boeing", hq: "Arlington, VA" },
  { name: "RTX", hq: "Arlington, VA" },
  { name: "General Dynamics", hq: "Reston, VA" },
  { name: "Leidos", hq: "Reston, VA" },
  { name: "Northrop Grumman", hq: "Falls Church, VA" },
  { name: "Lockheed Martin", hq: "Bethesda, MD" },
  { name: "Marriott International", hq: "Bethesda, MD" },
  { name: "Under Armour", hq: "Baltimore, MD" },
  { name: "Constellation Energy", hq: "Baltimore, MD" },
  { name: "Fannie Mae", hq: "Washington, DC" },
  { name: "Danaher", hq: "Washington, DC" },
  { name: "Carlyle Group", hq: "Washington, DC" },
  { name: "State Street", hq: "Boston, MA" },
  { name: "Liberty Mutual", hq: "Boston, MA" },
  { name: "New Balance", hq: "Boston, MA" },
  { name: "Fidelity Investments", hq: "Boston, MA" },
  { name: "Moderna", hq: "Cambridge, MA" },
  { name: "Biogen", hq: "Cambridge, MA" },
  { name: "HubSpot", hq: "Cambridge, MA" },
  { name: "Thermo Fisher Scientific", hq: "Waltham, MA" },
  { name: "TJX Companies", hq: "Framingham, MA" },
  { name: "Staples", hq: "Framingham, MA" },
  { name: "Boston Scientific", hq: "Marlborough, MA" },
  { name: "Aetna", hq: "Hartford, CT" },
  { name: "Hartford Financial Services Group", hq: "Hartford, CT" },
  { name: "Synchrony Financial", hq: "Stamford, CT" },
  { name: "Charter Communications", hq: "Stamford, CT" },
  { name: "Interactive Brokers", hq: "Greenwich, CT" },
  { name: "Xerox", hq: "Norwalk, CT" },
  { name: "Johnson & Johnson", hq: "New Brunswick, NJ" },
  { name: "Merck", hq: "Rahway, NJ" },
  { name: "Prudential Financial", hq: "Newark, NJ" },
  { name: "Public Service Enterprise Group", hq: "Newark, NJ" },
  { name: "Zoetis", hq: "Parsippany, NJ" },
  { name: "Becton Dickinson", hq: "Franklin Lakes, NJ" },
  { name: "Bristol Myers Squibb", hq: "Princeton, NJ" },
  { name: "Comcast", hq: "Philadelphia, PA" },
  { name: "Aramark", hq: "Philadelphia, PA" },
  { name: "Urban Outfitters", hq: "Philadelphia, PA" },
  { name: "PNC Financial Services", hq: "Pittsburgh, PA" },
  { name: "United States Steel", hq: "Pittsburgh, PA" },
  { name: "Kraft Heinz", hq: "Pittsburgh, PA" },
  { name: "PPG Industries", hq: "Pittsburgh, PA" },
  { name: "Hershey Company", hq: "Hershey, PA" },
  { name: "PPL Corporation", hq: "Allentown, PA" },
  { name: "Air Products", hq: "Allentown, PA" },
  { name: "Procter & Gamble", hq: "Cincinnati, OH" },
  { name: "Kroger", hq: "Cincinnati, OH" },
  { name: "Fifth Third Bancorp", hq: "Cincinnati, OH" },
  { name: "Nationwide Mutual Insurance", hq: "Columbus, OH" },
  { name: "Bath & Body Works", hq: "Columbus, OH" },
  { name: "Cardinal Health", hq: "Dublin, OH" },
  { name: "Wendy's", hq: "Dublin, OH" },
  { name: "Goodyear Tire and Rubber", hq: "Akron, OH" },
  { name: "FirstEnergy", hq: "Akron, OH" },
  { name: "Sherwin-Williams", hq: "Cleveland, OH" },
  { name: "KeyCorp", hq: "Cleveland, OH" },
  { name: "Progressive Corporation", hq: "Mayfield Village, OH" },
  { name: "Eli Lilly", hq: "Indianapolis, IN" },
  { name: "Elevance Health", hq: "Indianapolis, IN" },
  { name: "Cummins", hq: "Columbus, IN" },
  { name: "Humana", hq: "Louisville, KY" },
  { name: "Yum Brands", hq: "Louisville, KY" },
  { name: "HCA Healthcare", hq: "Nashville, TN" },
  { name: "Dollar General", hq: "Goodlettsville, TN" },
  { name: "FedEx", hq: "Memphis, TN" },
  { name: "International Paper", hq: "Memphis, TN" },
  { name: "AutoZone", hq: "Memphis, TN" },
  { name: "Tractor Supply Company", hq: "Brentwood, TN" },
  { name: "Regions Financial", hq: "Birmingham, AL" },
  { name: "CSX", hq: "Jacksonville, FL" },
  { name: "Lennar", hq: "Miami, FL" },
  { name: "Carnival Corporation", hq: "Miami, FL" },
  { name: "Royal Caribbean Group", hq: "Miami, FL" },
  { name: "NextEra Energy", hq: "Juno Beach, FL" },
  { name: "Publix Super Markets", hq: "Lakeland, FL" },
  { name: "Darden Restaurants", hq: "Orlando, FL" },
  { name: "Newmont", hq: "Denver, CO" },
  { name: "DaVita", hq: "Denver, CO" },
  { name: "Western Union", hq: "Denver, CO" },
  { name: "Berkshire Hathaway", hq: "Omaha, NE" },
  { name: "Union Pacific", hq: "Omaha, NE" },
  { name: "Mutual of Omaha", hq: "Omaha, NE" },
  { name: "Freeport-McMoRan", hq: "Phoenix, AZ" },
  { name: "Republic Services", hq: "Phoenix, AZ" },
  { name: "Avnet", hq: "Phoenix, AZ" },
  { name: "Carvana", hq: "Tempe, AZ" },
  { name: "MGM Resorts International", hq: "Las Vegas, NV" },
  { name: "Las Vegas Sands", hq: "Las Vegas, NV" },
  { name: "Caesars Entertainment", hq: "Reno, NV" },
  { name: "Nike", hq: "Beaverton, OR" },
  { name: "Columbia Sportswear", hq: "Portland, OR" },
  { name: "Micron Technology", hq: "Boise, ID" },
  { name: "Albertsons", hq: "Boise, ID" },
  { name: "H&R Block", hq: "Kansas City, MO" },
  { name: "Hallmark Cards", hq: "Kansas City, MO" },
  { name: "Garmin", hq: "Olathe, KS" },
  { name: "Koch Industries", hq: "Wichita, KS" },
  { name: "Rockwell Automation", hq: "Milwaukee, WI" },
  { name: "Harley-Davidson", hq: "Milwaukee, WI" },
  { name: "Northwestern Mutual", hq: "Milwaukee, WI" },
  { name: "Principal Financial Group", hq: "Des Moines, IA" },
  { name: "Devon Energy", hq: "Oklahoma City, OK" },
  { name: "Williams Companies", hq: "Tulsa, OK" },
  { name: "ONEOK", hq: "Tulsa, OK" },
  { name: "Textron", hq: "Providence, RI" },
  { name: "Citizens Financial Group", hq: "Providence, RI" },
  { name: "CVS Health", hq: "Woonsocket, RI" },
  { name: "DuPont", hq: "Wilmington, DE" },
  { name: "Chemours", hq: "Wilmington, DE" },
  { name: "Paychex", hq: "Rochester, NY" },
  { name: "IBM", hq: "Armonk, NY" },
  { name: "PepsiCo", hq: "Purchase, NY" },
  { name: "Mastercard", hq: "Purchase, NY" },
  { name: "Etsy", hq: "Brooklyn, NY" },
  { name: "Corning", hq: "Corning, NY" },
  { name: "Regeneron Pharmaceuticals", hq: "Tarrytown, NY" },
  { name: "Chipotle Mexican Grill", hq: "Newport Beach, CA" },
  { name: "Live Nation Entertainment", hq: "Beverly Hills, CA" },
  { name: "Safeway", hq: "Pleasanton, CA" },
  { name: "Workday", hq: "Pleasanton, CA" },
  { name: "Lam Research", hq: "Fremont, CA" },
  { name: "Public Storage", hq: "Glendale, CA" },
]);

/** Company name to headquarters city, so c_city can be derived from c_name. */
export const COMPANY_HQ: ReadonlyMap<string, string> = new Map(
  COMPANIES.map((c) => [c.name, c.hq]),
);

/** The pools that {@linkcode validatePools} checks; defaults to this module's pools. */
export interface Pools {
  first: readonly string[];
  middle: readonly string[];
  last: readonly string[];
  b_city: readonly string[];
  univ: readonly string[];
  major: readonly string[];
  c_name: readonly Company[];
  months: readonly string[];
}

/** This module's pools in the shape {@linkcode validatePools} takes. */
export const DEFAULT_POOLS: Readonly<Pools> = Object.freeze({
  first: FIRST_NAMES,
  middle: MIDDLE_NAMES,
  last: LAST_NAMES,
  b_city: BIRTH_CITIES,
  univ: UNIVERSITIES,
  major: MAJORS,
  c_name: COMPANIES,
  months: MONTHS,
});

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const ENDS_WITH_PUNCTUATION = /[!-/:-@[-`{-~]$/;
const NAME_WORD = /^[A-Z][A-Za-z]*$/;
const CITY_STATE = /^[A-Z][A-Za-z]*(?:[ -][A-Z][A-Za-z]*)*, ([A-Z]{2})$/;

function fail(pool: string, value: unknown, why: string): never {
  throw new Error(`pool ${pool}: value ${JSON.stringify(value)} ${why}`);
}

/** Checks the constraints shared by every value: these keep its GPT-2 tokens stable in context. */
function checkValue(pool: string, value: string): void {
  if (typeof value !== "string" || value.length === 0) {
    fail(pool, value, "is not a non-empty string");
  }
  if (!PRINTABLE_ASCII.test(value)) fail(pool, value, "has a non-printable or non-ASCII character");
  if (value.includes(".")) fail(pool, value, 'contains "."');
  if (value !== value.trim()) fail(pool, value, "has leading or trailing whitespace");
  if (value.includes("  ")) fail(pool, value, "contains a double space");
  if (ENDS_WITH_PUNCTUATION.test(value)) fail(pool, value, "ends with a punctuation character");
}

function checkCity(pool: string, value: string): void {
  const m = CITY_STATE.exec(value);
  if (!m) fail(pool, value, 'is not of the form "City, ST"');
  if (!US_STATE_CODES.has(m[1])) fail(pool, value, `has an unknown state code ${m[1]}`);
}

function checkPool(
  pool: string,
  values: readonly string[],
  size: number | undefined,
  extra?: (pool: string, value: string) => void,
): void {
  if (size !== undefined && values.length !== size) {
    throw new Error(`pool ${pool}: has ${values.length} values, expected ${size}`);
  }
  const seen = new Set<string>();
  for (const v of values) {
    checkValue(pool, v);
    extra?.(pool, v);
    if (seen.has(v)) fail(pool, v, "is duplicated");
    seen.add(v);
  }
}

/**
 * Throws an Error naming the pool and the offending value if any pool breaks a constraint:
 * paper size, uniqueness, printable ASCII, no ".", no outer or double spaces, no trailing
 * punctuation; names are single capitalized words; cities and HQs are "City, ST" with a real code.
 */
export function validatePools(pools: Pools = DEFAULT_POOLS): void {
  const name = (pool: string, v: string) => {
    if (!NAME_WORD.test(v)) fail(pool, v, "is not a single capitalized word of ASCII letters");
  };
  checkPool("first", pools.first, POOL_SIZES.first, name);
  checkPool("middle", pools.middle, POOL_SIZES.middle, name);
  checkPool("last", pools.last, POOL_SIZES.last, name);
  checkPool("b_city", pools.b_city, POOL_SIZES.b_city, checkCity);
  checkPool("univ", pools.univ, POOL_SIZES.univ);
  checkPool("major", pools.major, POOL_SIZES.major);
  checkPool("months", pools.months, 12, name);
  checkPool("c_name", pools.c_name.map((c) => c.name), POOL_SIZES.c_name);
  for (const c of pools.c_name) {
    checkValue("c_city", c.hq);
    checkCity("c_city", c.hq);
  }
}
