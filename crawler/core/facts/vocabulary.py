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
        "killed|dead|died|have died|slain|perished|lost their lives|lost lives|murdered|shot dead"
        "|drowned|confirmed dead|deaths|fatalities|bodies|burned to death|crushed to death"
        "|feared dead|believed dead|believed to be dead|presumed dead|people dead|victims"
    ),
    "injured": _w(
        "injured|wounded|hurt|hospitalised|hospitalized|injuries|treated for injuries"
        "|in hospital|seriously injured|critically injured|sought treatment for injuries"
        "|sought medical treatment|needed treatment|received treatment|sought treatment"
    ),
    "missing": _w("missing|unaccounted for|feared missing"),
    "arrested": _w(
        "arrested|detained|in custody|taken into custody|held in custody|rounded up|arrests"
        "|detentions|apprehended|jailed|imprisoned|behind bars|detainees|taken into detention"
    ),
    "executed": _w("executed|hanged|put to death|executions"),
    "displaced": _w(
        "displaced|evacuated|fled their homes|homeless|made homeless|left homeless"
        "|forced from their homes|forced to flee|relocated|uprooted"
    ),
}
# verbs right before the number ("KILLING at least 12 people", "DETAINED 8,000 people")
KIND_LEAD_VERBS: dict[str, tuple[str, ...]] = {
    "killed": _w("killing|killed|kills|kill|claimed the lives of|claiming the lives of"),
    "executed": _w("executed|executing|executes|execute|hanged|hanging|hangs|hang"),
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
        "|casualty toll|number of those killed|number of people who died|the dead|the deceased"
        "|number of victims|toll of dead"
    ),
    "injured": _w(
        "number of injured|number of wounded|injuries|number of injuries|number of people injured"
    ),
    "arrested": _w(
        "number of arrests|number of detainees|arrests|detentions|number of people detained"
        "|number of people arrested|number of detentions|number of people held in custody"
        "|number of those detained|number of those arrested|held in custody"
    ),
    "executed": _w("number of executions|executions"),
    "displaced": _w(
        "number of displaced|number of evacuees|number of people displaced|those displaced"
        "|number of those displaced|people displaced|estimate of those displaced"
    ),
    "missing": _w("number of missing|number of people missing"),
}
# words that link a total to its number: "the death toll ROSE TO 225"
TOTAL_LINKS = _w(
    "to|at|of|reached|hit|exceeded|passed|surpassed|topped|is|was|stood at|now|is now|now at"
    "|has reached|had reached|has risen to|rose to|risen to|rises to|climbed to|climbs to"
    "|climbed above|rose above|jumped to|jumps to|soared to|soars to|increased to|grew to"
    "|stands at|stood at|went up to|crossed|passes|hits|tops|reaches|exceeds|surpasses"
    "|above|over|past|at least|to at least|to more than|to over|put at|pegged at|as|near"
    "|nears|neared|is at|was at|of at least|of more than|be|could be|may be|numbered|numbers"
    "|from|up from|down from"
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
    **dict.fromkeys(_w("students|university students|schoolgirls|schoolboys"), "students"),
    **dict.fromkeys(
        _w(
            "aid workers|humanitarian workers|aid team members|aid team|rescue workers|rescuers"
            "|delegation members|members of the delegation|members of the aid team|volunteers"
        ),
        "aid workers",
    ),
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
    "|expect|expects|we expect|predicted|predicts|forecast|projected|could rise|could reach"
    "|may rise|would rise|feared to|fear that|fears the toll|as high as|potentially|possibly"
    "|perhaps|estimates could|is likely|are likely|was likely"
)
# before a number (in its clause), these mark an earlier, superseded figure ("the ministry had
# EARLIER SAID 164", "up from 164", "the PREVIOUS toll was 76")
SUPERSEDED = _w(
    "earlier|previously|previous|initially|initial|originally|original|up from|down from"
    "|revised from"
    "|compared with|compared to|instead of|rather than|an earlier"
    "|the earlier|denied|dismissed|rejected|formerly|prior|before that"
)
# in past perfect, the reporter's own account of an earlier statement ("OCHA HAD ANNOUNCED
# 11,300"); inside reported speech ("said that they had registered 2,000") it is only backshift
HAD_SAID = _w(
    "had said|had put|had reported|had been put at|had stood at|had given|had announced"
    "|had estimated|had counted|had confirmed|had recorded|had registered"
)
# right after a number, these mark it as an earlier figure ("164 EARLIER", "11,300 AS
# PREVIOUSLY REPORTED")
SUPERSEDED_AFTER = _w(
    "earlier|previously|initially|originally|before|as earlier reported|as previously reported"
    "|as was earlier reported|as was previously reported|as was before reported|as first reported"
    "|as reported earlier|reported earlier|reported previously"
)
# in the same sentence as a total, these state it as an official correction ("the UN REVISED
# the toll DOWN to 3,958"); the ledger accepts a correction downwards only from these
CORRECTIONS = _w(
    "revised down|revised downward|revises down|revising down|revised the toll|revises the toll"
    "|revised its toll|revised the death toll|revises death toll|revised death toll"
    "|revises previous|revised previous|revised report|revised figure|revised figures"
    "|revised toll|revised number|lowered|lowers|lowering|downgraded|downgrades|corrected"
    "|corrects|correction|amended|amends|adjusted|adjusts|adjusting|scaled back|cut the toll"
    "|cuts the toll|reduced the toll|revises toll|revised its|revises its|revised downwards"
)
# near an arrest count, these make it people set free, not arrested
RELEASED = _w(
    "released|freed|set free|let go|pardoned|released on bail|were released|have been released"
)
# these say a figure covers the whole event, whatever place the sentence also names
OVERALL = _w(
    "nationwide|across the country|throughout the country|across the nation|country-wide|across"
    "|countrywide|in total|overall|in all|all told|altogether|so far in total|total number"
    "|the total|a total of|total toll|total death toll|the whole country"
)
# a figure restricted to somewhere other than the named place: "170 ELSEWHERE in the country"
ELSEWHERE = _w(
    "elsewhere|outside|outside of|excluding|not including|beyond|apart from|besides"
    "|in addition to|in other parts|in other areas|other towns|other cities|other areas"
)
# a figure counted at one institution or by one sub-event: "1,700 bodies AT HIS HOSPITAL"
INSTITUTIONS = _w(
    "hospital|hospitals|morgue|morgues|prison|jail|school|university|mosque|stadium|camp"
    "|clinic|cemetery|cemeteries"
)
SUB_EVENTS = _w(
    "aftershock|aftershocks|fire|blaze|crash|accident|stampede|explosion|blast|collapse"
    "|shooting|attack|bombing|riot|clash|raid"
)
# a count of one stage of the recovery, not of the dead: "3,190 have already been BURIED"
SUBSETS = _w(
    "buried|being processed|still being processed|awaiting burial|repatriated"
    "|still hospitalised|still hospitalized|still in hospital|remain in hospital"
    "|remain hospitalised|remain hospitalized|remained in hospital|currently hospitalised"
    "|currently hospitalized|in serious condition|in critical condition|seriously wounded"
    "|seriously injured|critically injured|in a critical condition|in a serious condition"
)
# a count for one period: "on Friday ALONE", "IN THE PAST 24 HOURS"
PERIODS = _w(
    "in the past 24 hours|in the last 24 hours|in the past day|in a single day|per day"
    "|each day|every day|in 24 hours|overnight alone|day-long|in one day"
)
# place nouns: "the CITY of Derna", "Guilan PROVINCE"
PLACE_NOUNS = _w(
    "city|town|village|province|region|district|governorate|state|county|capital|port|area"
    "|prefecture|municipality|neighbourhood|neighborhood|island|valley|department|country"
    "|nation|kingdom|republic"
)
# compass and size words before a place ("in EASTERN Libya")
PLACE_ADJECTIVES = _w(
    "northern|southern|eastern|western|central|north|south|east|west|northeastern|northwestern"
    "|southeastern|southwestern|north-eastern|north-western|south-eastern|south-western|coastal"
    "|rural|remote|mountainous|hard-hit|flood-hit|quake-hit|stricken|the|its|their|his|her"
)
# capitalised words that are not places ("in January", "in Parliament")
NOT_PLACES = _w(
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|monday|tuesday|wednesday|thursday|friday|saturday|sunday|parliament|congress|senate"
    "|court|government|ministry|statement|interview|english|arabic|persian|farsi|french"
    "|spanish|russian|islam|christianity|the|a|an|this|that|these|those|his|her|their|its"
)
# words of organisations, not places ("in the Interior Ministry's statement")
ORG_WORDS = _w(
    "ministry|office|organization|organisation|agency|council|committee|crescent|cross|rights"
    "|group|party|army|forces|police|guard|guards|news|times|post|tv|television|radio|service"
    "|services|department|authority|authorities|commission|federation|society|union|nations"
    "|foundation|institute|center|centre|bank|company|ngo|un|who|press|media|reuters|afp|ap"
)
# verbs that attribute a figure: "…, the ministry SAID", "according to", "told Reuters"
ATTRIBUTION_VERBS = _w(
    "said|says|say|reported|reports|announced|announces|stated|states|confirmed|confirms"
    "|told|added|estimated|estimates|cited|quoted|put|puts|tallied|counted|recorded|documented"
    "|tweeted|wrote|posted|noted|claimed|claims"
)
# ordinals: "the SECOND person to be executed" = 2 executions
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
ORDINAL_NOUNS = _w(
    "execution|person to be executed|protester to be executed|man to be executed"
    "|known execution|public execution|person executed|protester executed|man executed"
    "|prisoner to be executed|protester hanged|person hanged|man hanged|hanging"
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
