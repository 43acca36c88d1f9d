"""English (American spelling). ASCII only: Flite and Festival read anything else letter by letter or not at all."""

from __future__ import annotations

import random

from num2words import num2words

from .numbers import digits_or_words, words, year, year_words

L = "en"

FIXED = [
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Please call Stella and ask her to bring these things with her from the store.",
    "I can't believe it's already the end of September.",
    "Would you mind opening the window a little? It's very warm in here.",
    "The museum is closed on Mondays, so let's go on Tuesday instead.",
    "She sells fresh bread and homemade jam at the Saturday market.",
    "If you have any questions, don't hesitate to ask.",
    "We waited for almost an hour, but the bus never came.",
    "My grandmother grew up on a small farm in the mountains.",
    "Is there a pharmacy open late anywhere near here?",
    "The children were building a sandcastle when the tide came in.",
    "He has been learning to play the piano for three years.",
    "Thank you so much for the lovely flowers; they made my day.",
    "Could you speak a little more slowly, please?",
    "The concert was canceled because of the storm.",
    "After dinner we took a long walk along the beach.",
    "Nobody knows exactly how old the oak tree in the square is.",
    "I'm afraid the doctor is fully booked until next Thursday.",
    "Turn off the lights when you leave the room.",
    "Our flight was delayed, so we missed the connection in Chicago.",
    "What would you do if you won a trip around the world?",
    "The recipe calls for two cups of flour and a pinch of salt.",
    "It took them six months to repair the old bridge.",
    "Which platform does the train to Philadelphia leave from?",
    "Honestly, I think the first version of the song was better.",
    "The library lends out tools as well as books.",
    "Why don't we meet in front of the cinema at seven?",
    "He apologized for being late and sat down quietly at the back.",
    "Every autumn the leaves in the park turn red and gold.",
    "Please remember to sign the form before you hand it in.",
    "My phone battery died right in the middle of the call.",
    "The soup needs a little more pepper, don't you think?",
    "We're planning to paint the kitchen a pale shade of green.",
    "The lake freezes over in January, and people go skating on it.",
    "How many languages do you speak?",
    "She whispered something, but I couldn't hear what it was.",
    "A strong wind blew the umbrella out of his hands.",
    "The new neighbors invited us over for a barbecue on Sunday.",
    "There's no need to hurry; the shop is open until nine.",
    "I've never seen so many stars in the sky before.",
    "The teacher asked the students to write a short story about their summer.",
    "Could you tell me the way to the nearest subway station?",
    "They say it's going to snow tonight, so drive carefully.",
    "My brother fixed the old radio with a screwdriver and a bit of patience.",
    "The hotel room had a beautiful view of the harbor.",
    "Let me know when you get home safely.",
    "Which do you prefer, tea or coffee?",
    "The printer on the second floor is out of paper again.",
    "If I had known about the traffic, I would have taken the train.",
    "The baby finally fell asleep after we sang to her for twenty minutes.",
    "Do you know whether the post office is open on Saturdays?",
    "Water boils at one hundred degrees Celsius at sea level.",
    "The city council voted to build a new playground next to the school.",
    "We should leave early tomorrow to avoid the rush hour.",
    "Her favorite book is a mystery novel set in a small fishing village.",
    "I'm sorry, I think you have the wrong number.",
    "The cat jumped onto the table and knocked over a glass of milk.",
    "Can you recommend a good restaurant around here?",
    "Most of the guests had already left by the time we arrived.",
    "It's the first time I've ever tried to make bread at home.",
    "Wait a moment, I need to find my glasses.",
    "They spent the whole afternoon looking for the lost puppy.",
    "Please keep your ticket until the end of the journey.",
    "The farmers are hoping for rain after such a dry summer.",
    "He speaks so quietly that I can hardly understand him.",
    "Where exactly did you leave your bicycle?",
    "Nothing tastes better than a cold glass of lemonade on a hot day.",
    "The movie was much longer than I expected, but I enjoyed every minute.",
    "Before you cross the street, look both ways.",
    "I'd like to book a table for four at eight o'clock, please.",
    "The train was so crowded that we had to stand all the way.",
    "Good morning, everyone, and welcome to the annual meeting.",
    "Could you keep an eye on my bag while I buy a coffee?",
    "The old lighthouse has guided ships safely into the bay for over a century.",
    "What a wonderful surprise to see you here!",
    "That's the funniest thing I've heard all week!",
    "Be careful, the floor is still wet.",
    "Are you sure you locked the back door?",
    "On clear days you can see the mountains from the top of the tower.",
    "I usually go jogging before breakfast, unless it's raining.",
]

SHORT = [
    "Yes.", "No.", "Maybe.", "Thank you.", "Thanks a lot.", "Hello.", "Hi there.", "Good morning.",
    "Good afternoon.", "Good evening.", "Good night.", "Goodbye.", "See you soon.", "See you tomorrow.",
    "Excuse me.", "I'm sorry.", "No problem.", "Of course.", "Why not?", "Really?", "Are you sure?",
    "Not yet.", "Almost done.", "Well done!", "Congratulations!", "Happy birthday!", "Cheers!",
    "Watch out!", "Help!", "Come in.", "Sit down, please.", "Wait here.", "Follow me.", "Hurry up!",
    "Take care.", "Good luck!", "Nice to meet you.", "How are you?", "I'm fine.", "What's up?",
    "What time is it?", "Where are you?", "Who's there?", "Let's go.", "Me too.", "I agree.",
    "I disagree.", "Absolutely.", "Definitely not.", "Of course not.", "Never mind.", "Go ahead.",
    "Good idea.", "Too late.", "Not bad.", "Very good.", "Perfect.", "Exactly.", "Please.",
    "Coffee, please.", "The bill, please.", "Two tickets.", "Platform nine.", "Room twelve.",
    "Monday morning.", "Next week.", "Right now.", "Tomorrow evening.", "Later.", "Sometimes.",
    "Always.", "Never.", "Here.", "Over there.", "Straight ahead.", "On the left.", "Turn right.",
    "Stop!", "Listen.", "Look!", "Quiet, please.", "Welcome home.", "Happy holidays!", "Bless you.",
    "Sweet dreams.", "Enjoy your meal.", "Safe travels.", "Call me.", "Oh no!", "Oops.", "Wow!",
    "Fantastic!", "I see.", "Got it.", "Of course I do.", "Hold on.", "Just a moment.", "Hello, Anna.",
    "Boston.", "London.", "Chicago.", "Seventeen.", "One hundred.", "Twenty twenty-four.",
    "Fresh bread.", "Blue sky.", "Cold water.", "Green tea.", "Chocolate cake.", "Apple juice.",
    "The kitchen.", "The station.", "My keys.", "Your turn.", "Game over.", "Happy New Year!",
    "Open the door.", "Close the window.", "Sounds good.", "No way!", "Good question.",
]  # fmt: skip

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip


def _time(rng: random.Random) -> str:
    h = rng.randint(1, 12)
    hw = words(h, L)
    nxt = words(h % 12 + 1, L)
    form = rng.randrange(8)
    if form == 0:
        return f"{hw} o'clock"
    if form == 1:
        return f"half past {hw}"
    if form == 2:
        return f"a quarter past {hw}"
    if form == 3:
        return f"a quarter to {nxt}"
    if form == 4:
        return rng.choice(["noon", "midnight"])
    m = rng.choice([5, 10, 15, 20, 25, 35, 40, 45, 50, 55])
    if form == 5:
        return f"{hw} {words(m, L)}" if m >= 10 else f"{hw} oh five"
    if form == 6:
        return f"{words(m, L)} past {hw}" if m < 30 else f"{words(60 - m, L)} to {nxt}"
    return f"{hw} {words(m, L) if m >= 10 else 'oh five'} in the {rng.choice(['morning', 'evening'])}"


def _date(rng: random.Random) -> str:
    m = rng.choice(MONTHS)
    d = rng.randint(1, 28 if m == "February" else 30)
    ordw = num2words(d, lang="en", to="ordinal")
    form = rng.randrange(3)
    if form == 0:
        return f"{m} {ordw}"
    if form == 1:
        return f"the {ordw} of {m}"
    return f"{m} {ordw}, {year_words(rng.randint(1990, 2030), L)}"


def _price(rng: random.Random) -> str:
    d = rng.choice([1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 18, 20, 25, 30, 45, 60, 75, 99, 120, 250, 1200])
    c = rng.choice([0, 0, 0, 10, 25, 50, 75, 95, 99])
    cur, curs = rng.choice([("dollar", "dollars"), ("euro", "euros"), ("pound", "pounds")])
    unit = cur if d == 1 else curs
    if rng.random() < 0.4:
        return f"{d} {unit}" if not c else f"{d} {unit} and {c} cents"
    return f"{words(d, L)} {unit}" + (f" and {words(c, L)} cents" if c else "")


def _digits(rng: random.Random) -> str:
    names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return " ".join(rng.choice(names) for _ in range(rng.randint(3, 6)))


def _arith(rng: random.Random) -> str:
    a, b = rng.randint(2, 50), rng.randint(2, 50)
    op = rng.randrange(3)
    if op == 0:
        return f"{words(a, L)} plus {words(b, L)} is {words(a + b, L)}"
    if op == 1:
        a, b = max(a, b), min(a, b)
        return f"{words(a, L)} minus {words(b, L)} is {words(a - b, L)}"
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    return f"{words(a, L)} times {words(b, L)} is {words(a * b, L)}"


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
    "ordinal": lambda r: num2words(r.randint(1, 15), lang="en", to="ordinal"),
}

SLOTS = {
    "name": ["Anna", "James", "Sarah", "Michael", "Emily", "David", "Olivia", "Daniel", "Grace", "Thomas",
             "Lucy", "Peter", "Hannah", "Robert", "Chloe", "William", "Sophie", "Jack", "Emma", "Oliver", "Mia",
             "Henry", "Ruth", "George", "Alice", "Samuel", "Laura", "Benjamin", "Megan", "Joseph", "Rachel",
             "Matthew", "Julia", "Andrew", "Kate", "Nathan", "Helen", "Lucas", "Ellen", "Simon", "Claire",
             "Adam", "Zoe", "Patrick", "Amy", "Victor", "Nina", "Oscar", "Paula", "Frank", "Diana", "Harry",
             "Irene", "Leo", "Maria", "Ethan", "Rosa", "Martin", "Ivy", "Carl", "Priya", "Omar", "Mei", "Kofi"],
    "city": ["London", "Boston", "Chicago", "Dublin", "Sydney", "Toronto", "Seattle", "Denver", "Edinburgh",
             "Manchester", "Glasgow", "Cardiff", "Auckland", "Vancouver", "Miami", "Houston", "Atlanta",
             "Portland", "Phoenix", "Paris", "Berlin", "Madrid", "Rome", "Lisbon", "Amsterdam", "Vienna",
             "Prague", "Oslo", "Tokyo", "Cairo", "Delhi", "Mexico City", "Cape Town", "Nairobi", "San Francisco",
             "New Orleans", "Montreal", "Melbourne", "Nashville", "Pittsburgh"],
    "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "when": ["tomorrow", "next week", "on {day}", "this weekend", "tonight", "next month", "on {day} morning",
             "on {day} afternoon", "after lunch", "in the spring", "at the end of the month", "on {date}"],
    "place": ["the station", "the library", "the post office", "the airport", "the museum", "the hospital",
              "the bakery", "the supermarket", "city hall", "the bus stop", "the park", "the pharmacy",
              "the stadium", "the beach", "the town square", "the bank", "the swimming pool", "the gas station",
              "the bookstore", "the train station", "the harbor", "the market", "the zoo", "the cinema"],
    "item_pl": ["apples", "oranges", "tickets", "books", "chairs", "candles", "bottles of water",
                "loaves of bread", "eggs", "envelopes", "pencils", "plates", "cups", "towels", "batteries",
                "tomatoes", "lemons", "stamps", "notebooks", "blankets", "pillows", "light bulbs", "bananas",
                "cans of soup", "boxes", "flowers", "napkins", "forks", "balloons", "postcards"],
    "food": ["soup", "rice", "pasta", "bread", "cheese", "salad", "fish", "chicken", "coffee", "tea",
             "orange juice", "chocolate cake", "ice cream", "vegetable curry", "pancakes", "apple pie",
             "mashed potatoes", "tomato sauce", "lemonade", "hot chocolate", "strawberries", "grilled corn"],
    "activity": ["reading", "swimming", "cooking", "painting", "running", "gardening", "dancing", "singing",
                 "hiking", "cycling", "fishing", "knitting", "baking", "climbing", "sailing", "skiing",
                 "playing chess", "playing the guitar", "taking photographs", "learning languages"],
    "task": ["lock the front door", "call your mother", "buy some milk", "water the plants", "feed the cat",
             "send the invoice", "book the tickets", "charge your phone", "take out the trash",
             "pay the electricity bill", "return the library books", "turn off the oven", "bring an umbrella",
             "check the tire pressure", "answer the email from the bank", "pick up the kids from school",
             "close the windows upstairs", "write down the address", "print the boarding passes",
             "cancel the dentist appointment", "walk the dog", "fill up the car", "set the alarm",
             "thank {name} for the present", "invite {name} to the party", "ask {name} about the keys"],
    "past": ["finished the report", "cleaned the kitchen", "visited the old castle", "walked to work",
             "missed the last bus", "watched an old movie", "fixed the bicycle", "baked bread", "planted tomatoes",
             "lost the car keys", "found a wallet on the street", "learned a new song", "painted the fence",
             "wrote a long letter", "went to {place}", "met {name} at {place}", "cooked dinner for six people",
             "ran five miles", "repaired the leaking tap", "bought a new coat", "sold the old piano",
             "spent the whole day in {city}", "forgot to {task}"],
    "clause": ["the shop was already closed", "nobody answered the phone", "it started to rain",
               "the kids were still asleep", "we ran out of coffee", "the road was blocked", "the bus arrived late",
               "my sister called from {city}", "{name} forgot the keys", "the meeting took longer than expected",
               "the lights suddenly went out", "the soup was too salty", "the museum was free on {day}",
               "the printer stopped working", "everyone was talking at once", "the train was packed",
               "the tickets were sold out", "the weather was perfect", "the dog barked all night",
               "the water was freezing", "we got lost on the way", "the view was amazing",
               "{name} was waiting at {place}", "the heating broke down", "the cake was delicious",
               "the streets were covered in snow", "the concert started an hour late", "the cat hid under the bed",
               "the new manager seemed friendly", "my laptop crashed again", "the garden looked beautiful"],
    "connector": ["but", "and", "so", "because", "although", "and then", "while"],
    "relation": ["neighbors", "cousins", "friends", "colleagues", "classmates", "business partners",
                 "roommates", "pen pals"],
    "job": ["a nurse", "an engineer", "a teacher", "a baker", "a pilot", "a lawyer", "a farmer", "an architect",
            "a journalist", "a dentist", "a firefighter", "a musician", "a librarian", "a mechanic", "a chef",
            "an electrician", "a gardener", "a translator", "a photographer", "a bus driver"],
    "relative": ["brother", "sister", "aunt", "uncle", "cousin", "neighbor", "best friend", "father", "mother",
                 "grandfather", "grandmother", "son", "daughter"],
    "feel": ["tired", "happy", "nervous", "proud", "surprised", "busy", "hungry", "excited", "worried", "quiet",
             "cheerful", "upset", "relaxed", "confused", "sleepy"],
    "object": ["the blue umbrella", "my old laptop", "the kitchen scissors", "your winter coat", "the car keys",
               "a small wooden box", "the red notebook", "the spare key", "this map", "the remote control",
               "my reading glasses", "the green scarf", "the tape measure", "the flashlight", "your passport",
               "the birthday card", "the phone charger", "the black suitcase"],
    "location": ["on the kitchen table", "in the car", "at the office", "under the bed", "next to the door",
                 "in the top drawer", "on the train", "at {name}'s house", "in my other jacket",
                 "behind the sofa", "on the shelf in the hall"],
    "transport": ["train", "car", "bus", "plane", "bike", "ferry"],
    "home_act": ["play cards", "watch a movie", "bake cookies", "read", "clean the attic", "do a puzzle",
                 "cook something special", "call our friends"],
    "dish": ["vegetable soup", "grilled salmon", "mushroom risotto", "chicken salad", "lentil stew",
             "cheese sandwich", "spaghetti with tomato sauce", "lemon tart", "roast potatoes"],
    "topic": ["the new bridge", "the concert last night", "moving to {city}", "the plan for the weekend",
              "the changes at work", "this book", "the new library", "learning to drive", "the football match"],
    "weather": ["sunny", "cloudy", "windy", "rainy", "foggy", "cold", "warm", "humid", "freezing"],
}  # fmt: skip

TEMPLATES = [
    "{name} is flying to {city} {when}.",
    "The next train to {city} leaves at {time}.",
    "The last bus to {place} leaves at {time}.",
    "Could you please {task}?",
    "Did you remember to {task}?",
    "Don't forget to {task} before you leave.",
    "I bought {n_small} {item_pl} at the market this morning.",
    "We need {n_small} more {item_pl} for the party.",
    "There are only {n_small} {item_pl} left in the cupboard.",
    "How far is it from here to {place}?",
    "Excuse me, where is {place}?",
    "Turn left at {place} and keep going straight.",
    "{name} works as {job} in {city}.",
    "My {relative} is {job}.",
    "My {relative} lives in {city} now.",
    "{name} and {name} have been {relation} for {n_years} years.",
    "Yesterday I {past}.",
    "Last {day}, {name} {past}.",
    "I think {clause}.",
    "{clause}, {connector} {clause}.",
    "When we got to {place}, {clause}.",
    "Do you like {activity}?",
    "{name} has loved {activity} since childhood.",
    "The meeting has been moved to {day} at {time}.",
    "It will be {weather} in {city} {when}.",
    "The temperature will be around {temp} degrees {when}.",
    "The tickets cost {price}.",
    "That comes to {price}, please.",
    "I was born in {year}.",
    "The bridge was built in {year}.",
    "My appointment is on {date}.",
    "{name} will arrive on {date}.",
    "The code for the door is {digits}.",
    "Your booking number is {digits}.",
    "Room {room} is on the {ordinal} floor.",
    "There are {n_big} people waiting outside.",
    "The library has more than {n_big} books.",
    "Is {object} yours?",
    "Have you seen {object}?",
    "I think I left {object} {location}.",
    "Where did you put {object}?",
    "Why is {name} so {feel} today?",
    "{name} seemed {feel} after the phone call.",
    "What time does {place} open on {day}?",
    "Would you like some {food}?",
    "I'll have the {dish}, please.",
    "How long does it take to get to {city} by {transport}?",
    "Is it true that {clause}?",
    "{name} told me that {clause}.",
    "If it's {weather} {when}, we'll stay home and {home_act}.",
    "Did you know that {arith}?",
    "About {pct} percent of the students passed the exam.",
    "What do you think about {topic}?",
    "{name}, can you help me {task}?",
    "We're meeting {name} at {place} at {time}.",
    "My {relative} was born on {date}.",
    "Is {name} still {job}?",
    "I haven't seen {name} since {year}.",
    "Let's meet at {place} {when}.",
    "Can we talk about {topic} {when}?",
]
