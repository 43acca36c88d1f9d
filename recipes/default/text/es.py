"""Spanish (neutral, European spelling conventions, no vosotros). Counted nouns are masculine or feminine with
numbers that do not agree in gender (no 1, 21, 31 ... and no hundreds)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from .numbers import digits_or_words, words, year

L = "es"

FIXED = [
    "El gato duerme tranquilamente en el sofá del salón.",
    "¿Podría hablar un poco más despacio, por favor?",
    "Esperamos el autobús casi una hora, pero nunca llegó.",
    "Mi abuela se crio en una pequeña granja en las montañas.",
    "¿Hay alguna farmacia abierta cerca de aquí?",
    "Los niños estaban haciendo un castillo de arena cuando subió la marea.",
    "Lleva tres años aprendiendo a tocar el piano y ya toca muy bien.",
    "Muchas gracias por las flores, son preciosas.",
    "El concierto se canceló por la tormenta.",
    "Después de cenar, dimos un largo paseo por la playa.",
    "Nadie sabe exactamente cuántos años tiene el roble de la plaza.",
    "Lo siento, el médico no tiene citas libres hasta el jueves que viene.",
    "Apaga la luz cuando salgas de la habitación.",
    "Nuestro vuelo se retrasó y perdimos la conexión en Madrid.",
    "¿Qué harías si ganaras un viaje alrededor del mundo?",
    "La receta lleva dos tazas de harina y una pizca de sal.",
    "Tardaron seis meses en reparar el puente viejo.",
    "¿De qué andén sale el tren para Valencia?",
    "Sinceramente, creo que la primera versión de la canción era mejor.",
    "En la biblioteca también prestan herramientas, no solo libros.",
    "¿Por qué no quedamos delante del cine a las siete?",
    "Cada otoño, las hojas del parque se vuelven rojas y doradas.",
    "Por favor, firme el formulario antes de entregarlo.",
    "Se me acabó la batería del móvil en medio de la llamada.",
    "A la sopa le falta un poco de pimienta, ¿no crees?",
    "Vamos a pintar la cocina de un verde claro.",
    "¿Cuántos idiomas hablas?",
    "Susurró algo, pero no pude oír lo que dijo.",
    "Una ráfaga de viento le arrancó el paraguas de las manos.",
    "Los vecinos nuevos nos invitaron a una barbacoa el domingo.",
    "No hace falta correr, la tienda está abierta hasta las nueve.",
    "Nunca había visto tantas estrellas en el cielo.",
    "¿Me puede decir cómo llegar a la estación de metro más cercana?",
    "Dicen que esta noche va a nevar, así que conduce con cuidado.",
    "La habitación del hotel tenía una vista preciosa del puerto.",
    "Avísame cuando llegues a casa.",
    "¿Prefieres té o café?",
    "La impresora del segundo piso se ha quedado sin papel otra vez.",
    "Si hubiera sabido que había tanto tráfico, habría cogido el tren.",
    "El bebé por fin se durmió después de veinte minutos de canciones.",
    "El agua hierve a cien grados al nivel del mar.",
    "El ayuntamiento decidió construir un parque infantil junto a la escuela.",
    "Deberíamos salir temprano mañana para evitar la hora punta.",
    "Perdone, creo que se ha equivocado de número.",
    "El gato saltó a la mesa y tiró un vaso de leche.",
    "¿Me recomienda algún buen restaurante por aquí?",
    "Es la primera vez que hago pan en casa.",
    "Espera un momento, estoy buscando mis gafas.",
    "Pasaron toda la tarde buscando al cachorro perdido.",
    "Conserve su billete hasta el final del trayecto.",
    "Los agricultores esperan que llueva después de un verano tan seco.",
    "¿Dónde dejaste la bicicleta exactamente?",
    "No hay nada mejor que una limonada bien fría en un día de calor.",
    "La película fue mucho más larga de lo que esperaba, pero me encantó.",
    "Antes de cruzar la calle, mira a los dos lados.",
    "Quería reservar una mesa para cuatro personas a las nueve, por favor.",
    "El tren iba tan lleno que tuvimos que ir de pie todo el viaje.",
    "Buenos días a todos y bienvenidos a la reunión anual.",
    "¿Me vigilas la bolsa mientras voy a por un café?",
    "¡Qué sorpresa tan agradable verte por aquí!",
    "Cuidado, el suelo todavía está mojado.",
    "¿Seguro que cerraste con llave la puerta de atrás?",
    "Los días despejados se ven las montañas desde lo alto de la torre.",
    "Normalmente salgo a correr antes de desayunar, salvo cuando llueve.",
    "La panadería de la esquina hace el mejor pan de la ciudad.",
    "Esta mañana me dejé el paraguas en el metro.",
    "Las vacaciones de verano empiezan a principios de julio este año.",
    "¿Has probado alguna vez la tarta de queso de mi tía?",
    "El museo cierra los lunes, así que mejor vamos el martes.",
    "Mañana por la mañana hay mercado en la plaza mayor.",
]

SHORT = [
    "Sí.", "No.", "Quizás.", "Gracias.", "Muchas gracias.", "Hola.", "Buenos días.", "Buenas tardes.",
    "Buenas noches.", "Adiós.", "Hasta luego.", "Hasta mañana.", "Perdone.", "Lo siento.", "No pasa nada.",
    "Claro.", "¿Por qué no?", "¿De verdad?", "¿Estás seguro?", "Todavía no.", "Casi listo.", "¡Muy bien!",
    "¡Enhorabuena!", "¡Feliz cumpleaños!", "¡Salud!", "¡Cuidado!", "¡Socorro!", "Adelante.", "Siéntese, por favor.",
    "Espera aquí.", "Sígueme.", "¡Date prisa!", "Cuídate.", "¡Buena suerte!", "Encantado.", "¿Qué tal?",
    "Estoy bien.", "¿Qué hora es?", "¿Dónde estás?", "¿Quién es?", "Vamos.", "Yo también.", "De acuerdo.",
    "Para nada.", "Exacto.", "No importa.", "Adelante, dime.", "Buena idea.", "Demasiado tarde.", "No está mal.",
    "Perfecto.", "Por favor.", "Un café, por favor.", "La cuenta, por favor.", "Dos billetes.", "Andén nueve.",
    "Habitación doce.", "El lunes por la mañana.", "La semana que viene.", "Ahora mismo.", "Mañana por la noche.",
    "Más tarde.", "A veces.", "Siempre.", "Nunca.", "Aquí.", "Allí.", "Todo recto.", "A la izquierda.",
    "A la derecha.", "¡Alto!", "Escucha.", "¡Mira!", "Silencio, por favor.", "¡Buen provecho!", "¡Buen viaje!",
    "Llámame.", "¡Ay, no!", "¡Genial!", "Ya veo.", "Entendido.", "Un momento.", "Madrid.", "Sevilla.",
    "Diecisiete.", "Cien.", "Pan recién hecho.", "Cielo azul.", "Agua fría.", "Té verde.", "Tarta de chocolate.",
    "Zumo de manzana.", "La cocina.", "La estación.", "Mis llaves.", "Te toca.", "¡Feliz año nuevo!",
    "Cierra la puerta.", "Abre la ventana.", "Me parece bien.", "Buena pregunta.", "¡Buen fin de semana!",
    "De nada.", "Ni idea.", "¡Claro que sí!", "¡Jesús!", "Vale.",
]  # fmt: skip

MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre"]  # fmt: skip


def _time(rng: random.Random) -> str:
    h = rng.randint(1, 12)
    art = "la una" if h == 1 else f"las {words(h, L)}"
    form = rng.randrange(6)
    if form == 0:
        return art
    if form == 1:
        return f"{art} y media"
    if form == 2:
        return f"{art} y cuarto"
    if form == 3:
        nxt = h % 12 + 1
        return f"{'la una' if nxt == 1 else 'las ' + words(nxt, L)} menos cuarto"
    if form == 4:
        return rng.choice(["mediodía", "medianoche"])
    m = rng.choice([5, 10, 20, 25])
    return f"{art} y {words(m, L)}"


def _date(rng: random.Random) -> str:
    m = rng.choice(MONTHS)
    d = rng.randint(1, 28 if m == "febrero" else 30)
    dw = "primero" if d == 1 and rng.random() < 0.5 else words(d, L) if rng.random() < 0.6 else str(d)
    if rng.random() < 0.3:
        return f"{dw} de {m} de {year(rng, L, 1990, 2030)}"
    return f"{dw} de {m}"


def _price(rng: random.Random) -> str:
    e = rng.choice([2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 18, 20, 25, 30, 45, 60, 75, 99, 120, 250, 1200])
    c = rng.choice([0, 0, 0, 10, 20, 50, 80, 90, 95])
    if rng.random() < 0.4:
        return f"{e} euros" + (f" con {c}" if c else "")
    return f"{words(e, L)} euros" + (f" con {words(c, L)}" if c else "")


def _digits(rng: random.Random) -> str:
    names = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
    return " ".join(rng.choice(names) for _ in range(rng.randint(3, 6)))


def _arith(rng: random.Random) -> str:
    a, b = rng.randint(2, 50), rng.randint(2, 50)
    op = rng.randrange(3)
    if op == 0:
        return f"{words(a, L)} más {words(b, L)} son {words(a + b, L)}"
    if op == 1:
        a, b = max(a, b), min(a, b)
        return f"{words(a, L)} menos {words(b, L)} son {words(a - b, L)}"
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    return f"{words(a, L)} por {words(b, L)} son {words(a * b, L)}"


def _n(lo: int, hi: int) -> Callable[[random.Random], str]:
    # 1, 21, 31 ... and 200-999 agree in gender with the noun; the pool keeps to numbers that do not.
    def f(r: random.Random) -> str:
        while True:
            n = r.randint(lo, hi)
            if n % 10 != 1 and not (200 <= n % 1000 <= 999):
                return digits_or_words(r, n, L)

    return f


_Y_TO_E = re.compile(r"\by (?=[IiÍí]|[Hh][IiÍí](?![Ee]))")


def post(text: str) -> str:
    """ "y" becomes "e" before an /i/ sound: "Javier e Irene"."""
    return _Y_TO_E.sub("e ", text)


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
    "temp": lambda r: digits_or_words(r, r.choice([n for n in range(2, 39) if n % 10 != 1]), L),
    "pct": lambda r: digits_or_words(r, r.choice(range(5, 100, 5)), L),
    "room": lambda r: str(r.randint(101, 950)),
    "floor": lambda r: r.choice(
        ["primer", "segundo", "tercer", "cuarto", "quinto", "sexto", "séptimo", "octavo", "noveno", "décimo"]
    ),  # fmt: skip
}

SLOTS = {
    "name_m": ["Javier", "Carlos", "Pablo", "Diego", "Alejandro", "Miguel", "Andrés", "Daniel", "Sergio",
               "Manuel", "Luis", "Jorge", "Adrián", "Íñigo", "Álvaro", "Tomás", "Mateo", "Rafael", "Hugo", "Raúl"],
    "name_f": ["Lucía", "María", "Carmen", "Elena", "Sofía", "Paula", "Laura", "Marta", "Ana", "Isabel", "Claudia",
               "Alba", "Irene", "Sara", "Julia", "Rocío", "Beatriz", "Natalia", "Valentina", "Pilar"],
    "name": ["{name_m}", "{name_f}"],
    "city": ["Madrid", "Barcelona", "Sevilla", "Valencia", "Bilbao", "Málaga", "Zaragoza", "Granada", "Salamanca",
             "Toledo", "Córdoba", "Santander", "Cádiz", "Vigo", "Murcia", "Palma", "Buenos Aires", "Bogotá",
             "Lima", "Santiago", "Ciudad de México", "Quito", "Montevideo", "La Habana", "Caracas", "Lisboa",
             "París", "Roma", "Londres", "Berlín"],
    "day": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "when": ["mañana", "la semana que viene", "el {day}", "este fin de semana", "esta noche", "el mes que viene",
             "el {day} por la mañana", "el {day} por la tarde", "después de comer", "en primavera",
             "a final de mes", "el {date}"],
    "place": ["la estación", "la biblioteca", "la oficina de correos", "el aeropuerto", "el museo", "el hospital",
              "la panadería", "el supermercado", "el ayuntamiento", "la parada del autobús", "el parque",
              "la farmacia", "el estadio", "la playa", "la plaza mayor", "el banco", "la piscina",
              "la gasolinera", "la librería", "el puerto", "el mercado", "el zoo", "el cine"],
    "to_place": ["a la estación", "a la biblioteca", "a la oficina de correos", "al aeropuerto", "al museo",
                 "al hospital", "a la panadería", "al supermercado", "al ayuntamiento", "al parque",
                 "a la farmacia", "al estadio", "a la playa", "a la plaza mayor", "al puerto", "al mercado",
                 "al cine"],
    "at_place": ["en la estación", "en la biblioteca", "en correos", "en el aeropuerto", "en el museo",
                 "delante del hospital", "en la panadería", "en el supermercado", "delante del ayuntamiento",
                 "en la parada del autobús", "en el parque", "en la plaza mayor", "en el puerto", "en el mercado",
                 "en la puerta del cine"],
    "item_pl": ["manzanas", "naranjas", "entradas", "libros", "sillas", "velas", "botellas de agua", "barras de pan",
                "huevos", "sobres", "lápices", "platos", "tazas", "toallas", "pilas", "tomates", "limones", "sellos",
                "cuadernos", "mantas", "almohadas", "bombillas", "plátanos", "latas de sopa", "cajas", "flores",
                "tenedores", "globos", "postales"],
    "food": ["sopa", "arroz", "pasta", "pan", "queso", "ensalada", "pescado", "pollo", "café", "té",
             "zumo de naranja", "tarta de chocolate", "helado", "puré de patatas", "tarta de manzana", "limonada",
             "chocolate caliente", "fresas", "tortilla de patatas", "gazpacho"],
    "activity": ["leer", "nadar", "cocinar", "pintar", "correr", "la jardinería", "bailar", "cantar",
                 "hacer senderismo", "montar en bici", "pescar", "hacer punto", "la repostería", "escalar",
                 "navegar", "esquiar", "jugar al ajedrez", "tocar la guitarra", "la fotografía", "aprender idiomas"],
    "task": ["cerrar la puerta con llave", "llamar a tu madre", "comprar leche", "regar las plantas",
             "dar de comer al gato", "enviar la factura", "reservar las entradas", "cargar el móvil",
             "sacar la basura", "pagar la factura de la luz", "devolver los libros a la biblioteca",
             "apagar el horno", "llevar un paraguas", "revisar la presión de las ruedas",
             "contestar el correo del banco", "recoger a los niños del colegio", "cerrar las ventanas de arriba",
             "apuntar la dirección", "imprimir las tarjetas de embarque", "anular la cita con el dentista",
             "sacar al perro", "llenar el depósito", "poner el despertador", "dar las gracias a {name} por el regalo",
             "invitar a {name} a la fiesta"],
    "past": ["terminé el informe", "limpié la cocina", "visité el castillo viejo", "fui andando al trabajo",
             "perdí el último autobús", "vi una película antigua", "arreglé la bicicleta", "hice pan",
             "planté tomates", "perdí las llaves del coche", "encontré una cartera en la calle",
             "aprendí una canción nueva", "pinté la valla", "escribí una carta larga", "fui {to_place}",
             "vi a {name} {at_place}", "cociné para seis personas", "corrí diez kilómetros",
             "arreglé el grifo que goteaba", "me compré un abrigo nuevo", "vendí el piano viejo",
             "pasé todo el día en {city}", "me olvidé de {task}"],
    "past3": ["terminó el informe", "limpió la cocina", "visitó el castillo viejo", "perdió el último autobús",
              "vio una película antigua", "arregló la bicicleta", "hizo pan", "plantó tomates",
              "perdió las llaves del coche", "encontró una cartera en la calle", "aprendió una canción nueva",
              "pintó la valla", "escribió una carta larga", "fue {to_place}", "cocinó para seis personas",
              "corrió diez kilómetros", "vendió el piano viejo", "pasó todo el día en {city}",
              "se olvidó de {task}"],
    "clause": ["la tienda ya estaba cerrada", "nadie contestó al teléfono", "empezó a llover",
               "los niños seguían dormidos", "se acabó el café", "la carretera estaba cortada",
               "el autobús llegó tarde", "mi hermana llamó desde {city}", "{name} se olvidó las llaves",
               "la reunión duró más de lo previsto", "de repente se fue la luz", "la sopa estaba demasiado salada",
               "el museo era gratis el {day}", "la impresora dejó de funcionar", "todos hablaban a la vez",
               "el tren iba lleno", "se agotaron las entradas", "hacía un tiempo estupendo",
               "el perro ladró toda la noche", "el agua estaba helada", "nos perdimos por el camino",
               "las vistas eran impresionantes", "{name} esperaba {at_place}", "se estropeó la calefacción",
               "la tarta estaba buenísima", "las calles estaban cubiertas de nieve",
               "el concierto empezó con una hora de retraso", "el gato se escondió debajo de la cama",
               "el nuevo jefe parecía simpático", "se me colgó el ordenador otra vez"],
    "connector": ["pero", "y", "así que", "porque", "aunque", "y luego", "mientras"],
    "relation": ["vecinos", "primos", "amigos", "compañeros de trabajo", "compañeros de clase", "socios",
                 "compañeros de piso"],
    "job_m": ["enfermero", "ingeniero", "profesor", "panadero", "piloto", "abogado", "agricultor", "arquitecto",
              "periodista", "dentista", "bombero", "músico", "bibliotecario", "mecánico", "cocinero", "electricista",
              "jardinero", "traductor", "fotógrafo", "conductor de autobús"],
    "job_f": ["enfermera", "ingeniera", "profesora", "panadera", "piloto", "abogada", "agricultora", "arquitecta",
              "periodista", "dentista", "bombera", "bibliotecaria", "cocinera",
              "electricista", "jardinera", "traductora", "fotógrafa", "veterinaria"],
    "relative_m": ["hermano", "tío", "primo", "vecino", "mejor amigo", "padre", "abuelo", "hijo"],
    "relative_f": ["hermana", "tía", "prima", "vecina", "mejor amiga", "madre", "abuela", "hija"],
    "feel_m": ["cansado", "contento", "nervioso", "orgulloso", "sorprendido", "ocupado", "preocupado", "callado",
               "alegre", "molesto", "relajado", "confundido"],
    "feel_f": ["cansada", "contenta", "nerviosa", "orgullosa", "sorprendida", "ocupada", "preocupada", "callada",
               "alegre", "molesta", "relajada", "confundida"],
    "object": ["el paraguas azul", "mi portátil viejo", "las tijeras de la cocina", "tu abrigo de invierno",
               "las llaves del coche", "una cajita de madera", "el cuaderno rojo", "la llave de repuesto",
               "este mapa", "el mando a distancia", "mis gafas de leer", "la bufanda verde", "la cinta métrica",
               "la linterna", "tu pasaporte", "la tarjeta de cumpleaños", "el cargador del móvil", "la maleta negra"],
    "location": ["en la mesa de la cocina", "en el coche", "en la oficina", "debajo de la cama", "al lado de la puerta",
                 "en el cajón de arriba", "en el tren", "en casa de {name}", "en la otra chaqueta",
                 "detrás del sofá", "en la estantería del pasillo"],
    "transport": ["en tren", "en coche", "en autobús", "en avión", "en bici", "en barco"],
    "home_act": ["jugar a las cartas", "ver una película", "hacer galletas", "leer", "ordenar el trastero",
                 "hacer un puzle", "cocinar algo especial", "llamar a nuestros amigos"],
    "dish": ["la sopa de verduras", "el salmón a la plancha", "el risotto de setas", "la ensalada de pollo",
             "las lentejas", "el bocadillo de queso", "los espaguetis con tomate", "la tarta de limón",
             "la paella de marisco"],
    "topic": ["el puente nuevo", "el concierto de anoche", "la idea de mudarnos a {city}",
              "el plan para el fin de semana", "los cambios en el trabajo", "este libro", "la nueva biblioteca",
              "el partido de fútbol"],
    "weather": ["sol", "frío", "calor", "viento", "buen tiempo", "mal tiempo"],
}  # fmt: skip

TEMPLATES = [
    "{name} vuela a {city} {when}.",
    "El próximo tren para {city} sale a {time}.",
    "El último autobús {to_place} sale a {time}.",
    "¿Podrías {task}, por favor?",
    "¿Te acordaste de {task}?",
    "No te olvides de {task} antes de salir.",
    "Esta mañana compré {n_small} {item_pl} en el mercado.",
    "Necesitamos {n_small} {item_pl} más para la fiesta.",
    "Solo quedan {n_small} {item_pl} en el armario.",
    "¿A qué distancia está {place}?",
    "Perdone, ¿dónde está {place}?",
    "Gire a la izquierda después de {place} y siga todo recto.",
    "{name_m} trabaja de {job_m} en {city}.",
    "{name_f} trabaja de {job_f} en {city}.",
    "Mi {relative_m} es {job_m}.",
    "Mi {relative_f} es {job_f}.",
    "Mi {relative_m} vive ahora en {city}.",
    "Mi {relative_f} vive en {city} desde {year}.",
    "{name_m} y {name} son {relation} desde hace {n_years} años.",
    "Ayer {past}.",
    "El {day} pasado, {name} {past3}.",
    "Creo que {clause}.",
    "{clause}, {connector} {clause}.",
    "Cuando llegamos, {clause}.",
    "¿Te gusta {activity}?",
    "A {name} le encanta {activity} desde siempre.",
    "La reunión se ha cambiado al {day} a {time}.",
    "{when} hará {weather} en {city}.",
    "{when} estaremos a unos {temp} grados.",
    "Las entradas cuestan {price}.",
    "Son {price}, por favor.",
    "Nací en {year}.",
    "El puente se construyó en {year}.",
    "Mi cita es el {date}.",
    "{name} llegará el {date}.",
    "El código de la puerta es {digits}.",
    "Su número de reserva es {digits}.",
    "La habitación {room} está en el {floor} piso.",
    "Hay {n_big} personas esperando fuera.",
    "La biblioteca tiene más de {n_big} libros.",
    "¿Alguien ha visto {object}?",
    "¿Has visto {object}?",
    "Creo que me dejé {object} {location}.",
    "¿Dónde has puesto {object}?",
    "¿Por qué está {name_m} tan {feel_m} hoy?",
    "¿Por qué está {name_f} tan {feel_f} hoy?",
    "Mi {relative_m} parecía {feel_m} después de la llamada.",
    "Mi {relative_f} parecía {feel_f} al volver del trabajo.",
    "¿A qué hora abre {place} el {day}?",
    "¿Quieres {food}?",
    "Para mí, {dish}, por favor.",
    "¿Cuánto se tarda en llegar a {city} {transport}?",
    "¿Es verdad que {clause}?",
    "{name} me dijo que {clause}.",
    "Si hace {weather} {when}, nos quedaremos en casa a {home_act}.",
    "¿Sabías que {arith}?",
    "Aproximadamente el {pct} por ciento de los alumnos aprobó el examen.",
    "¿Qué opinas de {topic}?",
    "{name}, ¿me ayudas a {task}?",
    "Hemos quedado con {name} {at_place} a {time}.",
    "Mi {relative_m} nació el {date}.",
    "No he visto a {name} desde {year}.",
    "¿Quedamos {when} {at_place}?",
    "{name} lleva {n_years} años viviendo en {city}.",
]
