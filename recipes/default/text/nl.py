"""Dutch (Netherlands). Clauses that are joined keep main-clause order (maar, en, want), and subordinate
clauses, which would move the verb to the end, are only used in hand-written sentences."""

from __future__ import annotations

import random

from .numbers import digits_or_words, words, year

L = "nl"

FIXED = [
    "De kleine kat slaapt rustig op de bank in de woonkamer.",
    "Kunt u alstublieft wat langzamer praten?",
    "We hebben bijna een uur op de bus gewacht, maar hij kwam niet.",
    "Mijn oma is opgegroeid op een kleine boerderij in Drenthe.",
    "Is er hier in de buurt een apotheek die nog open is?",
    "De kinderen waren een zandkasteel aan het bouwen toen het vloed werd.",
    "Hij leert al drie jaar piano spelen en hij speelt al heel goed.",
    "Heel erg bedankt voor de bloemen, ze zijn prachtig.",
    "Het concert is afgelast vanwege het onweer.",
    "Na het eten hebben we een lange wandeling langs het strand gemaakt.",
    "Niemand weet precies hoe oud de eik op het plein is.",
    "Het spijt me, de dokter heeft pas volgende week donderdag weer tijd.",
    "Doe het licht uit als je de kamer verlaat.",
    "Onze vlucht had vertraging, dus we hebben de aansluiting in Frankfurt gemist.",
    "Wat zou je doen als je een reis rond de wereld won?",
    "Voor het recept heb je twee kopjes bloem en een snufje zout nodig.",
    "Het heeft zes maanden geduurd om de oude brug te repareren.",
    "Van welk spoor vertrekt de trein naar Utrecht?",
    "Eerlijk gezegd vond ik de eerste versie van het liedje beter.",
    "In de bibliotheek kun je ook gereedschap lenen.",
    "Zullen we om zeven uur bij de bioscoop afspreken?",
    "Elke herfst worden de bladeren in het park rood en goud.",
    "Wilt u het formulier ondertekenen voordat u het inlevert?",
    "Mijn telefoon viel midden in het gesprek uit.",
    "Er mag nog wel wat peper in de soep, vind je niet?",
    "We gaan de keuken lichtgroen schilderen.",
    "Hoeveel talen spreekt u?",
    "Ze fluisterde iets, maar ik kon het niet verstaan.",
    "Een windvlaag rukte de paraplu uit zijn handen.",
    "De nieuwe buren hebben ons zondag uitgenodigd voor een barbecue.",
    "We hoeven ons niet te haasten, de winkel is open tot negen uur.",
    "Ik heb nog nooit zoveel sterren aan de hemel gezien.",
    "Kunt u me vertellen hoe ik bij het dichtstbijzijnde metrostation kom?",
    "Vannacht gaat het sneeuwen, dus rij voorzichtig.",
    "De hotelkamer had een prachtig uitzicht op de haven.",
    "Laat je even weten of je goed thuis bent gekomen?",
    "Drink je liever thee of koffie?",
    "De printer op de tweede verdieping heeft alweer geen papier.",
    "Als ik van de file had geweten, had ik de trein genomen.",
    "De baby is eindelijk in slaap gevallen na twintig minuten zingen.",
    "Water kookt op zeeniveau bij honderd graden.",
    "De gemeente heeft besloten een speeltuin naast de school te bouwen.",
    "We moeten morgen vroeg vertrekken om de spits te vermijden.",
    "Sorry, ik denk dat u het verkeerde nummer hebt gebeld.",
    "De kat sprong op tafel en gooide een glas melk om.",
    "Kunt u een goed restaurant in de buurt aanraden?",
    "Het is de eerste keer dat ik zelf brood bak.",
    "Wacht even, ik zoek mijn bril.",
    "Ze hebben de hele middag naar het weggelopen puppy gezocht.",
    "Bewaar uw kaartje tot het einde van de reis.",
    "Na zo'n droge zomer hopen de boeren op regen.",
    "Waar heb je je fiets precies neergezet?",
    "Er gaat niets boven een koude limonade op een warme dag.",
    "De film duurde veel langer dan ik had verwacht, maar ik vond hem geweldig.",
    "Kijk goed naar links en naar rechts voordat je oversteekt.",
    "Ik wil graag een tafel reserveren voor vier personen om acht uur.",
    "De trein was zo vol dat we de hele reis moesten staan.",
    "Goedemorgen allemaal, en welkom op onze jaarvergadering.",
    "Wil je even op mijn tas letten terwijl ik koffie haal?",
    "Wat een leuke verrassing om je hier te zien!",
    "Pas op, de vloer is nog nat.",
    "Weet je zeker dat je de achterdeur op slot hebt gedaan?",
    "Bij helder weer kun je vanaf de toren de kust zien.",
    "Meestal ga ik voor het ontbijt hardlopen, behalve als het regent.",
    "De bakker op de hoek verkoopt het lekkerste brood van de stad.",
    "Ik heb vanochtend mijn paraplu in de tram laten liggen.",
    "De zomervakantie begint dit jaar al begin juli.",
    "Heb je de appeltaart van mijn tante al eens geproefd?",
    "Het museum is op maandag gesloten, dus laten we dinsdag gaan.",
    "Morgenochtend is er markt op het plein.",
]

SHORT = [
    "Ja.", "Nee.", "Misschien.", "Dank je.", "Dank je wel.", "Hallo.", "Goedemorgen.", "Goedemiddag.",
    "Goedenavond.", "Welterusten.", "Tot ziens.", "Doei!", "Tot straks.", "Tot morgen.", "Pardon.",
    "Het spijt me.", "Geen probleem.", "Natuurlijk.", "Waarom niet?", "Echt waar?", "Weet je het zeker?",
    "Nog niet.", "Bijna klaar.", "Goed gedaan!", "Gefeliciteerd!", "Proost!", "Pas op!", "Help!", "Kom binnen.",
    "Ga zitten.", "Wacht hier.", "Volg mij.", "Schiet op!", "Doe voorzichtig.", "Succes!", "Aangenaam.",
    "Hoe gaat het?", "Goed, hoor.", "Hoe laat is het?", "Waar ben je?", "Wie is daar?", "Kom op.", "Ik ook.",
    "Akkoord.", "Helemaal niet.", "Precies.", "Laat maar.", "Ga je gang.", "Goed idee.", "Te laat.",
    "Niet slecht.", "Heel goed.", "Perfect.", "Alstublieft.", "Een koffie, graag.", "De rekening, graag.",
    "Twee kaartjes.", "Spoor negen.", "Kamer twaalf.", "Maandagochtend.", "Volgende week.", "Nu meteen.",
    "Morgenavond.", "Straks.", "Soms.", "Altijd.", "Nooit.", "Hier.", "Daar.", "Rechtdoor.", "Links.",
    "Rechts.", "Stop!", "Luister.", "Kijk!", "Stilte, alstublieft.", "Eet smakelijk!", "Goede reis!",
    "Bel me.", "O nee!", "Geweldig!", "Ik snap het.", "Begrepen.", "Een momentje.", "Amsterdam.", "Rotterdam.",
    "Zeventien.", "Honderd.", "Vers brood.", "Blauwe lucht.", "Koud water.", "Groene thee.", "Chocoladetaart.",
    "Appelsap.", "De keuken.", "Het station.", "Mijn sleutels.", "Jij bent.", "Gelukkig nieuwjaar!",
    "Doe de deur dicht.", "Doe het raam open.", "Klinkt goed.", "Goede vraag.", "Fijn weekend!", "Graag gedaan.",
    "Geen idee.", "Tuurlijk!", "Gezondheid!", "Lekker!",
]  # fmt: skip

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]  # fmt: skip


def _time(rng: random.Random) -> str:
    h = rng.randint(1, 12)
    nxt = h % 12 + 1
    form = rng.randrange(6)
    if form == 0:
        return f"{words(h, L)} uur"
    if form == 1:
        return f"half {words(nxt, L)}"
    if form == 2:
        return f"kwart over {words(h, L)}"
    if form == 3:
        return f"kwart voor {words(nxt, L)}"
    if form == 4:
        return "middernacht"
    m = rng.choice([5, 10, 20])
    return f"{words(m, L)} over {words(h, L)}"


def _date(rng: random.Random) -> str:
    m = rng.choice(MONTHS)
    d = rng.randint(1, 28 if m == "februari" else 30)
    dw = words(d, L) if rng.random() < 0.6 else str(d)
    out = f"{dw} {m}"
    return f"{out} {year(rng, L, 1990, 2030)}" if rng.random() < 0.3 else out


def _price(rng: random.Random) -> str:
    e = rng.choice([2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 18, 20, 25, 30, 45, 60, 75, 99, 120, 250, 1200])
    c = rng.choice([0, 0, 0, 10, 20, 50, 80, 90, 95])
    if rng.random() < 0.4:
        return f"{e} euro" + (f" {c}" if c else "")
    return f"{words(e, L)} euro" + (f" {words(c, L)}" if c else "")


def _digits(rng: random.Random) -> str:
    names = ["nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
    return " ".join(rng.choice(names) for _ in range(rng.randint(3, 6)))


def _arith(rng: random.Random) -> str:
    a, b = rng.randint(2, 50), rng.randint(2, 50)
    op = rng.randrange(3)
    if op == 0:
        return f"{words(a, L)} plus {words(b, L)} is {words(a + b, L)}"
    if op == 1:
        a, b = max(a, b), min(a, b)
        return f"{words(a, L)} min {words(b, L)} is {words(a - b, L)}"
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    return f"{words(a, L)} keer {words(b, L)} is {words(a * b, L)}"


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
    "temp": lambda r: digits_or_words(r, r.randint(2, 35), L),
    "pct": lambda r: digits_or_words(r, r.choice(range(5, 100, 5)), L),
    "room": lambda r: str(r.randint(101, 950)),
    "floor": lambda r: r.choice(
        ["eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste", "negende", "tiende"]
    ),  # fmt: skip
}

SLOTS = {
    "name": ["Daan", "Sanne", "Lars", "Emma", "Bram", "Lotte", "Thijs", "Anouk", "Ruben", "Fleur", "Jeroen",
             "Eva", "Sem", "Noor", "Pieter", "Femke", "Joris", "Iris", "Koen", "Marieke", "Wouter", "Lieke",
             "Bas", "Anke", "Tim", "Sophie", "Mohammed", "Fatima", "Jasper", "Tess", "Hugo", "Julia", "Stijn",
             "Esther", "Milan", "Roos", "Gijs", "Ilse", "Maarten", "Yara"],
    "city": ["Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere",
             "Breda", "Nijmegen", "Haarlem", "Arnhem", "Maastricht", "Leiden", "Zwolle", "Delft", "Leeuwarden",
             "Antwerpen", "Gent", "Brugge", "Brussel", "Leuven", "Parijs", "Berlijn", "Londen", "Keulen", "Rome",
             "Kopenhagen", "Lissabon", "Wenen"],
    "day": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
    "when": ["morgen", "volgende week", "op {day}", "dit weekend", "vanavond", "volgende maand",
             "{day}ochtend", "{day}middag", "na de lunch", "in het voorjaar", "aan het eind van de maand",
             "op {date}"],
    "place": ["het station", "de bibliotheek", "het postkantoor", "het vliegveld", "het museum", "het ziekenhuis",
              "de bakker", "de supermarkt", "het gemeentehuis", "de bushalte", "het park", "de apotheek",
              "het stadion", "het strand", "de markt", "de bank", "het zwembad", "het tankstation",
              "de boekwinkel", "de haven", "de dierentuin", "de bioscoop"],
    "item_pl": ["appels", "sinaasappels", "kaartjes", "boeken", "stoelen", "kaarsen", "flessen water", "broden",
                "eieren", "enveloppen", "potloden", "borden", "kopjes", "handdoeken", "batterijen", "tomaten",
                "citroenen", "postzegels", "schriften", "dekens", "kussens", "gloeilampen", "bananen", "dozen",
                "bloemen", "vorken", "ballonnen", "ansichtkaarten", "stroopwafels"],
    "food": ["soep", "rijst", "pasta", "brood", "kaas", "salade", "vis", "kip", "koffie", "thee", "jus d'orange",
             "chocoladetaart", "ijs", "aardappelpuree", "appeltaart", "limonade", "warme chocolademelk",
             "aardbeien", "pannenkoeken", "erwtensoep"],
    "hobby": ["leest", "zwemt", "kookt", "schildert", "tuiniert", "danst", "zingt", "wandelt",
              "fietst", "vist", "breit", "bakt", "klimt", "zeilt", "skiet", "schaakt",
              "fotografeert", "schaatst"],
    "activity": ["lezen", "zwemmen", "koken", "schilderen", "hardlopen", "tuinieren", "dansen", "zingen",
                 "wandelen", "fietsen", "vissen", "breien", "bakken", "klimmen", "zeilen", "schaken", "schaatsen"],
    "task": ["de voordeur op slot doen", "je moeder bellen", "melk kopen", "de planten water geven",
             "de kat eten geven", "de factuur versturen", "de kaartjes boeken", "je telefoon opladen",
             "het afval buiten zetten", "de energierekening betalen", "de boeken terugbrengen",
             "de oven uitzetten", "een paraplu meenemen", "de bandenspanning controleren",
             "de kinderen van school halen", "de ramen boven dichtdoen", "het adres opschrijven",
             "de instapkaarten printen", "de afspraak bij de tandarts afzeggen", "de hond uitlaten",
             "tanken", "de wekker zetten", "{name} voor het feest uitnodigen"],
    "past": ["het verslag afgemaakt", "de keuken schoongemaakt", "het oude kasteel bezocht", "de laatste bus gemist",
             "een oude film gekeken", "de fiets gerepareerd", "brood gebakken", "tomaten geplant",
             "de autosleutels verloren", "een portemonnee op straat gevonden", "een nieuw liedje geleerd",
             "het hek geverfd", "een lange brief geschreven", "{name} bij {place} ontmoet",
             "voor zes mensen gekookt", "de lekkende kraan gerepareerd", "een nieuwe jas gekocht",
             "de oude piano verkocht", "de hele dag in {city} doorgebracht"],
    "clause": ["de winkel was al dicht", "niemand nam de telefoon op", "het begon te regenen",
               "de kinderen sliepen nog", "de koffie was op", "de weg was afgesloten", "de bus was te laat",
               "mijn zus belde uit {city}", "{name} was de sleutels vergeten", "de vergadering duurde langer dan gepland",
               "ineens viel de stroom uit", "de soep was te zout", "het museum was op {day} gratis",
               "de printer deed het niet meer", "iedereen praatte door elkaar", "de trein zat helemaal vol",
               "de kaartjes waren uitverkocht", "het weer was prachtig", "de hond blafte de hele nacht",
               "het water was ijskoud", "we zijn onderweg verdwaald", "het uitzicht was schitterend",
               "{name} stond bij {place} te wachten", "de verwarming was kapot", "de taart was heerlijk",
               "de straten lagen vol sneeuw", "het concert begon een uur te laat", "de kat verstopte zich onder het bed",
               "de nieuwe baas leek aardig", "mijn laptop is weer vastgelopen"],
    "connector": ["maar", "en", "want"],
    "relation": ["buren", "collega's", "vrienden", "huisgenoten", "klasgenoten", "zakenpartners"],
    "job": ["verpleegkundige", "ingenieur", "leraar", "bakker", "piloot", "advocaat", "boer", "architect",
            "journalist", "tandarts", "muzikant", "bibliothecaris", "monteur", "kok",
            "elektricien", "hovenier", "vertaler", "fotograaf", "buschauffeur", "dierenarts", "apotheker"],
    "relative": ["broer", "zus", "tante", "oom", "neef", "nicht", "buurman", "buurvrouw", "beste vriend",
                 "vader", "moeder", "opa", "oma", "zoon", "dochter"],
    "feel": ["moe", "blij", "zenuwachtig", "trots", "verrast", "druk", "hongerig", "opgewonden", "bezorgd",
             "stil", "vrolijk", "boos", "ontspannen", "verward", "slaperig"],
    "object": ["de blauwe paraplu", "mijn oude laptop", "de keukenschaar", "je winterjas", "de autosleutel",
               "een klein houten kistje", "het rode notitieboekje", "de reservesleutel", "deze kaart",
               "de afstandsbediening", "mijn leesbril", "de groene sjaal", "het meetlint", "de zaklamp",
               "je paspoort", "de verjaardagskaart", "de oplader", "de zwarte koffer"],
    "location": ["op de keukentafel", "in de auto", "op kantoor", "onder het bed", "naast de deur",
                 "in de bovenste la", "in de trein", "bij {name}", "in mijn andere jas", "achter de bank",
                 "op de plank in de gang"],
    "transport": ["met de trein", "met de auto", "met de bus", "met het vliegtuig", "met de fiets", "met de boot"],
    "home_act": ["kaarten", "een film kijken", "koekjes bakken", "lezen", "de zolder opruimen", "een puzzel maken",
                 "iets lekkers koken", "onze vrienden bellen"],
    "dish": ["de groentesoep", "de gegrilde zalm", "de risotto met paddenstoelen", "de salade met kip",
             "de stamppot", "het broodje kaas", "de spaghetti met tomatensaus", "de citroentaart", "de kibbeling"],
    "topic": ["de nieuwe brug", "het concert van gisteravond", "het plan om naar {city} te verhuizen",
              "de plannen voor het weekend", "de veranderingen op het werk", "dit boek", "de nieuwe bibliotheek",
              "de voetbalwedstrijd"],
    "weather": ["zonnig", "bewolkt", "winderig", "regenachtig", "mistig", "koud", "warm", "benauwd"],
}  # fmt: skip

TEMPLATES = [
    "{name} vliegt {when} naar {city}.",
    "De volgende trein naar {city} vertrekt om {time}.",
    "De laatste bus naar {place} vertrekt om {time}.",
    "Kun je alsjeblieft {task}?",
    "Heb je eraan gedacht om {task_te}?",
    "Vergeet niet om {task_te} voordat je weggaat.",
    "Ik heb vanochtend op de markt {n_small} {item_pl} gekocht.",
    "We hebben nog {n_small} {item_pl} nodig voor het feest.",
    "Er liggen nog maar {n_small} {item_pl} in de kast.",
    "Hoe ver is het van hier naar {place}?",
    "Pardon, waar is {place}?",
    "Sla na {place} linksaf en ga dan rechtdoor.",
    "{name} werkt als {job} in {city}.",
    "Mijn {relative} is {job}.",
    "Mijn {relative} woont nu in {city}.",
    "Mijn {relative} woont sinds {year} in {city}.",
    "{name} en {name} zijn al {n_years} jaar {relation}.",
    "Gisteren heb ik {past}.",
    "Vorige week heeft {name} {past}.",
    "Weet je, {clause}.",
    "{clause}, {connector} {clause}.",
    "Hou je van {activity}?",
    "{name} {hobby} al sinds de kindertijd graag.",
    "De vergadering is verplaatst naar {day} om {time}.",
    "{when_cap} wordt het {weather} in {city}.",
    "{when_cap} wordt het ongeveer {temp} graden.",
    "De kaartjes kosten {price}.",
    "Dat is dan {price}, alstublieft.",
    "Ik ben geboren in {year}.",
    "De brug is gebouwd in {year}.",
    "Mijn afspraak is op {date}.",
    "{name} komt op {date} aan.",
    "De code van de deur is {digits}.",
    "Uw reserveringsnummer is {digits}.",
    "Kamer {room} is op de {floor} verdieping.",
    "Er staan buiten {n_big} mensen te wachten.",
    "De bibliotheek heeft meer dan {n_big} boeken.",
    "Is {object} van jou?",
    "Heb je {object} gezien?",
    "Ik denk dat ik {object} {location} heb laten liggen.",
    "Waar heb je {object} gelaten?",
    "Waarom is {name} vandaag zo {feel}?",
    "{name} leek {feel} na het telefoontje.",
    "Hoe laat gaat {place} op {day} open?",
    "Wil je wat {food}?",
    "Ik neem {dish}, graag.",
    "Hoe lang doe je er {transport} over naar {city}?",
    "{name} vertelde me: {clause}.",
    "Als het {when} regent, blijven we thuis en gaan we {home_act}.",
    "{arith}.",
    "Ongeveer {pct} procent van de leerlingen is voor het examen geslaagd.",
    "Wat vind je van {topic}?",
    "{name}, kun je me helpen {task_te}?",
    "We spreken om {time} met {name} af bij {place}.",
    "Mijn {relative} is geboren op {date}.",
    "Ik heb {name} sinds {year} niet meer gezien.",
    "Zullen we {when} afspreken bij {place}?",
    "{name} woont al {n_years} jaar in {city}.",
]

SLOTS["when_cap"] = ["morgen", "volgende week", "op {day}", "dit weekend", "vanavond", "{day}ochtend", "{day}middag"]
SLOTS["task_te"] = ["de voordeur op slot te doen", "je moeder te bellen", "melk te kopen", "de planten water te geven",
                    "de kat eten te geven", "de factuur te versturen", "de kaartjes te boeken", "je telefoon op te laden",
                    "het afval buiten te zetten", "de energierekening te betalen", "de boeken terug te brengen",
                    "de oven uit te zetten", "een paraplu mee te nemen", "de kinderen van school te halen",
                    "de ramen boven dicht te doen", "het adres op te schrijven", "de instapkaarten te printen",
                    "de hond uit te laten", "de wekker te zetten", "{name} voor het feest uit te nodigen"]  # fmt: skip
