"""Brazilian Portuguese (every Portuguese teacher is Brazilian). Counted nouns are masculine, because "um/uma",
"dois/duas" and the hundreds agree in gender and num2words writes the masculine; clock hours, which are
feminine (duas horas), come from a table."""

from __future__ import annotations

import random

from .numbers import digits_or_words, words, year

L = "pt"

FIXED = [
    "O gato está dormindo tranquilo no sofá da sala.",
    "Você poderia falar um pouco mais devagar, por favor?",
    "A gente esperou o ônibus quase uma hora, mas ele nunca chegou.",
    "Minha avó cresceu num pequeno sítio no interior de Minas.",
    "Tem alguma farmácia aberta aqui perto?",
    "As crianças estavam fazendo um castelo de areia quando a maré subiu.",
    "Ele estuda piano há três anos e já toca muito bem.",
    "Muito obrigada pelas flores, elas são lindas.",
    "O show foi cancelado por causa da tempestade.",
    "Depois do jantar, demos uma longa caminhada pela praia.",
    "Ninguém sabe exatamente quantos anos tem a figueira da praça.",
    "Sinto muito, o médico só tem horário livre na quinta-feira que vem.",
    "Apague a luz quando sair do quarto.",
    "Nosso voo atrasou e a gente perdeu a conexão em Brasília.",
    "O que você faria se ganhasse uma viagem ao redor do mundo?",
    "A receita leva duas xícaras de farinha e uma pitada de sal.",
    "Levaram seis meses para consertar a ponte velha.",
    "De qual plataforma sai o trem para Campinas?",
    "Sinceramente, acho que a primeira versão da música era melhor.",
    "A biblioteca também empresta ferramentas, não só livros.",
    "Por que a gente não se encontra na frente do cinema às sete?",
    "Todo outono as folhas do parque ficam vermelhas e douradas.",
    "Por favor, assine o formulário antes de entregar.",
    "A bateria do meu celular acabou bem no meio da ligação.",
    "Está faltando um pouco de pimenta na sopa, você não acha?",
    "Vamos pintar a cozinha de verde-claro.",
    "Quantas línguas você fala?",
    "Ela sussurrou alguma coisa, mas eu não consegui ouvir.",
    "Uma rajada de vento arrancou o guarda-chuva das mãos dele.",
    "Os vizinhos novos convidaram a gente para um churrasco no domingo.",
    "Não precisa correr, a loja fica aberta até as nove.",
    "Eu nunca tinha visto tantas estrelas no céu.",
    "Você pode me dizer como chegar à estação de metrô mais próxima?",
    "Dizem que vai chover muito hoje à noite, então dirija com cuidado.",
    "O quarto do hotel tinha uma vista linda para o porto.",
    "Me avisa quando você chegar em casa.",
    "Você prefere chá ou café?",
    "A impressora do segundo andar ficou sem papel de novo.",
    "Se eu soubesse do trânsito, teria pegado o metrô.",
    "O bebê finalmente dormiu depois de vinte minutos de cantiga.",
    "A água ferve a cem graus ao nível do mar.",
    "A prefeitura decidiu construir um parquinho ao lado da escola.",
    "É melhor sair cedo amanhã para fugir da hora do rush.",
    "Desculpe, acho que o senhor ligou para o número errado.",
    "O gato pulou na mesa e derrubou um copo de leite.",
    "Você pode me indicar um bom restaurante aqui por perto?",
    "É a primeira vez que eu faço pão em casa.",
    "Espera um pouco, estou procurando meus óculos.",
    "Eles passaram a tarde inteira procurando o cachorrinho perdido.",
    "Guarde o seu bilhete até o fim da viagem.",
    "Os agricultores estão torcendo por chuva depois de um verão tão seco.",
    "Onde exatamente você deixou a bicicleta?",
    "Não tem nada melhor do que um suco gelado num dia de calor.",
    "O filme foi muito mais comprido do que eu esperava, mas eu adorei.",
    "Antes de atravessar a rua, olhe para os dois lados.",
    "Eu gostaria de reservar uma mesa para quatro pessoas às oito horas.",
    "O trem estava tão cheio que a gente viajou em pé o tempo todo.",
    "Bom dia a todos e sejam bem-vindos à nossa reunião anual.",
    "Você pode olhar minha bolsa enquanto eu compro um café?",
    "Que surpresa boa te ver aqui!",
    "Cuidado, o chão ainda está molhado.",
    "Você tem certeza de que trancou a porta dos fundos?",
    "Nos dias claros dá para ver as montanhas do alto da torre.",
    "Normalmente eu corro antes do café da manhã, a não ser que esteja chovendo.",
    "A padaria da esquina faz o melhor pão de queijo da cidade.",
    "Hoje de manhã eu esqueci o guarda-chuva no ônibus.",
    "As férias de julho começam mais cedo este ano.",
    "Você já provou o bolo de fubá da minha tia?",
    "O museu fecha às segundas, então é melhor a gente ir na terça.",
    "Amanhã cedo tem feira na praça.",
]

SHORT = [
    "Sim.", "Não.", "Talvez.", "Obrigado.", "Obrigada.", "Muito obrigado.", "Oi!", "Olá.", "Bom dia.",
    "Boa tarde.", "Boa noite.", "Tchau!", "Até logo.", "Até amanhã.", "Com licença.", "Desculpa.",
    "Sem problema.", "Claro.", "Por que não?", "Sério?", "Tem certeza?", "Ainda não.", "Quase pronto.",
    "Muito bem!", "Parabéns!", "Feliz aniversário!", "Saúde!", "Cuidado!", "Socorro!", "Pode entrar.",
    "Sente-se, por favor.", "Espera aqui.", "Vem comigo.", "Anda logo!", "Se cuida.", "Boa sorte!",
    "Muito prazer.", "Tudo bem?", "Tudo ótimo.", "Que horas são?", "Cadê você?", "Quem é?", "Vamos.",
    "Eu também.", "Combinado.", "De jeito nenhum.", "Exatamente.", "Deixa pra lá.", "Pode falar.",
    "Boa ideia.", "Tarde demais.", "Nada mal.", "Ótimo.", "Perfeito.", "Por favor.", "Um café, por favor.",
    "A conta, por favor.", "Duas passagens.", "Plataforma nove.", "Quarto doze.", "Segunda de manhã.",
    "Semana que vem.", "Agora mesmo.", "Amanhã à noite.", "Mais tarde.", "Às vezes.", "Sempre.", "Nunca.",
    "Aqui.", "Ali.", "Em frente.", "À esquerda.", "À direita.", "Pare!", "Escuta.", "Olha!",
    "Silêncio, por favor.", "Bom apetite!", "Boa viagem!", "Me liga.", "Ah, não!", "Que legal!", "Entendi.",
    "Beleza.", "Um momento.", "São Paulo.", "Recife.", "Dezessete.", "Cem.", "Pão quentinho.", "Céu azul.",
    "Água gelada.", "Chá verde.", "Bolo de chocolate.", "Suco de laranja.", "A cozinha.", "A rodoviária.",
    "Minhas chaves.", "Sua vez.", "Feliz Ano Novo!", "Fecha a porta.", "Abre a janela.", "Parece bom.",
    "Boa pergunta.", "Bom fim de semana!", "De nada.", "Sei lá.", "Com certeza!", "Saúde, hein!",
]  # fmt: skip

MONTHS = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
          "novembro", "dezembro"]  # fmt: skip
# Hours agree with the feminine "hora": uma, duas, vinte e uma, vinte e duas.
HOURS = ["zero", "uma", "duas", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez", "onze", "doze",
         "treze", "catorze", "quinze", "dezesseis", "dezessete", "dezoito", "dezenove", "vinte", "vinte e uma",
         "vinte e duas", "vinte e três"]  # fmt: skip


def _time(rng: random.Random) -> str:
    """A clock time with its preposition: às sete, à uma, ao meio-dia."""
    h = rng.randint(1, 23)
    art = "à uma" if h == 1 else f"às {HOURS[h]}"
    form = rng.randrange(5)
    if form == 0:
        return f"{art} hora" if h == 1 else f"{art} horas"
    if form == 1:
        return f"{art} e meia"
    if form == 2:
        return rng.choice(["ao meio-dia", "à meia-noite"])
    if form == 3:
        return f"{art} e quinze"
    m = rng.choice([5, 10, 20, 25, 35, 40, 45, 50])
    return f"{art} e {words(m, L)}"


def _date(rng: random.Random) -> str:
    m = rng.choice(MONTHS)
    d = rng.randint(1, 28 if m == "fevereiro" else 30)
    dw = "primeiro" if d == 1 else words(d, L) if rng.random() < 0.6 else str(d)
    out = f"{dw} de {m}"
    return f"{out} de {year(rng, L, 1990, 2030)}" if rng.random() < 0.3 else out


def _price(rng: random.Random) -> str:
    r_ = rng.choice([2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 18, 20, 25, 30, 45, 60, 75, 99, 120, 250, 1200])
    c = rng.choice([0, 0, 0, 10, 20, 50, 80, 90, 95])
    if rng.random() < 0.4:
        return f"{r_} reais" + (f" e {c} centavos" if c else "")
    return f"{words(r_, L)} reais" + (f" e {words(c, L)} centavos" if c else "")


def _digits(rng: random.Random) -> str:
    names = ["zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove"]
    return " ".join(rng.choice(names) for _ in range(rng.randint(3, 6)))


def _arith(rng: random.Random) -> str:
    a, b = rng.randint(2, 50), rng.randint(2, 50)
    op = rng.randrange(3)
    if op == 0:
        return f"{words(a, L)} mais {words(b, L)} dá {words(a + b, L)}"
    if op == 1:
        a, b = max(a, b), min(a, b)
        return f"{words(a, L)} menos {words(b, L)} dá {words(a - b, L)}"
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    return f"{words(a, L)} vezes {words(b, L)} dá {words(a * b, L)}"


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
    "temp": lambda r: digits_or_words(r, r.randint(3, 38), L),
    "pct": lambda r: digits_or_words(r, r.choice(range(5, 100, 5)), L),
    "room": lambda r: str(r.randint(101, 950)),
    "floor": lambda r: r.choice(
        ["primeiro", "segundo", "terceiro", "quarto", "quinto", "sexto", "sétimo", "oitavo", "nono", "décimo"]
    ),  # fmt: skip
}

SLOTS = {
    "name_m": ["João", "Pedro", "Lucas", "Gabriel", "Rafael", "Gustavo", "Felipe", "Thiago", "Bruno", "Carlos",
               "Eduardo", "Rodrigo", "Marcelo", "André", "Fernando", "Vinícius", "Matheus", "Caio", "Renato",
               "Diego"],
    "name_f": ["Ana", "Maria", "Juliana", "Camila", "Fernanda", "Beatriz", "Larissa", "Mariana", "Letícia",
               "Gabriela", "Patrícia", "Aline", "Bruna", "Carolina", "Luana", "Renata", "Isabela", "Priscila",
               "Tatiana", "Júlia"],
    "name": ["{name_m}", "{name_f}"],
    "city": ["São Paulo", "Niterói", "Belo Horizonte", "Salvador", "Recife", "Fortaleza", "Curitiba",
             "Porto Alegre", "Manaus", "Belém", "Goiânia", "Campinas", "Florianópolis", "Natal", "Brasília",
             "Vitória", "Santos", "Ouro Preto", "Maceió", "João Pessoa", "Londrina", "Lisboa", "Coimbra",
             "Buenos Aires", "Montevidéu", "Santiago", "Luanda", "Maputo", "Paris", "Roma"],
    "day": ["segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo"],
    "when": ["amanhã", "semana que vem", "na {day_f}", "no fim de semana", "hoje à noite", "mês que vem",
             "na {day_f} de manhã", "na {day_f} à tarde", "depois do almoço", "na primavera", "no fim do mês",
             "no dia {date}", "no sábado", "no domingo"],
    "day_f": ["segunda", "terça", "quarta", "quinta", "sexta"],
    "place": ["a rodoviária", "a biblioteca", "o correio", "o aeroporto", "o museu", "o hospital", "a padaria",
              "o supermercado", "a prefeitura", "o ponto de ônibus", "o parque", "a farmácia", "o estádio",
              "a praia", "a praça", "o banco", "a piscina", "o posto de gasolina", "a livraria", "o porto",
              "a feira", "o zoológico", "o cinema"],
    "to_place": ["para a rodoviária", "para a biblioteca", "para o correio", "para o aeroporto", "para o museu",
                 "para o hospital", "para a padaria", "para o supermercado", "para a prefeitura", "para o parque",
                 "para a farmácia", "para o estádio", "para a praia", "para a praça", "para o centro",
                 "para o cinema"],
    "at_place": ["na rodoviária", "na biblioteca", "no correio", "no aeroporto", "no museu", "na frente do hospital",
                 "na padaria", "no supermercado", "na frente da prefeitura", "no ponto de ônibus", "no parque",
                 "na praça", "no porto", "na feira", "na porta do cinema"],
    "item_pl": ["livros", "ingressos", "ovos", "envelopes", "lápis", "pratos", "copos", "pães", "tomates",
                "limões", "selos", "cadernos", "cobertores", "travesseiros", "balões", "garfos", "cartões-postais",
                "pacotes de arroz", "potes de geleia", "pastéis", "biscoitos", "guardanapos", "sabonetes", "abacaxis",
                "pregos", "parafusos"],
    "food": ["sopa", "arroz", "macarrão", "pão", "queijo", "salada", "peixe", "frango", "café", "chá",
             "suco de laranja", "bolo de chocolate", "sorvete", "purê de batata", "torta de maçã", "limonada",
             "chocolate quente", "morangos", "pão de queijo", "feijoada"],
    "activity": ["ler", "nadar", "cozinhar", "pintar", "correr", "cuidar do jardim", "dançar", "cantar",
                 "fazer trilha", "andar de bicicleta", "pescar", "fazer tricô", "fazer bolo", "escalar",
                 "velejar", "surfar", "jogar xadrez", "tocar violão", "fotografar", "aprender línguas"],
    "task": ["trancar a porta", "ligar para a sua mãe", "comprar leite", "regar as plantas", "dar comida para o gato",
             "mandar a fatura", "reservar os ingressos", "carregar o celular", "levar o lixo para fora",
             "pagar a conta de luz", "devolver os livros da biblioteca", "desligar o forno", "levar um guarda-chuva",
             "calibrar os pneus", "responder o e-mail do banco", "buscar as crianças na escola",
             "fechar as janelas lá de cima", "anotar o endereço", "imprimir os cartões de embarque",
             "desmarcar o dentista", "passear com o cachorro", "abastecer o carro", "colocar o despertador",
             "agradecer {name} pelo presente", "convidar {name} para a festa"],
    "past": ["terminei o relatório", "limpei a cozinha", "visitei o castelo antigo", "fui a pé para o trabalho",
             "perdi o último ônibus", "vi um filme antigo", "consertei a bicicleta", "fiz pão", "plantei tomates",
             "perdi a chave do carro", "achei uma carteira na rua", "aprendi uma música nova", "pintei o portão",
             "escrevi uma carta longa", "fui {to_place}", "encontrei {name} {at_place}",
             "cozinhei para seis pessoas", "corri dez quilômetros", "consertei a torneira que pingava",
             "comprei um casaco novo", "vendi o piano velho", "passei o dia inteiro em {city}",
             "esqueci de {task}"],
    "past3": ["terminou o relatório", "limpou a cozinha", "visitou o castelo antigo", "perdeu o último ônibus",
              "viu um filme antigo", "consertou a bicicleta", "fez pão", "plantou tomates", "perdeu a chave do carro",
              "achou uma carteira na rua", "aprendeu uma música nova", "escreveu uma carta longa",
              "foi {to_place}", "cozinhou para seis pessoas", "correu dez quilômetros", "vendeu o piano velho",
              "passou o dia inteiro em {city}", "esqueceu de {task}"],
    "clause": ["a loja já estava fechada", "ninguém atendeu o telefone", "começou a chover",
               "as crianças ainda estavam dormindo", "o café acabou", "a estrada estava bloqueada",
               "o ônibus chegou atrasado", "minha irmã ligou de {city}", "{name} esqueceu as chaves",
               "a reunião demorou mais do que o previsto", "de repente a luz acabou", "a sopa estava salgada demais",
               "o museu era de graça {day_when}", "a impressora parou de funcionar", "todo mundo falava ao mesmo tempo",
               "o trem estava lotado", "os ingressos esgotaram", "o tempo estava maravilhoso",
               "o cachorro latiu a noite toda", "a água estava gelada", "a gente se perdeu no caminho",
               "a vista era incrível", "{name} estava esperando {at_place}", "o aquecedor quebrou",
               "o bolo estava uma delícia", "as ruas estavam alagadas", "o show começou com uma hora de atraso",
               "o gato se escondeu debaixo da cama", "o chefe novo parecia simpático",
               "meu computador travou de novo"],
    "connector": ["mas", "e", "então", "porque", "embora", "e depois", "enquanto"],
    "relation": ["vizinhos", "primos", "amigos", "colegas de trabalho", "colegas de turma", "sócios",
                 "colegas de quarto"],
    "job_m": ["enfermeiro", "engenheiro", "professor", "padeiro", "piloto", "advogado", "agricultor", "arquiteto",
              "jornalista", "dentista", "bombeiro", "músico", "bibliotecário", "mecânico", "cozinheiro",
              "eletricista", "jardineiro", "tradutor", "fotógrafo", "motorista de ônibus"],
    "job_f": ["enfermeira", "engenheira", "professora", "padeira", "piloto", "advogada", "agricultora", "arquiteta",
              "jornalista", "dentista", "bombeira", "bibliotecária", "cozinheira", "eletricista", "jardineira",
              "tradutora", "fotógrafa", "veterinária", "farmacêutica", "motorista de aplicativo"],
    "relative_m": ["irmão", "tio", "primo", "vizinho", "melhor amigo", "pai", "avô", "filho"],
    "relative_f": ["irmã", "tia", "prima", "vizinha", "melhor amiga", "mãe", "avó", "filha"],
    "feel_m": ["cansado", "contente", "nervoso", "orgulhoso", "surpreso", "ocupado", "preocupado", "calado",
               "animado", "chateado", "tranquilo", "confuso", "sonolento"],
    "feel_f": ["cansada", "contente", "nervosa", "orgulhosa", "surpresa", "ocupada", "preocupada", "calada",
               "animada", "chateada", "tranquila", "confusa", "sonolenta"],
    "object": ["o guarda-chuva azul", "o meu notebook velho", "a tesoura da cozinha", "o seu casaco de inverno",
               "a chave do carro", "uma caixinha de madeira", "o caderno vermelho", "a chave reserva", "este mapa",
               "o controle remoto", "os meus óculos de leitura", "o cachecol verde", "a fita métrica", "a lanterna",
               "o seu passaporte", "o cartão de aniversário", "o carregador do celular", "a mala preta"],
    "location": ["em cima da mesa da cozinha", "no carro", "no escritório", "debaixo da cama", "do lado da porta",
                 "na primeira gaveta", "no trem", "na casa de {name}", "no outro casaco", "atrás do sofá",
                 "na estante do corredor"],
    "transport": ["de trem", "de carro", "de ônibus", "de avião", "de bicicleta", "de barco"],
    "home_act": ["jogar cartas", "ver um filme", "fazer biscoitos", "ler", "arrumar o quartinho dos fundos",
                 "montar um quebra-cabeça", "cozinhar alguma coisa especial", "ligar para os amigos"],
    "dish": ["a sopa de legumes", "o salmão grelhado", "o risoto de cogumelos", "a salada de frango",
             "o feijão tropeiro", "o misto-quente", "o espaguete ao sugo", "a torta de limão", "a moqueca de peixe"],
    "topic": ["da ponte nova", "do show de ontem à noite", "da ideia de mudar para {city}",
              "do plano para o fim de semana", "das mudanças no trabalho", "deste livro", "da biblioteca nova",
              "do jogo de futebol"],
    "weather": ["sol", "frio", "calor", "vento", "tempo bom", "tempo ruim"],
}  # fmt: skip

TEMPLATES = [
    "{name} vai viajar para {city} {when}.",
    "O próximo trem para {city} sai {time}.",
    "O último ônibus {to_place} sai {time}.",
    "Você poderia {task}, por favor?",
    "Você lembrou de {task}?",
    "Não esqueça de {task} antes de sair.",
    "Hoje de manhã eu comprei {n_small} {item_pl} na feira.",
    "A gente precisa de mais {n_small} {item_pl} para a festa.",
    "Só sobraram {n_small} {item_pl} no armário.",
    "É longe daqui {place}?",
    "Com licença, onde fica {place}?",
    "Vire à esquerda depois {after_place} e siga em frente.",
    "{name_m} trabalha como {job_m} em {city}.",
    "{name_f} trabalha como {job_f} em {city}.",
    "Meu {relative_m} é {job_m}.",
    "Minha {relative_f} é {job_f}.",
    "Meu {relative_m} mora em {city} agora.",
    "Minha {relative_f} mora em {city} desde {year}.",
    "{name_m} e {name} são {relation} há {n_years} anos.",
    "Ontem eu {past}.",
    "{when_past}, {name} {past3}.",
    "Eu acho que {clause}.",
    "{clause}, {connector} {clause}.",
    "Quando a gente chegou, {clause}.",
    "Você gosta de {activity}?",
    "{name} adora {activity} desde criança.",
    "A reunião foi remarcada para {day} {time}.",
    "{when} vai fazer {weather} em {city}.",
    "{when} a temperatura vai ficar em torno de {temp} graus.",
    "Os ingressos custam {price}.",
    "Deu {price}, por favor.",
    "Eu nasci em {year}.",
    "A ponte foi construída em {year}.",
    "A minha consulta é no dia {date}.",
    "{name} vai chegar no dia {date}.",
    "A senha da porta é {digits}.",
    "O número da sua reserva é {digits}.",
    "O quarto {room} fica no {floor} andar.",
    "Tem {n_big} pessoas esperando lá fora.",
    "A biblioteca tem mais de {n_big} livros.",
    "Alguém viu {object}?",
    "Você viu {object}?",
    "Acho que eu deixei {object} {location}.",
    "Onde você colocou {object}?",
    "Por que o {name_m} está tão {feel_m} hoje?",
    "Por que a {name_f} está tão {feel_f} hoje?",
    "Meu {relative_m} parecia {feel_m} depois do telefonema.",
    "Minha {relative_f} parecia {feel_f} quando voltou do trabalho.",
    "Que horas abre {place} {day_when}?",
    "Você quer {food}?",
    "Para mim, {dish}, por favor.",
    "Quanto tempo leva para chegar a {city} {transport}?",
    "É verdade que {clause}?",
    "{name} me disse que {clause}.",
    "Se fizer {weather} {when}, a gente fica em casa para {home_act}.",
    "Você sabia que {arith}?",
    "Mais ou menos {pct} por cento dos alunos passaram na prova.",
    "O que você acha {topic}?",
    "{name}, você me ajuda a {task}?",
    "A gente marcou com {name} {at_place} {time}.",
    "Meu {relative_m} nasceu no dia {date}.",
    "Não vejo {name} desde {year}.",
    "Vamos nos encontrar {at_place} {when}?",
    "{name} mora em {city} há {n_years} anos.",
]

SLOTS["when_past"] = ["Na {day_f} passada", "No sábado passado", "No domingo passado", "Semana passada", "Anteontem"]
SLOTS["day_when"] = ["na {day_f}", "no sábado", "no domingo"]
SLOTS["after_place"] = ["da rodoviária", "da biblioteca", "do correio", "do museu", "do hospital", "da padaria",
                        "do supermercado", "da prefeitura", "do parque", "da farmácia", "do estádio", "da praça",
                        "do banco", "do posto de gasolina"]  # fmt: skip
