"""The fact vocabulary, kept as data: kinds, their words, subjects, qualifiers, markers.

Alternatives are written ``"a|b|c"`` to keep the tables compact. Users extend the per-kind
tables and the subjects in config (``[facts]``, see :class:`~crawler.core.facts.rules.Vocabulary`);
the extractor builds its patterns from whatever vocabulary it is given.
"""

from __future__ import annotations


def _w(alternatives: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in alternatives.split("|") if a.strip())


# kind -> words after the counted noun ("160 people were KILLED", "164 DEAD", "30 remain MISSING")
KIND_PREDICATES: dict[str, tuple[str, ...]] = {
    "killed": _w(
        "killed|dead|died|have died|slain|perished|lost their lives|murdered|shot dead|executed"
        "|drowned|confirmed dead|deaths|fatalities|bodies|burned to death|crushed to death"
    ),
    "injured": _w(
        "injured|wounded|hurt|hospitalised|hospitalized|injuries|treated for injuries"
        "|in hospital|seriously injured|critically injured"
    ),
    "missing": _w("missing|unaccounted for|feared missing"),
    "arrested": _w(
        "arrested|detained|in custody|taken into custody|held in custody|rounded up|arrests"
        "|detentions|apprehended|jailed|imprisoned|behind bars"
    ),
    "displaced": _w(
        "displaced|evacuated|fled their homes|fled|homeless|made homeless"
        "|forced from their homes|forced to flee|relocated|uprooted"
    ),
}
# verbs right before the number ("KILLING at least 12 people", "DETAINED 8,000 people")
KIND_LEAD_VERBS: dict[str, tuple[str, ...]] = {
    "killed": _w("killing|killed|kills|claimed the lives of|claiming the lives of|executed"),
    "injured": _w("injuring|injured|injures|wounding|wounded|hurting|hospitalising"),
    "arrested": _w("arresting|arrested|arrests|detaining|detained|detains|rounded up|jailed"),
    "displaced": _w("displacing|displaced|evacuating|evacuated|uprooted|forcing out"),
    # troops need a troop noun after the number ("sent 2,300 TROOPS")
    "troops": _w(
        "sent|sending|sends|deployed|deploying|deploys|dispatched|dispatching|contributed"
        "|contributing|committed|committing|pledged|flew in|airlifted|stationed|mobilised"
        "|mobilized"
    ),
}
# nouns introducing a total ("the DEATH TOLL rose to 225", "the NUMBER OF INJURED stood at 90")
KIND_TOTALS: dict[str, tuple[str, ...]] = {
    "killed": _w(
        "death toll|toll|number of dead|number of deaths|number of people killed"
        "|number of fatalities|number of victims|deaths|fatalities|total number of deaths"
    ),
    "injured": _w(
        "number of injured|number of wounded|injuries|number of injuries|number of people injured"
    ),
    "arrested": _w(
        "number of arrests|number of detainees|arrests|detentions|number of people detained"
        "|number of people arrested|number of detentions"
    ),
    "displaced": _w("number of displaced|number of evacuees|number of people displaced"),
    "missing": _w("number of missing|number of people missing"),
}
# words that link a total to its number: "the death toll ROSE TO 225"
TOTAL_LINKS = _w(
    "to|at|of|reached|hit|exceeded|passed|surpassed|topped|is|was|stood at|now|is now|now at"
)
TROOP_NOUNS = _w(
    "troops|soldiers|servicemen|peacekeepers|paratroopers|military personnel|service members"
    "|marines|personnel"
)

# subject phrase -> canonical subject; the longest matching phrase wins. A phrase not listed
# counts under its own head noun ("villagers"), or under "people" when there is none.
SUBJECTS: dict[str, str] = {
    **dict.fromkeys(_w("people|persons|individuals|residents|citizens|others|those"), "people"),
    **dict.fromkeys(_w("civilians|bystanders|non-combatants|passers-by"), "civilians"),
    **dict.fromkeys(_w("protesters|protestors|demonstrators|rioters|activists"), "protesters"),
    **dict.fromkeys(
        _w(
            "security officers|security forces|members of the security forces|security personnel"
            "|security service officers|law enforcement officers|law enforcement officials"
            "|law enforcement personnel|security staff"
        ),
        "security forces",
    ),
    **dict.fromkeys(_w("police|police officers|policemen|officers|riot police"), "police"),
    **dict.fromkeys(
        _w(
            "soldiers|troops|military personnel|service members|servicemen|national guardsmen"
            "|paratroopers|marines|army personnel"
        ),
        "soldiers",
    ),
    "peacekeepers": "peacekeepers",
    **dict.fromkeys(_w("children|minors|kids|schoolchildren"), "children"),
    "women": "women",
    **dict.fromkeys(_w("journalists|reporters|media workers"), "journalists"),
    **dict.fromkeys(_w("foreigners|foreign nationals|foreign citizens"), "foreigners"),
    **dict.fromkeys(
        _w("militants|fighters|gunmen|attackers|terrorists|bandits|insurgents|rebels"),
        "militants",
    ),
    "migrants": "migrants",
    "refugees": "refugees",
    **dict.fromkeys(_w("prisoners|inmates"), "prisoners"),
    **dict.fromkeys(_w("aid workers|humanitarian workers"), "aid workers"),
    **dict.fromkeys(_w("medics|doctors|health workers|paramedics"), "medics"),
}
# head nouns that are plural without a final "s" ("two MEN were arrested")
IRREGULAR_PLURALS = _w("men|women|children|people|police|personnel|staff|crew|youth|militia")
# counted things that are not people: "detained for 3 DAYS", "displaced from 12 VILLAGES"
NOT_PERSONS = _w(
    "days|weeks|months|years|hours|minutes|seconds|times|percent|per cent|kilometres|kilometers"
    "|km|miles|metres|meters|tonnes|tons|dollars|euros|cities|towns|villages|regions|provinces"
    "|districts|countries|buildings|homes|houses|vehicles|cars|trucks|tanks|aircraft|planes"
    "|helicopters|drones|rounds|rockets|missiles|shells|cases|incidents|attacks|protests|rallies"
    "|sites|locations|points|seats|votes|flights"
)
MONTHS = _w(
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

# qualifier -> which bound the number sets ("low": at least, "high": at most, "": approximate)
QUALIFIERS: dict[str, str] = {
    **dict.fromkeys(
        _w(
            "at least|no fewer than|no less than|more than|over|upwards of|in excess of|above"
            "|a minimum of|well over|some more than"
        ),
        "low",
    ),
    **dict.fromkeys(
        _w(
            "nearly|almost|up to|as many as|fewer than|less than|under|just under|at most"
            "|no more than|close to|a maximum of|not more than"
        ),
        "high",
    ),
    **dict.fromkeys(
        _w("about|around|some|roughly|approximately|an estimated|estimated|about some"), ""
    ),
}
# words between the counted noun and the predicate that do not change the meaning
FILLERS = _w(
    "were|was|are|is|have been|has been|had been|been|being|have|has|had|remain|remains"
    "|remained|still|reportedly|also|later|allegedly|now|so far|already|all|confirmed"
    "|officially|believed|thought|reported|to have|to be|feared|who were|who had been|who"
    "|that were|in total|among the|among those|subsequently|eventually|then|said to have been"
    "|said to be"
)
# words that end a subject phrase: "12 civilians AND injured dozens" is two facts
SUBJECT_STOPS = _w(
    "and|or|but|while|after|as|when|in|on|during|since|with|by|at|from|including|among|amid"
    "|across|near|over|into|for|because|following|according|said|says|say|to|that|which|who"
    "|whose|where"
)
# near a number, these make it a possibility or a plan, not an event that happened
HYPOTHETICAL = _w(
    "could|would|might|may|if|threatens to|threatened to|risk|risks|expected to|likely to"
    "|plans to|planned to|planning to|will|shall|warned that|fears that|feared that|unless"
    "|set to|due to be|going to|aims to|intends to|to be sent|to send|to deploy|proposed"
)
# before a number, these mark an earlier, superseded figure ("the ministry had EARLIER SAID 164")
SUPERSEDED = _w(
    "earlier said|had said|previously said|initially said|originally said|earlier reported"
    "|previously reported|initially reported|had reported|earlier put|previously put"
    "|initially put|up from|down from|revised from|compared with|compared to|instead of"
    "|rather than|earlier gave|an earlier"
)
# a sentence with one of these speaks of another, earlier event ("in 2019, 12 died")
PAST_MARKERS = _w(
    "last year|years ago|a year ago|decades ago|a decade ago|in the past|previous year"
    "|the year before|century|centuries ago"
)
# years introduced like this date a sentence: "IN 2019, 12 died", "DURING THE 2008 war"
YEAR_LEADS = _w("in|since|during|back in|by|in early|in late|in mid|during the|in the|from|between")
# words that deny an event: "NO ONE was killed"
NEGATIONS = _w("no one|nobody|none|no|not a single person|not a single|zero|not one")
