#pragma once

#include "geo/message.h"

#include <string>

namespace parkatlas::geo {

/// "RULE: DETAIL": what a rule says about its run (a layer it lacks, a setting it ignores), the
/// rule said by its name in the user's language ("宗地重叠：园区没有宗地图层，未检查"; a part
/// named "rule" is said by the rule's name, geo/model/issue_text.h).
inline Message ruleMessage(const std::string& rule, const Message& detail)
{
    return message("rule_says", "{rule}: {detail}",
                   withNested({{"rule", rule}}, "detail", detail.english, detail.id, detail.parts));
}

} // namespace parkatlas::geo
