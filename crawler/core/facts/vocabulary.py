"""The fact vocabulary, kept as data: kinds, their words, subjects, qualifiers, markers.

Alternatives are written ``"a|b|c"`` to keep the tables compact. Users extend the per-kind
tables and the subjects in config (``[facts]``, see :class:`~crawler.core.facts.rules.Vocabulary`);
the extractor builds its patterns from whatever vocabulary it is given.
"""

from __future__ import annotations


def alternatives(text: str) -> tuple[str, ...]:
    """ "a|b|c" as ("a", "b", "c"): the tables below are written compactly."""
    return tuple(a.strip() for a in text.split("|") if a.strip())


# kind -> words after the counted noun ("160 people were KILLED", "164 DEAD", "30 remain MISSING")
KIND_PREDICATES: dict[str, tuple[str, ...]] = {
    "killed": alternatives(
        "killed|dead|died|have died|slain|perished|lost their lives|lost lives|murdered|shot dead"
        "|drowned|confirmed dead|deaths|fatalities|bodies|burned to death|crushed to death"
        "|feared dead|believed dead|believed to be dead|presumed dead|people dead|victims"
        "|among the dead|among those killed|among the victims|among the casualties"
        "|among the fatalities"
    ),
    "injured": alternatives(
        "injured|wounded|hurt|hospitalised|hospitalized|injuries|treated for injuries"
        "|in hospital|seriously injured|critically injured|sought treatment for injuries"
        "|sought medical treatment|needed treatment|received treatment|sought treatment"
    ),
    "missing": alternatives(
        "missing|unaccounted for|feared missing|listed as missing|listed missing|reported missing"
    ),
    "arrested": alternatives(
        "arrested|detained|in custody|taken into custody|held in custody|rounded up|arrests"
        "|detentions|apprehended|jailed|imprisoned|behind bars|detainees|taken into detention"
    ),
    "executed": alternatives("executed|hanged|put to death|executions"),
    "displaced": alternatives(
        "displaced|evacuated|fled their homes|homeless|made homeless|left homeless"
        "|forced from their homes|forced to flee|relocated|uprooted"
    ),
}
# verbs right before the number ("KILLING at least 12 people", "DETAINED 8,000 people")
KIND_LEAD_VERBS: dict[str, tuple[str, ...]] = {
    "killed": alternatives(
        "killing|killed|kills|kill|claimed the lives of|claiming the lives of|the dead included"
        "|the dead include|among the dead were|among the dead are|among those killed were"
    ),
    "executed": alternatives("executed|executing|executes|execute|hanged|hanging|hangs|hang"),
    "injured": alternatives("injuring|injured|injures|wounding|wounded|hurting|hospitalising"),
    "arrested": alternatives(
        "arresting|arrested|arrests|detaining|detained|detains|rounded up|jailed"
    ),
    "displaced": alternatives("displacing|displaced|evacuating|evacuated|uprooted|forcing out"),
    # troops need a troop noun after the number ("sent 2,300 TROOPS")
    "troops": alternatives(
        "sent|sending|sends|deployed|deploying|deploys|dispatched|dispatching|contributed"
        "|contributing|committed|committing|pledged|flew in|airlifted|stationed|mobilised"
        "|mobilized"
    ),
}
# nouns introducing a total ("the DEATH TOLL rose to 225", "the NUMBER OF INJURED stood at 90")
KIND_TOTALS: dict[str, tuple[str, ...]] = {
    "killed": alternatives(
        "death toll|toll|number of dead|number of deaths|number of people killed"
        "|number of fatalities|number of victims|deaths|fatalities|total number of deaths"
        "|casualty toll|number of those killed|number of people who died|the dead|the deceased"
        "|death|the death"
        "|number of victims|toll of dead"
    ),
    "injured": alternatives(
        "number of injured|number of wounded|injuries|number of injuries|number of people injured"
    ),
    "arrested": alternatives(
        "number of arrests|number of detainees|arrests|detentions|number of people detained"
        "|number of people arrested|number of detentions|number of people held in custody"
        "|number of those detained|number of those arrested|held in custody|arrest|the arrest"
        "|detention|the detention"
    ),
    "executed": alternatives("number of executions|executions"),
    "displaced": alternatives(
        "number of displaced|number of evacuees|number of people displaced|those displaced"
        "|displacement|the displacement"
        "|number of those displaced|people displaced|estimate of those displaced"
    ),
    "missing": alternatives("number of missing|number of people missing"),
}
# words that link a total to its number: "the death toll ROSE TO 225"
TOTAL_LINKS = alternatives(
    "to|at|of|reached|hit|exceeded|passed|surpassed|topped|is|was|stood at|now|is now|now at"
    "|has reached|had reached|has risen to|rose to|risen to|rises to|climbed to|climbs to"
    "|climbed above|rose above|jumped to|jumps to|soared to|soars to|increased to|grew to"
    "|stands at|stood at|went up to|crossed|passes|hits|tops|reaches|exceeds|surpasses"
    "|above|over|past|at least|to at least|to more than|to over|put at|pegged at|as|near"
    "|nears|neared|is at|was at|of at least|of more than|be|could be|may be|numbered|numbers"
    "|from|up from|down from"
)
TROOP_NOUNS = alternatives(
    "troops|soldiers|servicemen|peacekeepers|paratroopers|military personnel|service members"
    "|marines|personnel"
)

# subject phrase -> canonical subject; the longest matching phrase wins. A phrase not listed
# counts under its own head noun ("villagers"), or under "people" when there is none.
SUBJECTS: dict[str, str] = {
    **dict.fromkeys(
        alternatives("people|persons|individuals|residents|citizens|others|those"), "people"
    ),
    **dict.fromkeys(alternatives("civilians|bystanders|non-combatants|passers-by"), "civilians"),
    **dict.fromkeys(
        alternatives("protesters|protestors|demonstrators|rioters|activists"), "protesters"
    ),
    **dict.fromkeys(
        alternatives(
            "security officers|security forces|members of the security forces|security personnel"
            "|security service officers|law enforcement officers|law enforcement officials"
            "|law enforcement personnel|security staff"
        ),
        "security forces",
    ),
    **dict.fromkeys(
        alternatives("police|police officers|policemen|officers|riot police"), "police"
    ),
    **dict.fromkeys(
        alternatives(
            "soldiers|troops|military personnel|service members|servicemen|national guardsmen"
            "|paratroopers|marines|army personnel"
        ),
        "soldiers",
    ),
    "peacekeepers": "peacekeepers",
    **dict.fromkeys(alternatives("children|minors|kids|schoolchildren"), "children"),
    "women": "women",
    **dict.fromkeys(alternatives("journalists|reporters|media workers"), "journalists"),
    **dict.fromkeys(alternatives("foreigners|foreign nationals|foreign citizens"), "foreigners"),
    **dict.fromkeys(
        alternatives("militants|fighters|gunmen|attackers|terrorists|bandits|insurgents|rebels"),
        "militants",
    ),
    "migrants": "migrants",
    "refugees": "refugees",
    **dict.fromkeys(alternatives("prisoners|inmates"), "prisoners"),
    **dict.fromkeys(
        alternatives("students|university students|schoolgirls|schoolboys"), "students"
    ),
    **dict.fromkeys(
        alternatives(
            "aid workers|humanitarian workers|aid team members|aid team|rescue workers|rescuers"
            "|delegation members|members of the delegation|members of the aid team|volunteers"
        ),
        "aid workers",
    ),
    **dict.fromkeys(alternatives("medics|doctors|health workers|paramedics"), "medics"),
}
# head nouns that are plural without a final "s" ("two MEN were arrested")
IRREGULAR_PLURALS = alternatives(
    "men|women|children|people|police|personnel|staff|crew|youth|militia"
)
# counted things that are not people: "detained for 3 DAYS", "displaced from 12 VILLAGES"
NOT_PERSONS = alternatives(
    "days|weeks|months|years|hours|minutes|seconds|times|percent|per cent|kilometres|kilometers"
    "|km|miles|metres|meters|tonnes|tons|dollars|euros|cities|towns|villages|regions|provinces"
    "|districts|countries|buildings|homes|houses|vehicles|cars|trucks|tanks|aircraft|planes"
    "|helicopters|drones|rounds|rockets|missiles|shells|cases|incidents|attacks|protests|rallies"
    "|sites|locations|points|seats|votes|flights"
)
MONTHS = alternatives(
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

# qualifier -> which bound the number sets ("low": at least, "high": at most, "": approximate)
QUALIFIERS: dict[str, str] = {
    **dict.fromkeys(
        alternatives(
            "at least|no fewer than|no less than|more than|over|upwards of|in excess of|above"
            "|a minimum of|well over|some more than"
        ),
        "low",
    ),
    **dict.fromkeys(
        alternatives(
            "nearly|almost|up to|as many as|fewer than|less than|under|just under|at most"
            "|no more than|close to|a maximum of|not more than"
        ),
        "high",
    ),
    **dict.fromkeys(
        alternatives("about|around|some|roughly|approximately|an estimated|estimated|about some"),
        "",
    ),
}
# words between the counted noun and the predicate that do not change the meaning
FILLERS = alternatives(
    "were|was|are|is|have been|has been|had been|been|being|have|has|had|remain|remains"
    "|remained|still|reportedly|also|later|allegedly|now|so far|already|all|confirmed"
    "|officially|believed|thought|reported|to have|to be|feared|who were|who had been|who"
    "|that were|in total|among the|among those|subsequently|eventually|then|said to have been"
    "|said to be"
)
# words that end a subject phrase: "12 civilians AND injured dozens" is two facts
SUBJECT_STOPS = alternatives(
    "and|or|but|while|after|as|when|in|on|during|since|with|by|at|from|including|among|amid"
    "|across|near|over|into|for|because|following|according|said|says|say|to|that|which|who"
    "|whose|where"
)
# near a number, these make it a possibility or a plan, not an event that happened
HYPOTHETICAL = alternatives(
    "could|would|might|may|if|threatens to|threatened to|risk|risks|expected to|likely to"
    "|plans to|planned to|planning to|will|shall|warned that|fears that|feared that|unless"
    "|set to|due to be|going to|aims to|intends to|to be sent|to send|to deploy|proposed"
    "|expect|expects|we expect|predicted|predicts|forecast|projected|could rise|could reach"
    "|may rise|would rise|feared to|fear that|fears the toll|as high as|potentially|possibly"
    "|perhaps|estimates could|is likely|are likely|was likely"
)
# ordinals: "the SECOND person to be executed" = 2 executions
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
ORDINAL_NOUNS = alternatives(
    "execution|person to be executed|protester to be executed|man to be executed"
    "|known execution|public execution|person executed|protester executed|man executed"
    "|prisoner to be executed|protester hanged|person hanged|man hanged|hanging"
)
# a sentence with one of these speaks of another, earlier event ("in 2019, 12 died")
PAST_MARKERS = alternatives(
    "last year|years ago|a year ago|decades ago|a decade ago|in the past years|previous year"
    "|the year before|century|centuries ago|in the past decade|in the past decades"
)
# years introduced like this date a sentence: "IN 2019, 12 died", "DURING THE 2008 war"
YEAR_LEADS = alternatives(
    "in|since|during|back in|by|in early|in late|in mid|during the|in the|from|between"
)
# words that deny an event: "NO ONE was killed"
NEGATIONS = alternatives("no one|nobody|none|no|not a single person|not a single|zero|not one")
