//! Text of generated posts and plans: Dutch and English words of a
//! neighbourhood, some hashtags, now and then the word searched for.

use super::super::rng::Rng;

const NL: &[&str] = &[
    "de",
    "het",
    "een",
    "buurt",
    "straat",
    "plein",
    "fiets",
    "bankje",
    "bomen",
    "speeltuin",
    "morgen",
    "vandaag",
    "samen",
    "koffie",
    "markt",
    "school",
    "kinderen",
    "licht",
    "parkeren",
    "verkeer",
    "stoep",
    "gemeente",
    "bewoners",
    "avond",
    "zaterdag",
    "mooi",
    "druk",
    "rustig",
    "veilig",
    "groen",
    "water",
    "brug",
    "hoek",
    "winkel",
    "bakker",
    "vergadering",
    "idee",
    "voorstel",
    "wij",
    "jullie",
    "graag",
    "helpen",
    "opruimen",
    "zwerfafval",
    "tuin",
    "bloemen",
    "lantaarnpaal",
    "oversteken",
    "bus",
    "tram",
    "wandeling",
    "hond",
    "geluid",
    "feest",
];

const EN: &[&str] = &[
    "the",
    "a",
    "street",
    "square",
    "bike",
    "bench",
    "trees",
    "playground",
    "tomorrow",
    "today",
    "together",
    "coffee",
    "market",
    "school",
    "children",
    "light",
    "parking",
    "traffic",
    "pavement",
    "council",
    "neighbours",
    "evening",
    "saturday",
    "nice",
    "busy",
    "quiet",
    "safe",
    "green",
    "water",
    "bridge",
    "corner",
    "shop",
    "bakery",
    "meeting",
    "idea",
    "proposal",
    "help",
    "litter",
    "garden",
    "flowers",
    "crossing",
    "walk",
    "dog",
    "noise",
    "party",
];

/// `count` words, Dutch or English.
pub fn words(rng: &mut Rng, count: usize, english: bool) -> String {
    let list = if english { EN } else { NL };
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        out.push(list[rng.below(list.len())]);
    }
    out.join(" ")
}

/// A post's HTML: a paragraph of words, hashtags linked as Mastodon does.
pub fn post_html(base_url: &str, text: &str, tags: &[&str]) -> String {
    let links: Vec<String> = tags
        .iter()
        .map(|t| {
            format!(
                "<a href=\"{base_url}/tags/{t}\" class=\"mention hashtag\" rel=\"tag\">#<span>{t}</span></a>"
            )
        })
        .collect();
    if links.is_empty() {
        format!("<p>{text}</p>")
    } else {
        format!("<p>{text} {}</p>", links.join(" "))
    }
}
