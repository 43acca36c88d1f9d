"""German. Fillers come in the case their template needs (nominative, accusative, dative lists), and every
connector keeps main-clause word order (aber, und, denn, doch), so no slot ever has to move its verb."""

from __future__ import annotations

import random

from num2words import num2words

from .numbers import digits_or_words, words, year, year_words

L = "de"

FIXED = [
    "Der kleine Hund schläft friedlich auf dem Sofa im Wohnzimmer.",
    "Könnten Sie bitte etwas langsamer sprechen?",
    "Wir haben fast eine Stunde auf den Bus gewartet, aber er ist nie gekommen.",
    "Meine Großmutter ist auf einem kleinen Bauernhof in den Bergen aufgewachsen.",
    "Gibt es hier in der Nähe eine Apotheke, die noch geöffnet hat?",
    "Die Kinder bauten gerade eine Sandburg, als die Flut kam.",
    "Er lernt seit drei Jahren Klavier und spielt schon richtig gut.",
    "Vielen Dank für die Blumen, sie sind wunderschön.",
    "Das Konzert wurde wegen des Gewitters abgesagt.",
    "Nach dem Abendessen haben wir einen langen Spaziergang am Strand gemacht.",
    "Niemand weiß genau, wie alt die Eiche auf dem Marktplatz ist.",
    "Tut mir leid, der Arzt hat erst nächsten Donnerstag wieder einen Termin frei.",
    "Mach bitte das Licht aus, wenn du den Raum verlässt.",
    "Unser Flug hatte Verspätung, deshalb haben wir den Anschluss in Frankfurt verpasst.",
    "Was würdest du machen, wenn du eine Reise um die Welt gewinnen würdest?",
    "Für das Rezept braucht man zwei Tassen Mehl und eine Prise Salz.",
    "Es hat sechs Monate gedauert, die alte Brücke zu reparieren.",
    "Von welchem Gleis fährt der Zug nach Hamburg ab?",
    "Ehrlich gesagt fand ich die erste Version des Liedes besser.",
    "In der Stadtbibliothek kann man auch Werkzeug ausleihen.",
    "Warum treffen wir uns nicht um sieben vor dem Kino?",
    "Jeden Herbst färben sich die Blätter im Park rot und golden.",
    "Bitte unterschreiben Sie das Formular, bevor Sie es abgeben.",
    "Mein Handy ist mitten im Gespräch ausgegangen.",
    "Die Suppe braucht noch ein bisschen Pfeffer, findest du nicht?",
    "Wir wollen die Küche in einem hellen Grün streichen.",
    "Wie viele Sprachen sprechen Sie?",
    "Sie hat etwas geflüstert, aber ich konnte es nicht verstehen.",
    "Ein starker Windstoß hat ihm den Regenschirm aus der Hand gerissen.",
    "Die neuen Nachbarn haben uns am Sonntag zum Grillen eingeladen.",
    "Wir müssen uns nicht beeilen, der Laden hat bis neun Uhr geöffnet.",
    "So viele Sterne habe ich noch nie am Himmel gesehen.",
    "Können Sie mir sagen, wie ich zur nächsten U-Bahn-Station komme?",
    "Heute Nacht soll es schneien, also fahr bitte vorsichtig.",
    "Vom Hotelzimmer aus hatte man einen herrlichen Blick auf den Hafen.",
    "Sag mir Bescheid, wenn du gut zu Hause angekommen bist.",
    "Trinkst du lieber Tee oder Kaffee?",
    "Der Drucker im zweiten Stock hat schon wieder kein Papier.",
    "Hätte ich von dem Stau gewusst, hätte ich den Zug genommen.",
    "Das Baby ist endlich eingeschlafen, nachdem wir zwanzig Minuten lang gesungen hatten.",
    "Wasser kocht auf Meereshöhe bei hundert Grad.",
    "Der Stadtrat hat beschlossen, neben der Schule einen Spielplatz zu bauen.",
    "Wir sollten morgen früh losfahren, um dem Berufsverkehr zu entgehen.",
    "Entschuldigung, ich glaube, Sie haben sich verwählt.",
    "Die Katze ist auf den Tisch gesprungen und hat ein Glas Milch umgeworfen.",
    "Können Sie mir ein gutes Restaurant in der Gegend empfehlen?",
    "Es ist das erste Mal, dass ich selbst Brot backe.",
    "Warte kurz, ich suche meine Brille.",
    "Sie haben den ganzen Nachmittag nach dem entlaufenen Welpen gesucht.",
    "Bitte bewahren Sie Ihre Fahrkarte bis zum Ende der Fahrt auf.",
    "Nach so einem trockenen Sommer hoffen die Bauern auf Regen.",
    "Wo genau hast du dein Fahrrad abgestellt?",
    "An einem heißen Tag gibt es nichts Besseres als eine kalte Limonade.",
    "Der Film war viel länger als erwartet, aber er hat mir gut gefallen.",
    "Bevor du über die Straße gehst, schau nach links und rechts.",
    "Ich möchte bitte einen Tisch für vier Personen um acht Uhr reservieren.",
    "Der Zug war so voll, dass wir die ganze Fahrt stehen mussten.",
    "Guten Morgen, meine Damen und Herren, und herzlich willkommen zur Jahresversammlung.",
    "Kannst du kurz auf meine Tasche aufpassen, während ich einen Kaffee hole?",
    "Was für eine schöne Überraschung, dich hier zu sehen!",
    "Vorsicht, der Boden ist noch nass.",
    "Bist du sicher, dass du die Hintertür abgeschlossen hast?",
    "Bei klarem Wetter sieht man vom Turm aus die Alpen.",
    "Normalerweise gehe ich vor dem Frühstück joggen, außer wenn es regnet.",
    "Der Bäcker an der Ecke backt die besten Brötchen der Stadt.",
    "Heute Morgen habe ich meinen Regenschirm in der Straßenbahn vergessen.",
    "Die Sommerferien beginnen dieses Jahr Anfang Juli.",
    "Hast du schon einmal den Zwetschgenkuchen von meiner Tante probiert?",
    "Das Museum ist dienstags geschlossen, lass uns lieber am Mittwoch hingehen.",
    "Fünf Minuten vor der Abfahrt sprang er noch schnell in den Zug.",
]

SHORT = [
    "Ja.", "Nein.", "Vielleicht.", "Danke.", "Vielen Dank.", "Hallo.", "Guten Morgen.", "Guten Tag.",
    "Guten Abend.", "Gute Nacht.", "Auf Wiedersehen.", "Tschüss!", "Bis bald.", "Bis morgen.", "Entschuldigung.",
    "Es tut mir leid.", "Kein Problem.", "Natürlich.", "Warum nicht?", "Wirklich?", "Bist du sicher?",
    "Noch nicht.", "Fast fertig.", "Gut gemacht!", "Herzlichen Glückwunsch!", "Alles Gute zum Geburtstag!",
    "Prost!", "Vorsicht!", "Hilfe!", "Herein.", "Setzen Sie sich bitte.", "Warte hier.", "Komm mit.",
    "Beeil dich!", "Pass auf dich auf.", "Viel Glück!", "Freut mich.", "Wie geht's?", "Mir geht's gut.",
    "Wie spät ist es?", "Wo bist du?", "Wer ist da?", "Los geht's.", "Ich auch.", "Einverstanden.",
    "Auf keinen Fall.", "Genau.", "Schon gut.", "Mach nur.", "Gute Idee.", "Zu spät.", "Nicht schlecht.",
    "Sehr gut.", "Perfekt.", "Bitte.", "Einen Kaffee, bitte.", "Die Rechnung, bitte.", "Zwei Fahrkarten.",
    "Gleis neun.", "Zimmer zwölf.", "Montagmorgen.", "Nächste Woche.", "Sofort.", "Morgen Abend.", "Später.",
    "Manchmal.", "Immer.", "Nie.", "Hier.", "Da drüben.", "Geradeaus.", "Links.", "Rechts.", "Halt!",
    "Hör zu.", "Schau mal!", "Ruhe, bitte.", "Guten Appetit!", "Gute Reise!", "Ruf mich an.", "Oh nein!",
    "Toll!", "Ich verstehe.", "Alles klar.", "Einen Moment.", "Berlin.", "München.", "Siebzehn.", "Hundert.",
    "Frisches Brot.", "Blauer Himmel.", "Kaltes Wasser.", "Grüner Tee.", "Schokoladenkuchen.", "Apfelsaft.",
    "Die Küche.", "Der Bahnhof.", "Meine Schlüssel.", "Du bist dran.", "Frohes neues Jahr!", "Mach die Tür zu.",
    "Mach das Fenster auf.", "Klingt gut.", "Gute Frage.", "Schönes Wochenende!", "Gern geschehen.",
    "Keine Ahnung.", "Na klar!", "Gesundheit!",
]  # fmt: skip

MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]  # fmt: skip


def _time(rng: random.Random) -> str:
    h = rng.randint(1, 12)
    nxt = h % 12 + 1
    hw = "eins" if h == 1 else words(h, L)
    form = rng.randrange(6)
    if form == 0:
        return f"{'ein' if h == 1 else hw} Uhr"
    if form == 1:
        return f"halb {'eins' if nxt == 1 else words(nxt, L)}"
    if form == 2:
        return f"Viertel nach {hw}"
    if form == 3:
        return f"Viertel vor {'eins' if nxt == 1 else words(nxt, L)}"
    if form == 4:
        return "Mitternacht"
    h24 = rng.randint(6, 22)
    m = rng.choice([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55])
    return f"{words(h24, L)} Uhr {words(m, L)}"


def _date(rng: random.Random) -> str:
    m = rng.choice(MONTHS)
    d = rng.randint(1, 28 if m == "Februar" else 30)
    ordw = num2words(d, lang="de", to="ordinal") + "n"  # dative after "am": am dritten März
    if rng.random() < 0.3:
        return f"{ordw} {m} {year_words(rng.randint(1990, 2030), L)}"
    return f"{ordw} {m}"


def _price(rng: random.Random) -> str:
    e = rng.choice([2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 18, 20, 25, 30, 45, 60, 75, 99, 120, 250, 1200])
    c = rng.choice([0, 0, 0, 10, 20, 50, 80, 90, 95])
    if rng.random() < 0.4:
        return f"{e} Euro" + (f" {c}" if c else "")
    return f"{words(e, L)} Euro" + (f" {words(c, L)}" if c else "")


def _digits(rng: random.Random) -> str:
    names = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
    return " ".join(rng.choice(names) for _ in range(rng.randint(3, 6)))


def _arith(rng: random.Random) -> str:
    a, b = rng.randint(2, 50), rng.randint(2, 50)
    op = rng.randrange(3)
    if op == 0:
        return f"{words(a, L)} plus {words(b, L)} ist {words(a + b, L)}"
    if op == 1:
        a, b = max(a, b), min(a, b)
        return f"{words(a, L)} minus {words(b, L)} ist {words(a - b, L)}"
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    return f"{words(a, L)} mal {words(b, L)} ist {words(a * b, L)}"


DYNAMIC = {
    "n_small": lambda r: digits_or_words(r, r.randint(2, 20), L),
    "n_big": lambda r: digits_or_words(r, r.choice([r.randint(21, 99), r.randint(100, 999), r.randint(1000, 9999)]), L),
    "n_years": lambda r: words(r.randint(2, 40), L),
    "year": lambda r: year(r, L),
    "date": _date,
    "time": _time,
    "price": _price,
    "digits": _digits,
    "arith": _arith,
    "temp": lambda r: digits_or_words(r, r.randint(2, 38), L),
    "pct": lambda r: digits_or_words(r, r.choice(range(5, 100, 5)), L),
    "room": lambda r: str(r.randint(101, 950)),
    "floor": lambda r: r.choice(
        ["ersten", "zweiten", "dritten", "vierten", "fünften", "sechsten", "siebten", "achten", "neunten", "zehnten"]
    ),  # fmt: skip
}

# Places as parallel lists: nominative, dative after a preposition, and "to" (zum/zur).
_PLACES = [
    ("der Bahnhof", "dem Bahnhof", "zum Bahnhof", "am Bahnhof"),
    ("die Bibliothek", "der Bibliothek", "zur Bibliothek", "in der Bibliothek"),
    ("die Post", "der Post", "zur Post", "bei der Post"),
    ("der Flughafen", "dem Flughafen", "zum Flughafen", "am Flughafen"),
    ("das Museum", "dem Museum", "zum Museum", "im Museum"),
    ("das Krankenhaus", "dem Krankenhaus", "zum Krankenhaus", "vor dem Krankenhaus"),
    ("die Bäckerei", "der Bäckerei", "zur Bäckerei", "in der Bäckerei"),
    ("der Supermarkt", "dem Supermarkt", "zum Supermarkt", "im Supermarkt"),
    ("das Rathaus", "dem Rathaus", "zum Rathaus", "vor dem Rathaus"),
    ("die Bushaltestelle", "der Bushaltestelle", "zur Bushaltestelle", "an der Bushaltestelle"),
    ("der Park", "dem Park", "zum Park", "im Park"),
    ("die Apotheke", "der Apotheke", "zur Apotheke", "vor der Apotheke"),
    ("das Stadion", "dem Stadion", "zum Stadion", "am Stadion"),
    ("der Strand", "dem Strand", "zum Strand", "am Strand"),
    ("der Marktplatz", "dem Marktplatz", "zum Marktplatz", "auf dem Marktplatz"),
    ("die Bank", "der Bank", "zur Bank", "vor der Bank"),
    ("das Schwimmbad", "dem Schwimmbad", "zum Schwimmbad", "im Schwimmbad"),
    ("die Tankstelle", "der Tankstelle", "zur Tankstelle", "an der Tankstelle"),
    ("die Buchhandlung", "der Buchhandlung", "zur Buchhandlung", "in der Buchhandlung"),
    ("der Hafen", "dem Hafen", "zum Hafen", "am Hafen"),
    ("der Zoo", "dem Zoo", "zum Zoo", "im Zoo"),
    ("das Kino", "dem Kino", "zum Kino", "im Kino"),
]

SLOTS = {
    "name_m": ["Lukas", "Felix", "Jonas", "Maximilian", "Paul", "Leon", "Tobias", "Stefan", "Michael", "Jan",
               "Florian", "Sebastian", "Matthias", "Andreas", "Thomas", "Moritz", "Benedikt", "Emre", "Julian",
               "Karl"],
    "name_f": ["Anna", "Lena", "Sophie", "Laura", "Julia", "Hannah", "Katharina", "Marie", "Lisa", "Sarah",
               "Johanna", "Clara", "Franziska", "Leonie", "Miriam", "Greta", "Ayşe", "Paula", "Charlotte",
               "Ines"],
    "name": ["{name_m}", "{name_f}"],
    "city": ["Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Düsseldorf", "Leipzig",
             "Dresden", "Bremen", "Hannover", "Nürnberg", "Freiburg", "Heidelberg", "Münster", "Rostock",
             "Wien", "Graz", "Salzburg", "Innsbruck", "Zürich", "Bern", "Basel", "Luzern", "Paris", "Rom",
             "Prag", "Kopenhagen", "Amsterdam", "Istanbul"],
    "day": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
    "when": ["morgen", "nächste Woche", "am {day}", "am Wochenende", "heute Abend", "nächsten Monat",
             "am {day}vormittag", "am {day}nachmittag", "nach dem Mittagessen", "im Frühling", "Ende des Monats",
             "am {date}"],
    "place_nom": [p[0] for p in _PLACES],
    "place_dat": [p[1] for p in _PLACES],
    "to_place": [p[2] for p in _PLACES],
    "at_place": [p[3] for p in _PLACES],
    "item_pl": ["Äpfel", "Orangen", "Fahrkarten", "Bücher", "Stühle", "Kerzen", "Flaschen Wasser", "Brote",
                "Eier", "Umschläge", "Bleistifte", "Teller", "Tassen", "Handtücher", "Batterien", "Tomaten",
                "Zitronen", "Briefmarken", "Hefte", "Decken", "Kissen", "Glühbirnen", "Bananen", "Dosen Suppe",
                "Kisten", "Blumen", "Gabeln", "Luftballons", "Postkarten", "Brezeln"],
    "food": ["Suppe", "Reis", "Nudeln", "Brot", "Käse", "Salat", "Fisch", "Hähnchen", "Kaffee", "Tee",
             "Orangensaft", "Schokoladenkuchen", "Eis", "Kartoffelpüree", "Apfelstrudel", "Limonade",
             "heiße Schokolade", "Erdbeeren", "Pfannkuchen", "Sauerkraut"],
    "hobby": ["liest", "schwimmt", "kocht", "malt", "joggt", "tanzt", "singt", "wandert", "fährt Rad", "angelt",
              "strickt", "backt", "klettert", "segelt", "fährt Ski", "spielt Schach", "spielt Gitarre",
              "fotografiert", "gärtnert", "spielt Fußball"],
    "activity": ["Lesen", "Schwimmen", "Kochen", "Malen", "Joggen", "Tanzen", "Singen", "Wandern", "Radfahren",
                 "Angeln", "Stricken", "Backen", "Klettern", "Segeln", "Skifahren", "Schach", "Fotografieren"],
    "task": ["die Haustür abschließen", "deine Mutter anrufen", "Milch kaufen", "die Pflanzen gießen",
             "die Katze füttern", "die Rechnung verschicken", "die Fahrkarten buchen", "dein Handy aufladen",
             "den Müll rausbringen", "die Stromrechnung bezahlen", "die Bücher zurückbringen",
             "den Ofen ausschalten", "einen Regenschirm mitnehmen", "den Reifendruck prüfen",
             "die Kinder von der Schule abholen", "die Fenster oben schließen", "die Adresse aufschreiben",
             "die Bordkarten ausdrucken", "den Zahnarzttermin absagen", "mit dem Hund rausgehen",
             "den Wecker stellen", "{name} zur Party einladen"],
    "task_zu": ["die Haustür abzuschließen", "deine Mutter anzurufen", "Milch zu kaufen", "die Pflanzen zu gießen",
                "die Katze zu füttern", "die Rechnung zu verschicken", "die Fahrkarten zu buchen",
                "dein Handy aufzuladen", "den Müll rauszubringen", "die Stromrechnung zu bezahlen",
                "die Bücher zurückzubringen", "den Ofen auszuschalten", "einen Regenschirm mitzunehmen",
                "die Kinder von der Schule abzuholen", "die Fenster oben zu schließen", "die Adresse aufzuschreiben",
                "die Bordkarten auszudrucken", "den Zahnarzttermin abzusagen", "den Wecker zu stellen",
                "{name} zur Party einzuladen", "{name} für das Geschenk zu danken"],
    "past": ["den Bericht fertig geschrieben", "die Küche geputzt", "das alte Schloss besichtigt",
             "den letzten Bus verpasst", "einen alten Film gesehen", "das Fahrrad repariert", "Brot gebacken",
             "Tomaten gepflanzt", "die Autoschlüssel verloren", "auf der Straße ein Portemonnaie gefunden",
             "ein neues Lied gelernt", "den Zaun gestrichen", "einen langen Brief geschrieben",
             "{name} {at_place} getroffen", "für sechs Personen gekocht", "den tropfenden Wasserhahn repariert",
             "einen neuen Mantel gekauft", "das alte Klavier verkauft", "den ganzen Tag in {city} verbracht",
             "vergessen, {task_zu}"],
    "clause": ["der Laden war schon geschlossen", "niemand ist ans Telefon gegangen", "es fing an zu regnen",
               "die Kinder schliefen noch", "der Kaffee war alle", "die Straße war gesperrt",
               "der Bus kam zu spät", "meine Schwester hat aus {city} angerufen", "{name} hat die Schlüssel vergessen",
               "die Besprechung dauerte länger als geplant", "plötzlich ging das Licht aus",
               "die Suppe war zu salzig", "das Museum war am {day} kostenlos", "der Drucker funktionierte nicht mehr",
               "alle redeten durcheinander", "der Zug war total voll", "die Karten waren ausverkauft",
               "das Wetter war herrlich", "der Hund hat die ganze Nacht gebellt", "das Wasser war eiskalt",
               "wir haben uns unterwegs verlaufen", "die Aussicht war wunderschön", "{name} wartete {at_place}",
               "die Heizung ist ausgefallen", "der Kuchen war köstlich", "die Straßen waren voller Schnee",
               "das Konzert begann eine Stunde zu spät", "die Katze hat sich unter dem Bett versteckt",
               "der neue Chef wirkte freundlich", "mein Laptop ist schon wieder abgestürzt"],
    "connector": ["aber", "und", "denn", "doch"],
    "relation": ["Nachbarn", "Kollegen", "Freunde", "Mitbewohner", "Geschäftspartner", "Klassenkameraden"],
    "job_m": ["Krankenpfleger", "Ingenieur", "Lehrer", "Bäcker", "Pilot", "Anwalt", "Landwirt", "Architekt",
              "Journalist", "Zahnarzt", "Feuerwehrmann", "Musiker", "Bibliothekar", "Mechaniker", "Koch",
              "Elektriker", "Gärtner", "Übersetzer", "Fotograf", "Busfahrer"],
    "job_f": ["Krankenpflegerin", "Ingenieurin", "Lehrerin", "Bäckerin", "Pilotin", "Anwältin", "Landwirtin",
              "Architektin", "Journalistin", "Zahnärztin", "Musikerin", "Bibliothekarin", "Mechanikerin", "Köchin",
              "Elektrikerin", "Gärtnerin", "Übersetzerin", "Fotografin", "Busfahrerin", "Tierärztin"],
    "relative_m": ["Bruder", "Onkel", "Cousin", "Nachbar", "bester Freund", "Vater", "Großvater", "Sohn"],
    "relative_f": ["Schwester", "Tante", "Cousine", "Nachbarin", "beste Freundin", "Mutter", "Großmutter", "Tochter"],
    "feel": ["müde", "glücklich", "nervös", "stolz", "überrascht", "beschäftigt", "hungrig", "aufgeregt",
             "besorgt", "still", "fröhlich", "verärgert", "entspannt", "verwirrt", "schläfrig"],
    "object_nom": ["der blaue Regenschirm", "mein alter Laptop", "die Küchenschere", "dein Wintermantel",
                   "der Autoschlüssel", "die kleine Holzkiste", "das rote Notizbuch", "der Ersatzschlüssel",
                   "diese Landkarte", "die Fernbedienung", "der grüne Schal", "das Maßband", "die Taschenlampe",
                   "die Geburtstagskarte", "das Ladekabel", "der schwarze Koffer"],
    "object_acc": ["den blauen Regenschirm", "meinen alten Laptop", "die Küchenschere", "deinen Wintermantel",
                   "den Autoschlüssel", "die kleine Holzkiste", "das rote Notizbuch", "den Ersatzschlüssel",
                   "diese Landkarte", "die Fernbedienung", "meine Lesebrille", "den grünen Schal", "das Maßband",
                   "die Taschenlampe", "deinen Reisepass", "die Geburtstagskarte", "das Ladekabel",
                   "den schwarzen Koffer"],
    "location": ["auf dem Küchentisch", "im Auto", "im Büro", "unter dem Bett", "neben der Tür",
                 "in der obersten Schublade", "im Zug", "bei {name}", "in meiner anderen Jacke", "hinter dem Sofa",
                 "im Regal im Flur"],
    "transport": ["mit dem Zug", "mit dem Auto", "mit dem Bus", "mit dem Flugzeug", "mit dem Fahrrad",
                  "mit der Fähre"],
    "rain": ["regnet", "schneit", "stürmt", "sehr kalt ist", "zu heiß ist"],
    "home_act": ["spielen Karten", "schauen einen Film", "backen Plätzchen", "lesen", "räumen den Dachboden auf",
                 "machen ein Puzzle", "kochen etwas Besonderes", "rufen unsere Freunde an"],
    "dish": ["die Gemüsesuppe", "den gegrillten Lachs", "das Pilzrisotto", "den Hähnchensalat",
             "den Linseneintopf", "das Käsebrot", "die Spaghetti mit Tomatensoße", "die Zitronentarte",
             "das Schnitzel mit Bratkartoffeln"],
    "topic": ["der neuen Brücke", "dem Konzert gestern Abend", "dem Umzug nach {city}", "dem Plan fürs Wochenende",
              "den Änderungen bei der Arbeit", "diesem Buch", "der neuen Bibliothek", "dem Fußballspiel"],
    "weather": ["sonnig", "bewölkt", "windig", "regnerisch", "neblig", "kalt", "warm", "schwül", "frostig"],
}  # fmt: skip

TEMPLATES = [
    "{name} fliegt {when} nach {city}.",
    "Der nächste Zug nach {city} fährt um {time} ab.",
    "Der letzte Bus {to_place} fährt um {time}.",
    "Könntest du bitte {task}?",
    "Hast du daran gedacht, {task_zu}?",
    "Vergiss nicht, {task_zu}, bevor du gehst.",
    "Ich habe heute Morgen auf dem Markt {n_small} {item_pl} gekauft.",
    "Wir brauchen noch {n_small} {item_pl} für die Party.",
    "Im Schrank sind nur noch {n_small} {item_pl}.",
    "Wie weit ist es von hier {to_place}?",
    "Entschuldigung, wo ist {place_nom}?",
    "Biegen Sie nach {place_dat} links ab und gehen Sie immer geradeaus.",
    "{name_m} arbeitet als {job_m} in {city}.",
    "{name_f} arbeitet als {job_f} in {city}.",
    "Mein {relative_m} ist {job_m}.",
    "Meine {relative_f} ist {job_f}.",
    "Mein {relative_m} wohnt jetzt in {city}.",
    "Meine {relative_f} wohnt seit {year} in {city}.",
    "{name} und {name} sind seit {n_years} Jahren {relation}.",
    "Gestern habe ich {past}.",
    "Letzten {day} hat {name} {past}.",
    "Ich glaube, {clause}.",
    "{clause}, {connector} {clause}.",
    "Magst du {activity}?",
    "{name} {hobby} schon seit der Kindheit gern.",
    "Die Besprechung wurde auf {day} um {time} verschoben.",
    "{when} wird es in {city} {weather}.",
    "{when} werden es etwa {temp} Grad.",
    "Die Karten kosten {price}.",
    "Das macht {price}, bitte.",
    "Ich bin {year} geboren.",
    "Die Brücke wurde {year} gebaut.",
    "Mein Termin ist am {date}.",
    "{name} kommt am {date} an.",
    "Der Code für die Tür ist {digits}.",
    "Ihre Buchungsnummer ist {digits}.",
    "Zimmer {room} liegt im {floor} Stock.",
    "Draußen warten {n_big} Leute.",
    "Die Bibliothek hat mehr als {n_big} Bücher.",
    "Gehört {object_nom} dir?",
    "Hast du {object_acc} gesehen?",
    "Ich glaube, ich habe {object_acc} {location} liegen lassen.",
    "Wo hast du {object_acc} hingelegt?",
    "Warum ist {name} heute so {feel}?",
    "{name} wirkte nach dem Telefonat {feel}.",
    "Wann öffnet {place_nom} am {day}?",
    "Möchtest du {food}?",
    "Ich nehme {dish}, bitte.",
    "Wie lange braucht man {transport} nach {city}?",
    "{name} hat mir erzählt, {clause}.",
    "Wenn es {when} {rain}, bleiben wir zu Hause und {home_act}.",
    "{arith}.",
    "Etwa {pct} Prozent der Schüler haben die Prüfung bestanden.",
    "Was hältst du von {topic}?",
    "{name}, kannst du mir helfen, {task_zu}?",
    "Wir treffen {name} um {time} {at_place}.",
    "Mein {relative_m} ist am {date} geboren.",
    "Ich habe {name} seit {year} nicht mehr gesehen.",
    "Treffen wir uns {when} {at_place}?",
    "{name} lebt seit {n_years} Jahren in {city}.",
]
