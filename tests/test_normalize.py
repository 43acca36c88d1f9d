"""Golden tests for text normalisation: each language read by its own conventions (decimal comma, date order,
currency placement and agreement, its own script and digits)."""

from __future__ import annotations

import pytest

from voxtral_tts.text.normalize import LANGUAGES, guess_language, normalize
from voxtral_tts.text.normalize.hi import cardinal as hindi
from voxtral_tts.text.normalize.hi import year as hindi_year

GOLDEN = {
    "en": [
        ("I have 3 cats.", "I have three cats."),
        (
            "There were 1,234,567 votes.",
            "There were one million two hundred and thirty-four thousand five hundred and sixty-seven votes.",
        ),
        ("Pi is about 3.14.", "Pi is about three point one four."),
        ("Take -5 steps.", "Take minus five steps."),
        ("She came 1st and he came 22nd.", "She came first and he came twenty-second."),
        ("Due 03/12/2024.", "Due March twelfth, twenty twenty-four."),
        ("Born on 2024-07-04.", "Born on July fourth, twenty twenty-four."),
        ("On March 3, 1999.", "On March third, nineteen ninety-nine."),
        ("On 12 June 2001.", "On the twelfth of June two thousand and one."),
        ("In 1984.", "In nineteen eighty-four."),
        ("Music of the 1990s.", "Music of the nineteen nineties."),
        ("Meet at 3:30 pm.", "Meet at three thirty p m."),
        ("At 10:05.", "At ten oh five."),
        ("At 9am.", "At nine a m."),
        ("It costs $5.50.", "It costs five dollars and fifty cents."),
        ("A $3.5 million deal.", "A three point five million dollars deal."),
        ("Only £20.", "Only twenty pounds."),
        ("€1 each.", "one euro each."),
        ("Save 50%.", "Save fifty percent."),
        ("Run 5 km.", "Run five kilometers."),
        ("It is 20 °C.", "It is twenty degrees Celsius."),
        ("A 2.5 GB file.", "A two point five gigabytes file."),
        (
            "Dr. Smith met Mr. Jones on Main St. in St. Louis.",
            "Doctor Smith met Mister Jones on Main Street in Saint Louis.",
        ),
        ("Apples, pears, etc. Then more.", "Apples, pears, et cetera. Then more."),
        ("Mail john.doe@example.com today.", "Mail john dot doe at example dot com today."),
        ("See https://www.example.org/docs.", "See example dot org slash docs."),
        ("Tom & Jerry", "Tom and Jerry"),
        ("2+2=4", "two plus two equals four"),
        ("No. 7 is mine.", "number seven is mine."),
        ("Pages 10–20.", "Pages ten to twenty."),
        ("Agent 007.", "Agent zero zero seven."),
        ("Call 555-1234.", "Call five hundred and fifty-five one thousand two hundred and thirty-four."),
        ("Years 1990-1995.", "Years nineteen ninety to nineteen ninety-five."),
    ],
    "fr": [
        ("J'ai 3 chats.", "J'ai trois chats."),
        ("Il y a 1 000 000 d'habitants.", "Il y a un million d'habitants."),
        ("Pi vaut 3,14.", "Pi vaut trois virgule quatorze."),
        ("Il fait -5 °C.", "Il fait moins cinq degrés Celsius."),
        ("Le 1er mai.", "Le premier mai."),
        ("La 1re fois, le 2e jour.", "La première fois, le deuxième jour."),
        ("Le 14/07/1789.", "Le quatorze juillet mille sept cent quatre-vingt-neuf."),
        ("Le 1 mars.", "Le premier mars."),
        ("Le XIXe siècle.", "Le dix-neuvième siècle."),
        ("À 14h30.", "À quatorze heures trente."),
        ("À 9 h.", "À neuf heures."),
        ("Prix : 12,50 €.", "Prix : douze euros cinquante."),
        ("Seulement 1 €.", "Seulement un euro."),
        ("Soit 0,99 €.", "Soit quatre-vingt-dix-neuf centimes."),
        ("Une hausse de 50 %.", "Une hausse de cinquante pour cent."),
        ("Il a couru 21 km.", "Il a couru vingt et un kilomètres."),
        ("Ça coûte 1 £.", "Ça coûte une livre."),
        ("Les années 1990–1995.", "Les années mille neuf cent quatre-vingt-dix à mille neuf cent quatre-vingt-quinze."),
        ("M. Dupont et Mme Martin.", "Monsieur Dupont et Madame Martin."),
        ("Pommes, poires, etc. Ensuite rien.", "Pommes, poires, et cetera. Ensuite rien."),
        ("Écrivez à jean.dupont@exemple.fr.", "Écrivez à jean point dupont arobase exemple point fr."),
        ("Allez sur www.exemple.fr/aide.", "Allez sur exemple point fr slash aide."),
        ("Paul & Marie", "Paul et Marie"),
        ("Voir p. 12.", "Voir page douze."),
        ("Le n° 5.", "Le numéro cinq."),
        ("3 millions €.", "trois millions d'euros."),
        ("Il pèse 1,5 kg.", "Il pèse un virgule cinq kilogramme."),
    ],
    "de": [
        ("Ich habe 3 Katzen.", "Ich habe drei Katzen."),
        (
            "Es gab 1.234.567 Stimmen.",
            "Es gab eine Million zweihundertvierunddreißigtausendfünfhundertsiebenundsechzig Stimmen.",
        ),
        ("Pi ist 3,14.", "Pi ist drei Komma eins vier."),
        ("Es hat -5 °C.", "Es hat minus fünf Grad Celsius."),
        ("Am 3. Mai 2024.", "Am dritten Mai zweitausendvierundzwanzig."),
        ("Der 2. Platz.", "Der zweite Platz."),
        ("Er kam um 10. Dann ging er.", "Er kam um zehn. Dann ging er."),
        ("Am 12.03.2024.", "Am zwölften März zweitausendvierundzwanzig."),
        ("Im Jahr 1999.", "Im Jahr neunzehnhundertneunundneunzig."),
        ("Um 14:30 Uhr.", "Um vierzehn Uhr dreißig."),
        ("Um 1 Uhr.", "Um ein Uhr."),
        ("Es kostet 12,50 €.", "Es kostet zwölf Euro fünfzig."),
        ("Nur 1 €.", "Nur ein Euro."),
        ("Es sind 3,5 Mio. €.", "Es sind drei Komma fünf Millionen Euro."),
        ("Ein Plus von 50 %.", "Ein Plus von fünfzig Prozent."),
        ("Er lief 21 km.", "Er lief einundzwanzig Kilometer."),
        ("Die Fahrt dauert 1 h.", "Die Fahrt dauert eine Stunde."),
        ("Dr. Müller, z. B. Nr. 5.", "Doktor Müller, zum Beispiel Nummer fünf."),
        ("Äpfel, Birnen usw. Dann nichts.", "Äpfel, Birnen und so weiter. Dann nichts."),
        ("Schreib an max@beispiel.de.", "Schreib an max at beispiel Punkt de."),
        ("Siehe www.beispiel.de/hilfe.", "Siehe beispiel Punkt de Schrägstrich hilfe."),
        ("Max & Moritz", "Max und Moritz"),
        ("Es wiegt 1 kg.", "Es wiegt ein Kilogramm."),
        ("Seit 1989 ist alles anders.", "Seit neunzehnhundertneunundachtzig ist alles anders."),
    ],
    "es": [
        ("Tengo 3 gatos.", "Tengo tres gatos."),
        ("Hay 1.234.567 votos.", "Hay un millón doscientos treinta y cuatro mil quinientos sesenta y siete votos."),
        ("Pi es 3,14.", "Pi es tres coma catorce."),
        ("Hace -5 °C.", "Hace menos cinco grados Celsius."),
        ("La 1.ª vez.", "La primera vez."),
        ("El 3er puesto.", "El tercer puesto."),
        ("El 1.º de mayo.", "El primero de mayo."),
        ("El 12/03/2024.", "El doce de marzo de dos mil veinticuatro."),
        ("El 3 de marzo de 2024.", "El tres de marzo de dos mil veinticuatro."),
        ("En el siglo XX.", "En el siglo veinte."),
        ("En el siglo V.", "En el siglo quinto."),
        ("A las 14:30.", "A las catorce y treinta."),
        ("A la 1:00.", "A la una en punto."),
        ("Cuesta 12,50 €.", "Cuesta doce euros con cincuenta céntimos."),
        ("Solo 21 €.", "Solo veintiún euros."),
        ("Cuesta 200 £.", "Cuesta doscientas libras."),
        ("Un 25 % más.", "Un veinticinco por ciento más."),
        ("Corrió 21 km.", "Corrió veintiún kilómetros."),
        ("Dura 1 h.", "Dura una hora."),
        ("El Sr. García y la Sra. López.", "El señor García y la señora López."),
        ("Manzanas, peras, etc. Luego nada.", "Manzanas, peras, etcétera. Luego nada."),
        ("Escribe a ana@ejemplo.es.", "Escribe a ana arroba ejemplo punto es."),
        ("Visita www.ejemplo.es/ayuda.", "Visita ejemplo punto es barra ayuda."),
        ("Pedro & Juan", "Pedro y Juan"),
        ("3,5 millones €.", "tres coma cinco millones de euros."),
    ],
    "it": [
        ("Ho 3 gatti.", "Ho tre gatti."),
        ("Ci sono 1.234.567 voti.", "Ci sono un milione e duecentotrentaquattromilacinquecentosessantasette voti."),
        ("Pi è 3,14.", "Pi è tre virgola quattordici."),
        ("Fa -5 °C.", "Fa meno cinque gradi Celsius."),
        ("Il 1° maggio.", "Il primo maggio."),
        ("La 1ª volta, il 2º giorno.", "La prima volta, il secondo giorno."),
        ("Il 12/03/2024.", "Il dodici marzo duemilaventiquattro."),
        ("Il XX secolo.", "Il ventesimo secolo."),
        ("Alle 14:30.", "Alle quattordici e trenta."),
        ("All'1:00.", "All'una."),
        ("Costa 12,50 €.", "Costa dodici euro e cinquanta centesimi."),
        ("Solo 1 €.", "Solo un euro."),
        ("Un aumento del 50 %.", "Un aumento del cinquanta per cento."),
        ("Ha corso 21 km.", "Ha corso ventuno chilometri."),
        ("Dura 1 h.", "Dura un'ora."),
        ("Il Sig. Rossi e la Sig.ra Bianchi.", "Il signor Rossi e la signora Bianchi."),
        ("Mele, pere, ecc. Poi niente.", "Mele, pere, eccetera. Poi niente."),
        ("Scrivi a mario@esempio.it.", "Scrivi a mario chiocciola esempio punto it."),
        ("Vai su www.esempio.it/aiuto.", "Vai su esempio punto it barra aiuto."),
        ("Mario & Luigi", "Mario e Luigi"),
        ("3,5 milioni €.", "tre virgola cinque milioni di euro."),
        ("Pesa 1 kg.", "Pesa un chilogrammo."),
    ],
    "pt": [
        ("Tenho 3 gatos.", "Tenho três gatos."),
        ("Há 1.234.567 votos.", "Há um milhão duzentos e trinta e quatro mil quinhentos e sessenta e sete votos."),
        ("Pi é 3,14.", "Pi é três vírgula catorze."),
        ("Faz -5 °C.", "Faz menos cinco graus Celsius."),
        ("A 1ª vez, o 2º dia.", "A primeira vez, o segundo dia."),
        ("Em 1º de maio.", "Em primeiro de maio."),
        ("Dia 12/03/2024.", "Dia doze de março de dois mil e vinte e quatro."),
        ("Em 1 de janeiro.", "Em primeiro de janeiro."),
        ("Às 14h30.", "Às catorze e trinta."),
        ("Às 14:00.", "Às catorze horas."),
        ("Custa R$ 10,50.", "Custa dez reais e cinquenta centavos."),
        ("Só 1 €.", "Só um euro."),
        ("Um aumento de 50%.", "Um aumento de cinquenta por cento."),
        ("Correu 21 km.", "Correu vinte e um quilômetros."),
        ("Dura 2 h.", "Dura duas horas."),
        ("O Sr. Silva e a Sra. Costa.", "O senhor Silva e a senhora Costa."),
        ("Maçãs, peras, etc. Depois nada.", "Maçãs, peras, et cetera. Depois nada."),
        ("Escreva para ana@exemplo.com.br.", "Escreva para ana arroba exemplo ponto com ponto br."),
        ("Visite www.exemplo.pt/ajuda.", "Visite exemplo ponto pt barra ajuda."),
        ("Pedro & Paulo", "Pedro e Paulo"),
        ("3,5 milhões €.", "três vírgula cinco milhões de euros."),
        ("Pesa 200 t.", "Pesa duzentas toneladas."),
    ],
    "nl": [
        ("Ik heb 3 katten.", "Ik heb drie katten."),
        (
            "Er waren 1.234.567 stemmen.",
            "Er waren een miljoen tweehonderdvierendertigduizendvijfhonderdzevenenzestig stemmen.",
        ),
        ("Pi is 3,14.", "Pi is drie komma veertien."),
        ("Het is -5 °C.", "Het is min vijf graden Celsius."),
        ("De 1e keer en de 8ste.", "De eerste keer en de achtste."),
        ("Op 12-03-2024.", "Op twaalf maart tweeduizendvierentwintig."),
        ("In 1999.", "In negentienhonderdnegenennegentig."),
        ("Om 14.30 uur.", "Om veertien uur dertig."),
        ("Om 14:00.", "Om veertien uur."),
        ("Het kost € 12,50.", "Het kost twaalf euro vijftig."),
        ("Maar € 1.", "Maar één euro."),
        ("Een stijging van 50%.", "Een stijging van vijftig procent."),
        ("Hij liep 21 km.", "Hij liep eenentwintig kilometer."),
        ("Dhr. Jansen en mevr. de Vries.", "de heer Jansen en mevrouw de Vries."),
        ("Appels, peren, enz. Daarna niets.", "Appels, peren, enzovoort. Daarna niets."),
        ("Mail naar jan@voorbeeld.nl.", "Mail naar jan apenstaartje voorbeeld punt nl."),
        ("Ga naar www.voorbeeld.nl/hulp.", "Ga naar voorbeeld punt nl schuine streep hulp."),
        ("Jan & Piet", "Jan en Piet"),
        ("3,5 miljoen euro.", "drie komma vijf miljoen euro."),
        ("Het weegt 101 kg.", "Het weegt honderdeen kilogram."),
        ("Op 1 mei 1945.", "Op één mei negentienhonderdvijfenveertig."),
    ],
    "ar": [
        ("لدي ٣ قطط.", "لدي ثلاثة قطط."),
        ("عدد السكان 1,234,567 نسمة.", "عدد السكان مليون ومئتان وأربعة وثلاثون ألفاً وخمسمائة وسبعة وستون نسمة."),
        ("قيمة باي ٣٫١٤.", "قيمة باي ثلاثة فاصلة أربعة عشر."),
        ("الحرارة -5 °C.", "الحرارة سالب خمس درجات مئوية."),
        ("في ١٥/٠٨/٢٠٢٤.", "في خمسة عشر أغسطس ألفان وأربعة وعشرون."),
        ("الساعة 10:30.", "الساعة عشرة وثلاثون دقيقة."),
        ("في 14:00.", "في الساعة أربعة عشر."),
        ("السعر $5.50.", "السعر خمسة دولارات وخمسون سنتًا."),
        ("دفعت 2 $.", "دفعت دولاران."),
        ("دفعت 15 $.", "دفعت خمسة عشر دولارًا."),
        ("نسبة ٥٠٪.", "نسبة خمسون بالمئة."),
        ("مسافة 5 كم.", "مسافة خمسة كيلومترات."),
        ("مسافة 1 كم.", "مسافة كيلومتر واحد."),
        ("مسافة 2 كم.", "مسافة كيلومتران."),
        ("عام 2024م.", "عام ألفان وأربعة وعشرون ميلادي."),
        ("د. أحمد هنا.", "الدكتور أحمد هنا."),
        ("كتب وأقلام إلخ.", "كتب وأقلام إلى آخره."),
        ("راسلني على ali@example.com.", "راسلني على ali آت example نقطة com."),
        ("زر www.example.com.", "زر example نقطة com."),
        ("أحمد & علي", "أحمد و علي"),
        ("العدد 200.", "العدد مئتان."),
        ("العدد 2000.", "العدد ألفان."),
        ("العدد 21.", "العدد واحد وعشرون."),
        ("مدة 3 h.", "مدة ثلاث ساعات."),
    ],
    "hi": [
        ("मेरे पास ३ बिल्लियाँ हैं।", "मेरे पास तीन बिल्लियाँ हैं।"),
        ("जनसंख्या 1,00,000 है।", "जनसंख्या एक लाख है।"),
        ("कुल 12,34,567 वोट।", "कुल बारह लाख चौंतीस हज़ार पाँच सौ सड़सठ वोट।"),
        ("पाई 3.14 है।", "पाई तीन दशमलव एक चार है।"),
        ("तापमान -5 °C है।", "तापमान माइनस पाँच डिग्री सेल्सियस है।"),
        ("15/08/1947 को।", "पंद्रह अगस्त उन्नीस सौ सैंतालीस को।"),
        ("सन् 1857 में।", "सन् अठारह सौ सत्तावन में।"),
        ("3:30 बजे।", "तीन बजकर तीस मिनट।"),
        ("10:00 बजे।", "दस बजे।"),
        ("कीमत ₹12.50 है।", "कीमत बारह रुपये पचास पैसे है।"),
        ("सिर्फ ₹1", "सिर्फ एक रुपया"),
        ("कुल ₹5 लाख।", "कुल पाँच लाख रुपये।"),
        ("$10 दिए।", "दस डॉलर दिए।"),
        ("50% छूट।", "पचास प्रतिशत छूट।"),
        ("5 किमी दूर।", "पाँच किलोमीटर दूर।"),
        ("डॉ. शर्मा आए।", "डॉक्टर शर्मा आए।"),
        ("1ला और 2री", "पहला और दूसरी"),
        ("१२३४५ लोग।", "बारह हज़ार तीन सौ पैंतालीस लोग।"),
        ("मुझे raj@example.com पर लिखें।", "मुझे raj एट द रेट example डॉट com पर लिखें।"),
        ("राम & श्याम", "राम और श्याम"),
        ("99 और 100", "निन्यानबे और एक सौ"),
        ("1999 में।", "उन्नीस सौ निन्यानबे में।"),
    ],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_at_least_fifteen_goldens(lang: str) -> None:
    assert len(GOLDEN[lang]) >= 15


@pytest.mark.parametrize(
    ("lang", "text", "expected"), [(lang, t, e) for lang, cases in GOLDEN.items() for t, e in cases]
)
def test_golden(lang: str, text: str, expected: str) -> None:
    assert normalize(text, lang) == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Good morning."),
        ("en", 'It\'s fine—really, "quoted" (and bracketed)!'),
        ("fr", "Bonjour : ça va ? Oui !"),
        ("de", "Guten Morgen, Straße."),
        ("es", "¿Qué tal? ¡Bien!"),
        ("it", "Buongiorno a tutti."),
        ("pt", "Bom dia, São Paulo."),
        ("nl", "Goedemorgen, 's avonds."),
        ("ar", "صباح الخير، كيف حالك؟"),
        ("hi", "नमस्ते, आप कैसे हैं?"),
    ],
)
def test_text_without_anything_to_expand_is_unchanged(lang: str, text: str) -> None:
    assert normalize(text, lang) == text


def test_paragraphs_survive_and_other_whitespace_collapses() -> None:
    assert normalize("One  two\tthree.\n\n\nNext   paragraph.", "en") == "One two three.\n\nNext paragraph."


def test_emoji_and_pictographs_are_dropped() -> None:
    assert normalize("🙂🎉", "en") == ""
    assert normalize("Great 👍 job", "en") == "Great job"


def test_unknown_language_is_one_clear_error() -> None:
    with pytest.raises(ValueError, match="language 'xx' is not supported; use one of: en, fr"):
        normalize("Hi", "xx")


def test_hindi_number_words_follow_the_indian_scale() -> None:
    assert hindi(0) == "शून्य"
    assert hindi(45) == "पैंतालीस"
    assert hindi(100) == "एक सौ"
    assert hindi(1000) == "एक हज़ार"
    assert hindi(100000) == "एक लाख"
    assert hindi(10**7) == "एक करोड़"
    assert hindi(123456789) == "बारह करोड़ चौंतीस लाख छप्पन हज़ार सात सौ नवासी"
    assert hindi(10**9) == "एक अरब"
    assert hindi_year(1947) == "उन्नीस सौ सैंतालीस" and hindi_year(2024) == "दो हज़ार चौबीस"


@pytest.mark.parametrize(
    ("text", "voice", "lang"),
    [
        ("The weather is nice and the sun is out.", None, "en"),
        ("Le chat est sur la table et il dort.", None, "fr"),
        ("Der Hund ist nicht in dem Haus.", None, "de"),
        ("El perro está en la casa con los niños.", None, "es"),
        ("Il gatto è sul tavolo per la notte.", None, "it"),
        ("O gato não está em casa com a família.", None, "pt"),
        ("De kat is niet in het huis van de buren.", None, "nl"),
        ("مرحبا بكم", None, "ar"),
        ("नमस्ते दुनिया", None, "hi"),
        ("Bonjour", "fr_female", "fr"),
        ("Hello", "casual_male", "en"),
    ],
)
def test_guess_language(text: str, voice: str | None, lang: str) -> None:
    assert guess_language(text, voice) == lang
