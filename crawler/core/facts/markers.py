"""Where a figure stands in its sentence, kept as data: history, corrections, scopes, sources.

:mod:`crawler.core.facts.context`, :mod:`~crawler.core.facts.places` and
:mod:`~crawler.core.facts.attribution` build their patterns from these lists (alternatives
written ``"a|b|c"``).
"""

from __future__ import annotations

from crawler.core.facts.vocabulary import alternatives

# before a number (in its clause), these mark an earlier, superseded figure ("the ministry had
# EARLIER SAID 164", "up from 164", "the PREVIOUS toll was 76")
SUPERSEDED = alternatives(
    "earlier|previously|previous|initially|initial|originally|original|up from|down from"
    "|revised from"
    "|compared with|compared to|instead of|rather than|an earlier"
    "|the earlier|denied|dismissed|rejected|formerly|prior|before that"
)
# in past perfect, the reporter's own account of an earlier statement ("OCHA HAD ANNOUNCED
# 11,300"); inside reported speech ("said that they had registered 2,000") it is only backshift
HAD_SAID = alternatives(
    "had said|had put|had reported|had been put at|had stood at|had given|had announced"
    "|had estimated|had counted|had confirmed|had recorded|had registered"
)
# right after a number, these mark it as an earlier figure ("164 EARLIER", "11,300 AS
# PREVIOUSLY REPORTED")
SUPERSEDED_AFTER = alternatives(
    "earlier|previously|initially|originally|before|as earlier reported|as previously reported"
    "|as was earlier reported|as was previously reported|as was before reported|as first reported"
    "|as reported earlier|reported earlier|reported previously"
)
# in the same sentence as a total, these state it as an official correction ("the UN REVISED
# the toll DOWN to 3,958"); the ledger accepts a correction downwards only from these
CORRECTIONS = alternatives(
    "revised down|revised downward|revises down|revising down|revised the toll|revises the toll"
    "|revised its toll|revised the death toll|revises death toll|revised death toll"
    "|revises previous|revised previous|revised report|revised figure|revised figures"
    "|revised toll|revised number|lowered|lowers|lowering|downgraded|downgrades|corrected"
    "|corrects|correction|amended|amends|adjusted|adjusts|adjusting|scaled back|cut the toll"
    "|cuts the toll|reduced the toll|revises toll|revised its|revises its|revised downwards"
)
# near an arrest count, these make it people set free, not arrested
RELEASED = alternatives(
    "released|freed|set free|let go|pardoned|released on bail|were released|have been released"
)
# these say a figure covers the whole event, whatever place the sentence also names
OVERALL = alternatives(
    "nationwide|across the country|throughout the country|across the nation|country-wide|across"
    "|countrywide|in total|overall|in all|all told|altogether|so far in total|total number"
    "|the total|a total of|total toll|total death toll|the whole country"
)
# a figure restricted to somewhere other than the named place: "170 ELSEWHERE in the country"
ELSEWHERE = alternatives(
    "elsewhere|outside|outside of|excluding|not including|beyond|apart from|besides"
    "|in addition to|in other parts|in other areas|other towns|other cities|other areas"
)
# a figure counted at one institution or by one sub-event: "1,700 bodies AT HIS HOSPITAL"
INSTITUTIONS = alternatives(
    "hospital|hospitals|morgue|morgues|prison|jail|school|university|mosque|stadium|camp"
    "|clinic|cemetery|cemeteries"
)
SUB_EVENTS = alternatives(
    "aftershock|aftershocks|fire|blaze|crash|accident|stampede|explosion|blast|collapse"
    "|shooting|attack|bombing|riot|clash|raid"
)
# a count of one stage of the recovery, not of the dead: "3,190 have already been BURIED"
SUBSETS = alternatives(
    "buried|being processed|still being processed|awaiting burial|repatriated"
    "|still hospitalised|still hospitalized|still in hospital|remain in hospital"
    "|remain hospitalised|remain hospitalized|remained in hospital|currently hospitalised"
    "|currently hospitalized|in serious condition|in critical condition|seriously wounded"
    "|seriously injured|critically injured|in a critical condition|in a serious condition"
)
# a count for one period: "on Friday ALONE", "IN THE PAST 24 HOURS"
PERIODS = alternatives(
    "in the past 24 hours|in the last 24 hours|in the past day|in a single day|per day"
    "|each day|every day|in 24 hours|overnight alone|day-long|in one day|in the past week alone"
    "|in the last week alone|this week alone|that day alone|on that day alone"
)
# place nouns: "the CITY of Derna", "Guilan PROVINCE"
PLACE_NOUNS = alternatives(
    "city|town|village|province|region|district|governorate|state|county|capital|port|area"
    "|prefecture|municipality|neighbourhood|neighborhood|island|valley|department|country"
    "|nation|kingdom|republic"
)
# compass and size words before a place ("in EASTERN Libya")
PLACE_ADJECTIVES = alternatives(
    "northern|southern|eastern|western|central|north|south|east|west|northeastern|northwestern"
    "|southeastern|southwestern|north-eastern|north-western|south-eastern|south-western|coastal"
    "|rural|remote|mountainous|hard-hit|flood-hit|quake-hit|stricken|the|its|their|his|her"
)
# capitalised words that are not places ("in January", "in Parliament")
NOT_PLACES = alternatives(
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|monday|tuesday|wednesday|thursday|friday|saturday|sunday|parliament|congress|senate"
    "|court|government|ministry|statement|interview|english|arabic|persian|farsi|french"
    "|spanish|russian|islam|christianity|the|a|an|this|that|these|those|his|her|their|its"
)
# words of organisations, not places ("in the Interior Ministry's statement")
ORG_WORDS = alternatives(
    "ministry|office|organization|organisation|agency|council|committee|crescent|cross|rights"
    "|group|party|army|forces|police|guard|guards|news|times|post|tv|television|radio|service"
    "|services|department|authority|authorities|commission|federation|society|union|nations"
    "|foundation|institute|center|centre|bank|company|ngo|un|who|press|media|reuters|afp|ap"
)
# verbs that attribute a figure: "…, the ministry SAID", "according to", "told Reuters"
ATTRIBUTION_VERBS = alternatives(
    "said|says|say|reported|reports|announced|announces|stated|states|confirmed|confirms"
    "|told|added|estimated|estimates|cited|quoted|put|puts|tallied|counted|recorded|documented"
    "|tweeted|wrote|posted|noted|claimed|claims"
)
