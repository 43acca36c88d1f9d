"""Italian. Articulated prepositions (alla, al, all', dalla ...) are written into the fillers, and names and
adjectives come in masculine and feminine lists that their templates pair up. Latin-1 only, for Festival."""

from __future__ import annotations

import random
from collections.abc import Callable

from .numbers import digits_or_words, words, year

L = "it"

FIXED = [
    "Il gatto dorme tranquillo sul divano del soggiorno.",
    "Potrebbe parlare un po' più lentamente, per favore?",
    "Abbiamo aspettato l'autobus per quasi un'ora, ma non è mai arrivato.",
    "Mia nonna è cresciuta in una piccola fattoria in montagna.",
    "C'è una farmacia aperta qui vicino?",
    "I bambini stavano costruendo un castello di sabbia quando è salita la marea.",
    "Studia pianoforte da tre anni e suona già molto bene.",
    "Grazie mille per i fiori, sono bellissimi.",
    "Il concerto è stato annullato a causa del temporale.",
    "Dopo cena abbiamo fatto una lunga passeggiata sulla spiaggia.",
    "Nessuno sa esattamente quanti anni abbia la quercia della piazza.",
    "Mi dispiace, il medico non ha appuntamenti liberi fino a giovedì prossimo.",
    "Spegni la luce quando esci dalla stanza.",
    "Il nostro volo era in ritardo e abbiamo perso la coincidenza a Roma.",
    "Che cosa faresti se vincessi un viaggio intorno al mondo?",
    "Per la ricetta servono due tazze di farina e un pizzico di sale.",
    "Ci sono voluti sei mesi per riparare il vecchio ponte.",
    "Da quale binario parte il treno per Napoli?",
    "Sinceramente, secondo me la prima versione della canzone era migliore.",
    "In biblioteca prestano anche gli attrezzi, non solo i libri.",
    "Perché non ci vediamo davanti al cinema alle sette?",
    "Ogni autunno le foglie del parco diventano rosse e dorate.",
    "Per favore, firmi il modulo prima di consegnarlo.",
    "Il telefono si è spento proprio a metà della chiamata.",
    "Alla minestra manca un po' di pepe, non trovi?",
    "Vogliamo dipingere la cucina di un verde chiaro.",
    "Quante lingue parli?",
    "Ha sussurrato qualcosa, ma non sono riuscito a sentire cosa.",
    "Una raffica di vento gli ha strappato l'ombrello dalle mani.",
    "I nuovi vicini ci hanno invitati a una grigliata domenica.",
    "Non c'è bisogno di correre, il negozio è aperto fino alle nove.",
    "Non avevo mai visto così tante stelle in cielo.",
    "Mi sa dire come arrivare alla fermata della metropolitana più vicina?",
    "Dicono che stanotte nevicherà, quindi guida con prudenza.",
    "La camera dell'albergo aveva una vista splendida sul porto.",
    "Fammi sapere quando arrivi a casa.",
    "Preferisci il tè o il caffè?",
    "La stampante al secondo piano è di nuovo senza carta.",
    "Se avessi saputo del traffico, avrei preso il treno.",
    "Il bambino si è finalmente addormentato dopo venti minuti di ninna nanne.",
    "L'acqua bolle a cento gradi al livello del mare.",
    "Il comune ha deciso di costruire un parco giochi accanto alla scuola.",
    "Domani conviene partire presto per evitare l'ora di punta.",
    "Mi scusi, credo che abbia sbagliato numero.",
    "Il gatto è saltato sul tavolo e ha rovesciato un bicchiere di latte.",
    "Mi può consigliare un buon ristorante in zona?",
    "È la prima volta che faccio il pane in casa.",
    "Aspetta un attimo, sto cercando gli occhiali.",
    "Hanno passato tutto il pomeriggio a cercare il cucciolo smarrito.",
    "Conservate il biglietto fino alla fine del viaggio.",
    "Gli agricoltori sperano nella pioggia dopo un'estate così secca.",
    "Dove hai lasciato la bicicletta, esattamente?",
    "Non c'è niente di meglio di una limonata fresca in una giornata calda.",
    "Il film era molto più lungo del previsto, ma mi è piaciuto tantissimo.",
    "Prima di attraversare la strada, guarda da entrambi i lati.",
    "Vorrei prenotare un tavolo per quattro persone alle otto, per favore.",
    "Il treno era così pieno che siamo rimasti in piedi per tutto il viaggio.",
    "Buongiorno a tutti e benvenuti all'assemblea annuale.",
    "Mi tieni d'occhio la borsa mentre vado a prendere un caffè?",
    "Che bella sorpresa vederti qui!",
    "Attenzione, il pavimento è ancora bagnato.",
    "Sei sicuro di aver chiuso a chiave la porta sul retro?",
    "Nelle giornate limpide si vedono le Alpi dalla cima della torre.",
    "Di solito vado a correre prima di colazione, a meno che non piova.",
    "Il fornaio all'angolo fa il pane più buono della città.",
    "Stamattina ho dimenticato l'ombrello in metropolitana.",
    "Quest'anno le vacanze estive cominciano all'inizio di luglio.",
    "Hai mai assaggiato la crostata di mia zia?",
    "Il museo è chiuso il lunedì, quindi andiamoci martedì.",
    "Domattina c'è il mercato in piazza.",
]

SHORT = [
    "Sì.", "No.", "Forse.", "Grazie.", "Grazie mille.", "Ciao!", "Buongiorno.", "Buon pomeriggio.", "Buonasera.",
    "Buonanotte.", "Arrivederci.", "A presto.", "A domani.", "Mi scusi.", "Mi dispiace.", "Non c'è problema.",
    "Certo.", "Perché no?", "Davvero?", "Sei sicuro?", "Non ancora.", "Quasi finito.", "Bravo!", "Complimenti!",
    "Buon compleanno!", "Salute!", "Attenzione!", "Aiuto!", "Avanti.", "Si accomodi.", "Aspetta qui.",
    "Seguimi.", "Sbrigati!", "Stammi bene.", "In bocca al lupo!", "Piacere.", "Come stai?", "Sto bene.",
    "Che ore sono?", "Dove sei?", "Chi è?", "Andiamo.", "Anch'io.", "D'accordo.", "Per niente.", "Esatto.",
    "Non importa.", "Vai pure.", "Buona idea.", "Troppo tardi.", "Non male.", "Benissimo.", "Perfetto.",
    "Per favore.", "Un caffè, per favore.", "Il conto, per favore.", "Due biglietti.", "Binario nove.",
    "Camera dodici.", "Lunedì mattina.", "La settimana prossima.", "Subito.", "Domani sera.", "Più tardi.",
    "A volte.", "Sempre.", "Mai.", "Qui.", "Laggiù.", "Sempre dritto.", "A sinistra.", "A destra.", "Fermo!",
    "Ascolta.", "Guarda!", "Silenzio, per favore.", "Buon appetito!", "Buon viaggio!", "Chiamami.", "Oh no!",
    "Fantastico!", "Capisco.", "Va bene.", "Un attimo.", "Roma.", "Milano.", "Diciassette.", "Cento.",
    "Pane fresco.", "Cielo azzurro.", "Acqua fredda.", "Tè verde.", "Torta al cioccolato.", "Succo di mela.",
    "La cucina.", "La stazione.", "Le mie chiavi.", "Tocca a te.", "Buon anno!", "Chiudi la porta.",
    "Apri la finestra.", "Mi sembra giusto.", "Bella domanda.", "Buon fine settimana!", "Prego.", "Boh.",
    "Ma certo!", "Figurati.", "Magari!",
]  # fmt: skip

MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
          "novembre", "dicembre"]  # fmt: skip


def _time(rng: random.Random) -> str:
    """A clock time with its preposition: alle sette, all'una, a mezzogiorno."""
    h = rng.randint(1, 12)
    art = "all'una" if h == 1 else f"alle {words(h, L)}"
    form = rng.randrange(6)
    if form == 0:
        return art
    if form == 1:
        return f"{art} e mezza"
    if form == 2:
        return f"{art} e un quarto"
    if form == 3:
        nxt = h % 12 + 1
        return f"{'all' + chr(39) + 'una' if nxt == 1 else 'alle ' + words(nxt, L)} meno un quarto"
    if form == 4:
        return rng.choice(["a mezzogiorno", "a mezzanotte"])
    h24 = rng.randint(13, 22)
    m = rng.choice([5, 10, 20, 25, 35, 40, 50])
    return f"alle {words(h24, L)} e {words(m, L)}"


def _date(rng: random.Random) -> str:
    m = rng.choice(MONTHS)
    d = rng.randint(1, 28 if m == "febbraio" else 30)
    if d == 1:
        dw = "primo"
    else:
        dw = words(d, L) if rng.random() < 0.6 else str(d)
    art = "l'" if dw in ("otto", "undici", "8", "11") else "il "
    out = f"{art}{dw} {m}"
    return f"{out} {year(rng, L, 1990, 2030)}" if rng.random() < 0.3 else out


def _price(rng: random.Random) -> str:
    e = rng.choice([2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 18, 20, 25, 30, 45, 60, 75, 99, 120, 250, 1200])
    c = rng.choice([0, 0, 0, 10, 20, 50, 80, 90, 95])
    if rng.random() < 0.4:
        return f"{e} euro" + (f" e {c}" if c else "")
    return f"{words(e, L)} euro" + (f" e {words(c, L)}" if c else "")


def _digits(rng: random.Random) -> str:
    names = ["zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"]
    return " ".join(rng.choice(names) for _ in range(rng.randint(3, 6)))


def _arith(rng: random.Random) -> str:
    a, b = rng.randint(2, 50), rng.randint(2, 50)
    op = rng.randrange(3)
    if op == 0:
        return f"{words(a, L)} più {words(b, L)} fa {words(a + b, L)}"
    if op == 1:
        a, b = max(a, b), min(a, b)
        return f"{words(a, L)} meno {words(b, L)} fa {words(a - b, L)}"
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    return f"{words(a, L)} per {words(b, L)} fa {words(a * b, L)}"


def _n(lo: int, hi: int) -> Callable[[random.Random], str]:
    # "ventuno"/"ventun" before a noun is a matter of taste; numbers ending in 1 or 8 (elision) are left out.
    def f(r: random.Random) -> str:
        while True:
            n = r.randint(lo, hi)
            if n % 10 not in (1, 8):
                return digits_or_words(r, n, L)

    return f


DYNAMIC = {
    "n_small": _n(2, 20),
    "n_big": _n(22, 9999),
    "n_years": lambda r: words(r.choice([n for n in range(2, 41) if n % 10 not in (1, 8)]), L),
    "year": lambda r: year(r, L),
    "date": _date,
    "time": _time,
    "price": _price,
    "digits": _digits,
    "arith": _arith,
    "temp": _n(2, 38),
    "pct": lambda r: digits_or_words(r, r.choice([n for n in range(5, 100, 5) if n not in (80, 85)]), L),
    "room": lambda r: str(r.randint(101, 950)),
    "floor": lambda r: r.choice(
        ["primo", "secondo", "terzo", "quarto", "quinto", "sesto", "settimo", "ottavo", "nono", "decimo"]
    ),  # fmt: skip
}

SLOTS = {
    "name_m": ["Marco", "Luca", "Giovanni", "Francesco", "Alessandro", "Matteo", "Lorenzo", "Andrea", "Davide",
               "Stefano", "Paolo", "Riccardo", "Simone", "Federico", "Tommaso", "Giuseppe", "Pietro", "Nicola",
               "Enrico", "Salvatore"],
    "name_f": ["Giulia", "Chiara", "Francesca", "Sara", "Martina", "Elena", "Alessia", "Valentina", "Laura", "Anna",
               "Silvia", "Federica", "Beatrice", "Caterina", "Giorgia", "Roberta", "Serena", "Ilaria", "Marta",
               "Lucia"],
    "name": ["{name_m}", "{name_f}"],
    "city": ["Roma", "Milano", "Napoli", "Torino", "Palermo", "Genova", "Bologna", "Firenze", "Venezia", "Verona",
             "Padova", "Trieste", "Bari", "Catania", "Perugia", "Siena", "Pisa", "Lecce", "Bergamo", "Cagliari",
             "Parma", "Trento", "Parigi", "Londra", "Berlino", "Madrid", "Vienna", "Lisbona", "Zurigo", "Bruxelles"],
    "day": ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
    "day_past": ["lunedì scorso", "martedì scorso", "mercoledì scorso", "giovedì scorso", "venerdì scorso",
                 "sabato scorso", "domenica scorsa", "la settimana scorsa", "l'altro ieri"],
    "when": ["domani", "la settimana prossima", "{day}", "questo fine settimana", "stasera", "il mese prossimo",
             "{day} mattina", "{day} pomeriggio", "dopo pranzo", "in primavera", "a fine mese", "{date}"],
    "place": ["la stazione", "la biblioteca", "l'ufficio postale", "l'aeroporto", "il museo", "l'ospedale",
              "il panificio", "il supermercato", "il municipio", "la fermata dell'autobus", "il parco",
              "la farmacia", "lo stadio", "la spiaggia", "la piazza", "la banca", "la piscina", "il distributore",
              "la libreria", "il porto", "il mercato", "lo zoo", "il cinema"],
    "to_place": ["alla stazione", "in biblioteca", "all'ufficio postale", "all'aeroporto", "al museo",
                 "all'ospedale", "al supermercato", "in municipio", "al parco", "in farmacia", "allo stadio",
                 "in spiaggia", "in piazza", "in banca", "in piscina", "al porto", "al mercato", "al cinema"],
    "after_place": ["dopo la stazione", "dopo la biblioteca", "dopo l'ufficio postale", "dopo il museo",
                    "dopo l'ospedale", "dopo il supermercato", "dopo il municipio", "dopo il parco",
                    "dopo la farmacia", "dopo lo stadio", "dopo la piazza", "dopo la banca", "dopo il distributore"],
    "item_pl": ["mele", "arance", "biglietti", "libri", "sedie", "candele", "bottiglie d'acqua", "pagnotte",
                "uova", "buste", "matite", "piatti", "tazze", "asciugamani", "pile", "pomodori", "limoni",
                "francobolli", "quaderni", "coperte", "cuscini", "lampadine", "banane", "scatole", "fiori",
                "forchette", "palloncini", "cartoline"],
    "food": ["un po' di minestra", "un po' di riso", "un piatto di pasta", "un po' di pane", "un po' di formaggio",
             "un'insalata", "un po' di pesce", "un caffè", "un tè", "una spremuta d'arancia",
             "una fetta di torta al cioccolato", "un gelato", "un po' di purè", "una fetta di crostata",
             "una limonata", "una cioccolata calda", "delle fragole", "un po' di lasagna"],
    "activity": ["leggere", "nuotare", "cucinare", "dipingere", "correre", "il giardinaggio", "ballare", "cantare",
                 "fare escursioni", "andare in bicicletta", "pescare", "lavorare a maglia", "fare dolci",
                 "arrampicare", "andare in barca a vela", "sciare", "giocare a scacchi", "suonare la chitarra",
                 "la fotografia", "imparare le lingue"],
    "task": ["chiudere la porta a chiave", "chiamare tua madre", "comprare il latte", "innaffiare le piante",
             "dare da mangiare al gatto", "mandare la fattura", "prenotare i biglietti", "caricare il telefono",
             "portare fuori la spazzatura", "pagare la bolletta della luce", "restituire i libri alla biblioteca",
             "spegnere il forno", "prendere l'ombrello", "controllare la pressione delle gomme",
             "rispondere alla mail della banca", "prendere i bambini a scuola", "chiudere le finestre di sopra",
             "segnare l'indirizzo", "stampare le carte d'imbarco", "disdire l'appuntamento dal dentista",
             "portare fuori il cane", "fare benzina", "puntare la sveglia", "ringraziare {name} per il regalo",
             "invitare {name} alla festa"],
    "past": ["ho finito la relazione", "ho pulito la cucina", "ho visitato il vecchio castello",
             "ho perso l'ultimo autobus", "ho visto un vecchio film", "ho riparato la bicicletta", "ho fatto il pane",
             "ho piantato i pomodori", "ho perso le chiavi della macchina", "ho trovato un portafoglio per strada",
             "ho imparato una canzone nuova", "ho dipinto il cancello", "ho scritto una lunga lettera",
             "ho incontrato {name} {to_place}", "ho cucinato per sei persone", "ho corso dieci chilometri",
             "ho comprato un cappotto nuovo", "ho venduto il vecchio pianoforte",
             "ho passato tutta la giornata a {city}", "ho dimenticato di {task}"],
    "past3": ["ha finito la relazione", "ha pulito la cucina", "ha visitato il vecchio castello",
              "ha perso l'ultimo autobus", "ha visto un vecchio film", "ha riparato la bicicletta", "ha fatto il pane",
              "ha piantato i pomodori", "ha perso le chiavi della macchina", "ha trovato un portafoglio per strada",
              "ha imparato una canzone nuova", "ha scritto una lunga lettera", "ha cucinato per sei persone",
              "ha venduto il vecchio pianoforte", "ha passato tutta la giornata a {city}",
              "ha dimenticato di {task}"],
    "clause": ["il negozio era già chiuso", "nessuno ha risposto al telefono", "ha cominciato a piovere",
               "i bambini dormivano ancora", "il caffè era finito", "la strada era bloccata",
               "l'autobus è arrivato in ritardo", "mia sorella ha chiamato da {city}", "{name} ha dimenticato le chiavi",
               "la riunione è durata più del previsto", "all'improvviso è andata via la luce",
               "la minestra era troppo salata", "il museo era gratis {day}", "la stampante ha smesso di funzionare",
               "parlavano tutti insieme", "il treno era pieno", "i biglietti erano esauriti",
               "il tempo era splendido", "il cane ha abbaiato tutta la notte", "l'acqua era gelida",
               "ci siamo persi per strada", "il panorama era meraviglioso", "{name} aspettava davanti al bar",
               "il riscaldamento si è rotto", "la torta era buonissima", "le strade erano coperte di neve",
               "il concerto è cominciato con un'ora di ritardo", "il gatto si è nascosto sotto il letto",
               "il nuovo direttore sembrava simpatico", "il mio computer si è bloccato di nuovo"],
    "connector": ["ma", "e", "quindi", "perché", "anche se", "e poi", "mentre"],
    "relation": ["vicini di casa", "cugini", "amici", "colleghi", "compagni di classe", "soci", "coinquilini"],
    "job_m": ["infermiere", "ingegnere", "insegnante", "fornaio", "pilota", "avvocato", "agricoltore", "architetto",
              "giornalista", "dentista", "pompiere", "musicista", "bibliotecario", "meccanico", "cuoco",
              "elettricista", "giardiniere", "traduttore", "fotografo", "autista di autobus"],
    "job_f": ["infermiera", "ingegnera", "insegnante", "fornaia", "pilota", "avvocata", "agricoltrice", "architetta",
              "giornalista", "dentista", "musicista", "bibliotecaria", "cuoca", "elettricista", "giardiniera",
              "traduttrice", "fotografa", "veterinaria", "farmacista", "commessa"],
    # Singular family nouns only: they take the possessive without an article (mio fratello, mia zia).
    "relative_m": ["fratello", "zio", "cugino", "padre", "nonno", "figlio", "marito", "suocero"],
    "relative_f": ["sorella", "zia", "cugina", "madre", "nonna", "figlia", "moglie", "suocera"],
    "feel_m": ["stanco", "contento", "nervoso", "orgoglioso", "sorpreso", "occupato", "preoccupato", "silenzioso",
               "allegro", "arrabbiato", "rilassato", "confuso", "assonnato"],
    "feel_f": ["stanca", "contenta", "nervosa", "orgogliosa", "sorpresa", "occupata", "preoccupata", "silenziosa",
               "allegra", "arrabbiata", "rilassata", "confusa", "assonnata"],
    "object": ["l'ombrello blu", "il mio vecchio portatile", "le forbici della cucina", "il tuo cappotto invernale",
               "le chiavi della macchina", "una scatolina di legno", "il quaderno rosso", "la chiave di riserva",
               "questa cartina", "il telecomando", "i miei occhiali da lettura", "la sciarpa verde", "il metro",
               "la torcia", "il tuo passaporto", "il biglietto di auguri", "il caricabatterie", "la valigia nera"],
    "location": ["sul tavolo della cucina", "in macchina", "in ufficio", "sotto il letto", "vicino alla porta",
                 "nel primo cassetto", "sul treno", "a casa di {name}", "nell'altra giacca", "dietro il divano",
                 "sulla mensola dell'ingresso"],
    "transport": ["in treno", "in macchina", "in autobus", "in aereo", "in bicicletta", "in traghetto"],
    "home_act": ["giocare a carte", "guardare un film", "fare i biscotti", "leggere", "sistemare la soffitta",
                 "fare un puzzle", "cucinare qualcosa di speciale", "chiamare gli amici"],
    "dish": ["la zuppa di verdure", "il salmone alla griglia", "il risotto ai funghi", "l'insalata di pollo",
             "la pasta e fagioli", "il toast al formaggio", "gli spaghetti al pomodoro", "la torta al limone",
             "le lasagne"],
    "topic": ["del nuovo ponte", "del concerto di ieri sera", "dell'idea di trasferirci a {city}",
              "del programma per il fine settimana", "dei cambiamenti al lavoro", "di questo libro",
              "della nuova biblioteca", "della partita di calcio"],
    "weather": ["bel tempo", "brutto tempo", "freddo", "caldo", "vento", "fresco"],
}  # fmt: skip

TEMPLATES = [
    "{name} vola a {city} {when}.",
    "Il prossimo treno per {city} parte {time}.",
    "L'ultimo autobus per {city} parte {time}.",
    "Potresti {task}, per favore?",
    "Ti sei ricordato di {task}?",
    "Non dimenticare di {task} prima di uscire.",
    "Stamattina al mercato ho comprato {n_small} {item_pl}.",
    "Ci servono ancora {n_small} {item_pl} per la festa.",
    "Nell'armadio sono rimasti solo {n_small} {item_pl}.",
    "Quanto è lontano da qui {place}?",
    "Mi scusi, dov'è {place}?",
    "Giri a sinistra {after_place} e vada sempre dritto.",
    "{name_m} lavora come {job_m} a {city}.",
    "{name_f} lavora come {job_f} a {city}.",
    "Mio {relative_m} è {job_m}.",
    "Mia {relative_f} è {job_f}.",
    "Mio {relative_m} adesso vive a {city}.",
    "Mia {relative_f} vive a {city} dal {year}.",
    "{name_m} e {name} sono {relation} da {n_years} anni.",
    "Ieri {past}.",
    "{day_past} {name} {past3}.",
    "Credo che {clause}.",
    "{clause}, {connector} {clause}.",
    "Quando siamo arrivati, {clause}.",
    "Ti piace {activity}?",
    "A {name} piace {activity} da sempre.",
    "La riunione è stata spostata a {day} {time}.",
    "{when} a {city} farà {weather}.",
    "{when} ci saranno circa {temp} gradi.",
    "I biglietti costano {price}.",
    "Sono {price}, grazie.",
    "Sono nato nel {year}.",
    "Il ponte è stato costruito nel {year}.",
    "Il mio appuntamento è {date}.",
    "{name} arriverà {date}.",
    "Il codice della porta è {digits}.",
    "Il suo numero di prenotazione è {digits}.",
    "La camera {room} è al {floor} piano.",
    "Ci sono {n_big} persone che aspettano fuori.",
    "La biblioteca ha più di {n_big} libri.",
    "Qualcuno ha visto {object}?",
    "Hai visto {object}?",
    "Credo di aver lasciato {object} {location}.",
    "Dove hai messo {object}?",
    "Perché {name_m} è così {feel_m} oggi?",
    "Perché {name_f} è così {feel_f} oggi?",
    "Mio {relative_m} sembrava {feel_m} dopo la telefonata.",
    "Mia {relative_f} sembrava {feel_f} quando è tornata dal lavoro.",
    "A che ora apre {place} {day}?",
    "Vuoi {food}?",
    "Per me {dish}, grazie.",
    "Quanto ci vuole per andare a {city} {transport}?",
    "È vero che {clause}?",
    "{name} mi ha detto che {clause}.",
    "Se {when} fa {weather}, restiamo a casa a {home_act}.",
    "Lo sapevi che {arith}?",
    "Circa il {pct} per cento degli studenti ha superato l'esame.",
    "Che cosa pensi {topic}?",
    "{name}, mi aiuti a {task}?",
    "Abbiamo appuntamento con {name} {to_place} {time}.",
    "Mio {relative_m} è nato {date}.",
    "Non vedo {name} dal {year}.",
    "Ci vediamo {to_place} {when}?",
    "{name} vive a {city} da {n_years} anni.",
]
