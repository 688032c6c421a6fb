#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// One named part of a message: "file" → "a.shp", "reason" → "Self-intersection[3 4]".
struct MessagePart {
    std::string name;
    std::string value;
};

/// What a message says, as an id and its parts, and in English. The id names its Chinese
/// template in styles/messages.json (geo/model/issue_text.h fills it from the parts); the English
/// is made here, from the template the call site gives, so it reads as the call site says.
struct Message {
    std::string id;
    std::vector<MessagePart> parts;
    std::string english;
};

/// The message `id` with `parts`, its English being `englishTemplate` with each {name} replaced
/// by the value of the part of that name ("invalid plot ({reason})"). A {name} no part has is
/// kept as it is written.
Message message(std::string id, std::string_view englishTemplate,
                std::vector<MessagePart> parts = {});

/// `parts` with the message `english` (`id`, `inner` parts) added as the part `name`, so that it
/// is said in the user's language too: its id as "NAME_id", its parts as "NAME.PART".
std::vector<MessagePart> withNested(std::vector<MessagePart> parts, const std::string& name,
                                    const std::string& english, const std::string& id,
                                    const std::vector<MessagePart>& inner);

/// `text` with each {name} replaced by the value of the part of that name; nullopt when a
/// {name} has no part (`missing` then says which, when given).
std::optional<std::string> fillTemplate(std::string_view text, const std::vector<MessagePart>& parts,
                                        std::string* missing = nullptr);

} // namespace parkatlas::geo
