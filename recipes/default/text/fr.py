"""French (France). Slot fillers are whole phrases in the form their template needs, so that articles, gender
and elision agree without a morphology engine."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from .numbers import digits_or_words, words, year

L = "fr"

FIXED = [
    "Le petit chat dort tranquillement sur le canapé du salon.",
    "Pourriez-vous parler un peu plus lentement, s'il vous plaît ?",
    "Nous avons attendu le bus pendant presque une heure, mais il n'est jamais venu.",
    "Ma grand-mère a grandi dans une petite ferme en Bretagne.",
    "Est-ce qu'il y a une pharmacie ouverte près d'ici ?",
    "Les enfants construisaient un château de sable quand la marée est montée.",
    "Il apprend le piano depuis trois ans et il joue déjà très bien.",
    "Merci beaucoup pour les fleurs, elles sont magnifiques.",
    "Le concert a été annulé à cause de l'orage.",
    "Après le dîner, nous avons fait une longue promenade au bord de la mer.",
    "Personne ne sait exactement quel âge a le vieux chêne de la place.",
    "Je suis désolé, le médecin n'a plus de rendez-vous avant jeudi prochain.",
    "N'oublie pas d'éteindre la lumière en sortant.",
    "Notre vol a eu du retard, alors nous avons raté la correspondance à Lyon.",
    "Que ferais-tu si tu gagnais un voyage autour du monde ?",
    "La recette demande deux tasses de farine et une pincée de sel.",
    "Il a fallu six mois pour réparer le vieux pont.",
    "De quel quai part le train pour Marseille ?",
    "Franchement, je trouve que la première version de la chanson était meilleure.",
    "La bibliothèque prête aussi des outils, pas seulement des livres.",
    "Pourquoi ne pas se retrouver devant le cinéma à sept heures ?",
    "Chaque automne, les feuilles du parc deviennent rouges et dorées.",
    "Pensez à signer le formulaire avant de le rendre.",
    "Mon téléphone s'est éteint en plein milieu de l'appel.",
    "La soupe manque un peu de poivre, tu ne trouves pas ?",
    "Nous allons peindre la cuisine en vert pâle.",
    "Combien de langues parlez-vous ?",
    "Elle a murmuré quelque chose, mais je n'ai pas entendu quoi.",
    "Un coup de vent lui a arraché son parapluie des mains.",
    "Les nouveaux voisins nous ont invités à un barbecue dimanche.",
    "Inutile de se dépêcher, le magasin est ouvert jusqu'à vingt et une heures.",
    "Je n'avais jamais vu autant d'étoiles dans le ciel.",
    "Pouvez-vous m'indiquer la station de métro la plus proche ?",
    "On annonce de la neige cette nuit, alors sois prudent sur la route.",
    "La chambre d'hôtel avait une vue splendide sur le port.",
    "Préviens-moi quand tu seras bien rentré.",
    "Tu préfères le thé ou le café ?",
    "L'imprimante du deuxième étage n'a plus de papier.",
    "Si j'avais su qu'il y aurait des bouchons, j'aurais pris le train.",
    "Le bébé s'est enfin endormi après vingt minutes de berceuses.",
    "L'eau bout à cent degrés au niveau de la mer.",
    "La mairie a décidé de construire une aire de jeux à côté de l'école.",
    "Il vaut mieux partir tôt demain pour éviter les embouteillages.",
    "Excusez-moi, je crois que vous vous êtes trompé de numéro.",
    "Le chat a sauté sur la table et a renversé un verre de lait.",
    "Vous pouvez me conseiller un bon restaurant dans le quartier ?",
    "C'est la première fois que je fais du pain moi-même.",
    "Attends un instant, je cherche mes lunettes.",
    "Ils ont passé tout l'après-midi à chercher le chiot perdu.",
    "Veuillez conserver votre billet jusqu'à la fin du trajet.",
    "Les agriculteurs espèrent de la pluie après un été aussi sec.",
    "Où as-tu laissé ton vélo exactement ?",
    "Rien ne vaut une citronnade bien fraîche quand il fait chaud.",
    "Le film était bien plus long que prévu, mais je ne me suis pas ennuyé.",
    "Avant de traverser la rue, regarde des deux côtés.",
    "Je voudrais réserver une table pour quatre personnes à vingt heures.",
    "Le train était tellement plein que nous sommes restés debout tout le trajet.",
    "Bonjour à tous, et bienvenue à notre assemblée annuelle.",
    "Tu peux surveiller mon sac pendant que je vais chercher un café ?",
    "Quelle bonne surprise de te voir ici !",
    "Attention, le sol est encore mouillé.",
    "Tu es sûr d'avoir fermé la porte de derrière à clé ?",
    "Par temps clair, on voit les Alpes depuis le haut de la tour.",
    "D'habitude, je vais courir avant le petit déjeuner, sauf quand il pleut.",
    "Le boulanger du coin fait les meilleurs croissants de la ville.",
    "J'ai oublié mon parapluie dans le métro ce matin.",
    "Les vacances d'été commencent début juillet cette année.",
    "Il faut composter son billet avant de monter dans le train.",
    "Est-ce que tu as déjà goûté la tarte aux mirabelles de ma tante ?",
    "Le musée est fermé le mardi, allons-y plutôt mercredi.",
]

SHORT = [
    "Oui.", "Non.", "Peut-être.", "Merci.", "Merci beaucoup.", "Bonjour.", "Salut !", "Bonsoir.", "Bonne nuit.",
    "Au revoir.", "À bientôt.", "À demain.", "Excusez-moi.", "Pardon.", "Je suis désolé.", "Pas de problème.",
    "Bien sûr.", "Pourquoi pas ?", "Vraiment ?", "Tu es sûr ?", "Pas encore.", "Presque fini.", "Bravo !",
    "Félicitations !", "Joyeux anniversaire !", "Santé !", "Attention !", "Au secours !", "Entrez.",
    "Asseyez-vous.", "Attendez ici.", "Suivez-moi.", "Dépêche-toi !", "Prends soin de toi.", "Bonne chance !",
    "Enchanté.", "Comment ça va ?", "Ça va bien.", "Quelle heure est-il ?", "Où es-tu ?", "Qui est là ?",
    "On y va.", "Moi aussi.", "D'accord.", "Pas du tout.", "Absolument.", "Tant pis.", "Vas-y.",
    "Bonne idée.", "Trop tard.", "Pas mal.", "Très bien.", "Parfait.", "Exactement.", "S'il vous plaît.",
    "Un café, s'il vous plaît.", "L'addition, s'il vous plaît.", "Deux billets.", "Quai numéro neuf.",
    "Lundi matin.", "La semaine prochaine.", "Tout de suite.", "Demain soir.", "Plus tard.", "Parfois.",
    "Toujours.", "Jamais.", "Ici.", "Là-bas.", "Tout droit.", "À gauche.", "À droite.", "Stop !",
    "Écoute.", "Regarde !", "Silence, s'il vous plaît.", "Bon appétit !", "Bon voyage !", "Appelle-moi.",
    "Oh non !", "Génial !", "Je vois.", "C'est noté.", "Un instant.", "Paris.", "Marseille.", "Dix-sept.",
    "Cent.", "Du pain frais.", "Ciel bleu.", "Eau froide.", "Thé vert.", "Gâteau au chocolat.",
    "Jus de pomme.", "La cuisine.", "La gare.", "Mes clés.", "À toi de jouer.", "Bonne année !",
    "Ferme la porte.", "Ouvre la fenêtre.", "Ça marche.", "Bonne question.", "C'est parti !", "À table !",
    "Bon week-end !", "Sans doute.", "Volontiers.", "Ça suffit !",
]  # fmt: skip

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]  # fmt: skip


def _time(rng: random.Random) -> str:
    h = rng.randint(1, 23)
    hw = "une heure" if h == 1 else f"{words(h, L)} heures"
    form = rng.randrange(5)
    if form == 0:
        return hw
    if form == 1:
        return rng.choice(["midi", "minuit"])
    if form == 2 and h <= 12:
        return f"{hw} et demie" if h != 12 else "midi et demi"
    if form == 3 and 2 <= h <= 11:
        return f"{words(h, L)} heures et quart"
    m = rng.choice([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55])
    return f"{hw} {words(m, L)}"


def _date(rng: random.Random) -> str:
    m = rng.choice(MONTHS)
    d = rng.randint(1, 28 if m == "février" else 30)
    dw = "premier" if d == 1 else words(d, L) if rng.random() < 0.6 else str(d)
    if rng.random() < 0.3:
        return f"le {dw} {m} {year(rng, L, 1990, 2030)}"
    return f"le {dw} {m}"


def _price(rng: random.Random) -> str:
    e = rng.choice([2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 18, 20, 25, 30, 45, 60, 75, 99, 120, 250, 1200])
    c = rng.choice([0, 0, 0, 10, 20, 50, 80, 90, 95])
    if rng.random() < 0.4:
        return f"{e} euros" + (f" {c}" if c else "")
    return f"{words(e, L)} euros" + (f" {words(c, L)}" if c else "")


def _digits(rng: random.Random) -> str:
    names = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
    return " ".join(rng.choice(names) for _ in range(rng.randint(3, 6)))


def _arith(rng: random.Random) -> str:
    a, b = rng.randint(2, 50), rng.randint(2, 50)
    op = rng.randrange(3)
    if op == 0:
        return f"{words(a, L)} plus {words(b, L)} font {words(a + b, L)}"
    if op == 1:
        a, b = max(a, b), min(a, b)
        return f"{words(a, L)} moins {words(b, L)} font {words(a - b, L)}"
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    return f"{words(a, L)} fois {words(b, L)} font {words(a * b, L)}"


def _n(lo: int, hi: int) -> Callable[[random.Random], str]:
    # Numbers ending in 1 ("vingt et un") are left out where a noun follows, because they agree in gender.
    def f(r: random.Random) -> str:
        n = r.randint(lo, hi)
        while n % 10 == 1:
            n = r.randint(lo, hi)
        return digits_or_words(r, n, L)

    return f


_ELIDE = re.compile(r"\b([Qq]u|[Dd]|[Jj]|[Nn])e (?!(?:onze|huit)\b)(?=[aeiouyéèêàâîôûœAEIOUÉÈÊÀÂÎÔÛ])")


def post(text: str) -> str:
    """Elision across slot boundaries: "que il" -> "qu'il", "de éteindre" -> "d'éteindre"."""
    return _ELIDE.sub(lambda m: m.group(1) + "'", text)


DYNAMIC = {
    "n_small": _n(2, 20),
    "n_big": _n(22, 9999),
    "n_years": lambda r: words(r.choice([n for n in range(2, 41) if n % 10 != 1]), L),
    "year": lambda r: year(r, L),
    "date": _date,
    "time": _time,
    "price": _price,
    "digits": _digits,
    "arith": _arith,
    "temp": _n(2, 38),
    "pct": lambda r: digits_or_words(r, r.choice(range(5, 100, 5)), L),
    "room": lambda r: str(r.randint(101, 950)),
    "floor": lambda r: r.choice(
        [
            "premier",
            "deuxième",
            "troisième",
            "quatrième",
            "cinquième",
            "sixième",
            "septième",
            "huitième",
            "neuvième",
            "dixième",
        ]
    ),  # fmt: skip
}

SLOTS = {
    "name_m": ["Julien", "Thomas", "Nicolas", "Antoine", "Hugo", "Louis", "Mathieu", "Pierre", "Lucas", "Paul",
               "Maxime", "Olivier", "Romain", "Guillaume", "Théo", "Vincent", "Karim", "François", "Bernard",
               "Mehdi"],
    "name_f": ["Marie", "Camille", "Sophie", "Chloé", "Léa", "Manon", "Élise", "Claire", "Inès", "Juliette",
               "Émilie", "Sarah", "Anaïs", "Pauline", "Margaux", "Nathalie", "Céline", "Yasmine", "Amélie", "Zoé"],
    "name": ["{name_m}", "{name_f}"],
    "city": ["Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Strasbourg", "Rennes",
             "Nice", "Montpellier", "Grenoble", "Dijon", "Brest", "Rouen", "Genève", "Bruxelles", "Montréal",
             "Québec", "Lausanne", "Liège", "Avignon", "Annecy", "Reims", "Tours", "Dakar", "Tunis", "Berlin",
             "Madrid", "Rome"],
    "day": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "when": ["demain", "la semaine prochaine", "{day}", "ce week-end", "ce soir", "le mois prochain",
             "{day} matin", "{day} après-midi", "après le déjeuner", "au printemps", "à la fin du mois", "{date}"],
    "place_f": ["la gare", "la bibliothèque", "la poste", "la pharmacie", "la boulangerie", "la mairie",
                "la piscine", "la plage", "la banque", "la librairie", "la place du marché", "la cathédrale"],
    "place_m": ["l'aéroport", "le musée", "l'hôpital", "le supermarché", "l'arrêt de bus", "le parc", "le stade",
                "le cinéma", "le port", "le marché", "le zoo", "le théâtre"],
    "place": ["{place_f}", "{place_m}"],
    "to_place": ["à la gare", "à la bibliothèque", "à la poste", "à la pharmacie", "à la boulangerie",
                 "à la mairie", "à la piscine", "à la plage", "à l'aéroport", "au musée", "à l'hôpital",
                 "au supermarché", "au parc", "au stade", "au cinéma", "au port", "au marché", "au théâtre"],
    "item_pl": ["pommes", "oranges", "billets", "livres", "chaises", "bougies", "bouteilles d'eau", "baguettes",
                "œufs", "enveloppes", "crayons", "assiettes", "tasses", "serviettes", "piles", "tomates",
                "citrons", "timbres", "cahiers", "couvertures", "oreillers", "ampoules", "bananes", "boîtes",
                "fleurs", "fourchettes", "ballons", "cartes postales"],
    "food": ["de la soupe", "du riz", "des pâtes", "du pain", "du fromage", "de la salade", "du poisson",
             "du poulet", "du café", "du thé", "du jus d'orange", "du gâteau au chocolat", "de la glace",
             "de la purée", "de la tarte aux pommes", "de la limonade", "du chocolat chaud", "des fraises",
             "des crêpes"],
    "activity": ["la lecture", "la natation", "la cuisine", "la peinture", "la course à pied", "le jardinage",
                 "la danse", "le chant", "la randonnée", "le vélo", "la pêche", "le tricot", "l'escalade",
                 "la voile", "le ski", "les échecs", "la guitare", "la photographie", "les langues étrangères"],
    "task": ["fermer la porte à clé", "appeler ta mère", "acheter du lait", "arroser les plantes",
             "nourrir le chat", "envoyer la facture", "réserver les billets", "charger ton téléphone",
             "sortir les poubelles", "payer la facture d'électricité", "rendre les livres à la bibliothèque",
             "éteindre le four", "prendre un parapluie", "vérifier la pression des pneus",
             "répondre au courriel de la banque", "chercher les enfants à l'école", "fermer les fenêtres",
             "noter l'adresse", "imprimer les cartes d'embarquement", "annuler le rendez-vous chez le dentiste",
             "promener le chien", "faire le plein", "mettre le réveil", "remercier {name} pour le cadeau",
             "inviter {name} à la fête"],
    "past": ["fini le rapport", "nettoyé la cuisine", "visité le vieux château", "raté le dernier bus",
             "regardé un vieux film", "réparé le vélo", "fait du pain", "planté des tomates",
             "perdu les clés de la voiture", "trouvé un portefeuille dans la rue", "appris une nouvelle chanson",
             "repeint la clôture", "écrit une longue lettre", "rencontré {name} {to_place}",
             "préparé le dîner pour six personnes", "couru dix kilomètres", "réparé le robinet qui fuyait",
             "acheté un nouveau manteau", "vendu le vieux piano", "passé toute la journée à {city}",
             "oublié de {task}"],
    "clause": ["le magasin était déjà fermé", "personne n'a répondu au téléphone", "il a commencé à pleuvoir",
               "les enfants dormaient encore", "il n'y avait plus de café", "la route était bloquée",
               "le bus est arrivé en retard", "ma sœur a appelé de {city}", "{name} a oublié les clés",
               "la réunion a duré plus longtemps que prévu", "la lumière s'est éteinte d'un coup",
               "la soupe était trop salée", "le musée était gratuit {day}", "l'imprimante ne marchait plus",
               "tout le monde parlait en même temps", "le train était bondé", "il n'y avait plus de billets",
               "il faisait un temps magnifique", "le chien a aboyé toute la nuit", "l'eau était glaciale",
               "nous nous sommes perdus en route", "la vue était superbe", "{name} attendait devant {place}",
               "le chauffage est tombé en panne", "le gâteau était délicieux", "les rues étaient couvertes de neige",
               "le concert a commencé avec une heure de retard", "le chat s'est caché sous le lit",
               "le nouveau directeur avait l'air sympathique", "mon ordinateur a encore planté"],
    "connector": ["mais", "et", "alors", "parce que", "car", "et puis", "pendant que"],
    "relation": ["voisins", "cousins", "amis", "collègues", "camarades de classe", "associés", "colocataires"],
    "job_m": ["infirmier", "ingénieur", "professeur", "boulanger", "pilote", "avocat", "agriculteur",
              "architecte", "journaliste", "dentiste", "pompier", "musicien", "bibliothécaire", "mécanicien",
              "cuisinier", "électricien", "jardinier", "traducteur", "photographe", "chauffeur de bus"],
    "job_f": ["infirmière", "ingénieure", "professeure", "boulangère", "pilote", "avocate", "agricultrice",
              "architecte", "journaliste", "dentiste", "musicienne", "bibliothécaire", "cuisinière",
              "jardinière", "traductrice", "photographe", "chauffeuse de taxi", "vétérinaire", "pharmacienne"],
    "relative_m": ["frère", "oncle", "cousin", "voisin", "meilleur ami", "père", "grand-père", "fils"],
    "relative_f": ["sœur", "tante", "cousine", "voisine", "meilleure amie", "mère", "grand-mère", "fille"],
    "feel_m": ["fatigué", "content", "nerveux", "fier", "surpris", "occupé", "affamé", "inquiet", "silencieux",
               "joyeux", "contrarié", "détendu", "perdu", "endormi"],
    "feel_f": ["fatiguée", "contente", "nerveuse", "fière", "surprise", "occupée", "inquiète", "silencieuse",
               "joyeuse", "contrariée", "détendue", "perdue", "endormie"],
    "object": ["le parapluie bleu", "mon vieil ordinateur", "les ciseaux de la cuisine", "ton manteau d'hiver",
               "les clés de la voiture", "une petite boîte en bois", "le carnet rouge", "la clé de secours",
               "cette carte", "la télécommande", "mes lunettes", "l'écharpe verte", "le mètre ruban",
               "la lampe de poche", "ton passeport", "la carte d'anniversaire", "le chargeur du téléphone",
               "la valise noire"],
    "location": ["sur la table de la cuisine", "dans la voiture", "au bureau", "sous le lit", "à côté de la porte",
                 "dans le tiroir du haut", "dans le train", "chez {name}", "dans mon autre veste",
                 "derrière le canapé", "sur l'étagère de l'entrée"],
    "transport": ["en train", "en voiture", "en bus", "en avion", "à vélo", "en bateau"],
    "home_act": ["jouer aux cartes", "regarder un film", "faire des biscuits", "lire", "ranger le grenier",
                 "faire un puzzle", "cuisiner quelque chose de spécial", "appeler nos amis"],
    "dish": ["la soupe de légumes", "le saumon grillé", "le risotto aux champignons", "la salade niçoise",
             "le ragoût de lentilles", "le croque-monsieur", "les spaghettis à la tomate", "la tarte au citron",
             "le gratin dauphinois"],
    "topic": ["le nouveau pont", "le concert d'hier soir", "l'idée de déménager à {city}",
              "le programme du week-end", "les changements au travail", "ce livre", "la nouvelle bibliothèque",
              "le match de football"],
    "weather": ["beau", "froid", "chaud", "mauvais", "doux", "humide"],
}  # fmt: skip

TEMPLATES = [
    "{name} prend l'avion pour {city} {when}.",
    "Le prochain train pour {city} part à {time}.",
    "Le dernier bus pour {place} part à {time}.",
    "Tu pourrais {task}, s'il te plaît ?",
    "Est-ce que tu as pensé à {task} ?",
    "N'oublie pas de {task} avant de partir.",
    "J'ai acheté {n_small} {item_pl} au marché ce matin.",
    "Il nous faut encore {n_small} {item_pl} pour la fête.",
    "Il ne reste que {n_small} {item_pl} dans le placard.",
    "C'est loin d'ici, {place} ?",
    "Excusez-moi, où se trouve {place} ?",
    "Tournez à gauche après {place} et continuez tout droit.",
    "{name_m} est {job_m} à {city}.",
    "{name_f} est {job_f} à {city}.",
    "Mon {relative_m} est {job_m}.",
    "Ma {relative_f} est {job_f}.",
    "Mon {relative_m} habite à {city} maintenant.",
    "Ma {relative_f} habite à {city} depuis {year}.",
    "{name_m} et {name} sont {relation} depuis {n_years} ans.",
    "Hier, j'ai {past}.",
    "{day} dernier, {name} a {past}.",
    "Je crois que {clause}.",
    "{clause}, {connector} {clause}.",
    "Quand nous sommes arrivés, {clause}.",
    "Tu aimes {activity} ?",
    "{name} adore {activity} depuis toujours.",
    "La réunion a été déplacée à {day}, à {time}.",
    "Il fera {weather} à {city} {when}.",
    "Il fera environ {temp} degrés {when}.",
    "Les billets coûtent {price}.",
    "Ça fait {price}, s'il vous plaît.",
    "Je suis né en {year}.",
    "Le pont a été construit en {year}.",
    "Mon rendez-vous est {date}.",
    "{name} arrivera {date}.",
    "Le code de la porte est {digits}.",
    "Votre numéro de réservation est {digits}.",
    "La chambre {room} est au {floor} étage.",
    "Il y a {n_big} personnes qui attendent dehors.",
    "La bibliothèque possède plus de {n_big} livres.",
    "C'est à toi, {object} ?",
    "Tu as vu {object} ?",
    "Je crois que j'ai laissé {object} {location}.",
    "Où est-ce que tu as mis {object} ?",
    "Pourquoi est-ce que {name_m} est si {feel_m} aujourd'hui ?",
    "Pourquoi est-ce que {name_f} est si {feel_f} aujourd'hui ?",
    "Mon {relative_m} avait l'air {feel_m} après le coup de téléphone.",
    "Ma {relative_f} avait l'air {feel_f} en rentrant du travail.",
    "À quelle heure ouvre {place} {day} ?",
    "Tu veux {food} ?",
    "Je vais prendre {dish}, s'il vous plaît.",
    "Combien de temps faut-il pour aller à {city} {transport} ?",
    "C'est vrai que {clause} ?",
    "{name} m'a dit que {clause}.",
    "S'il fait {weather} {when}, on restera à la maison pour {home_act}.",
    "Tu savais que {arith} ?",
    "Environ {pct} pour cent des élèves ont réussi l'examen.",
    "Qu'est-ce que tu penses de {topic} ?",
    "{name}, tu peux m'aider à {task} ?",
    "On retrouve {name} {to_place} à {time}.",
    "Mon {relative_m} est né {date}.",
    "Ma {relative_f} est née {date}.",
    "Je n'ai pas revu {name} depuis {year}.",
    "On se retrouve {to_place} {when} ?",
    "On peut parler de {topic} {when} ?",
]
