#include "geo/message.h"

#include <algorithm>

namespace parkatlas::geo {

namespace {

/// `text` with each {name} replaced by its part's value; a {name} without a part is kept as
/// written when `keepUnknown`, else nullopt (its name in `missing`).
std::optional<std::string> fill(std::string_view text, const std::vector<MessagePart>& parts,
                                bool keepUnknown, std::string* missing)
{
    std::string out;
    out.reserve(text.size() + 32);
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t open = text.find('{', at);
        const std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
        if (close == std::string_view::npos) {
            out.append(text.substr(at));
            break;
        }
        out.append(text.substr(at, open - at));
        const std::string_view name = text.substr(open + 1, close - open - 1);
        const auto part = std::find_if(parts.begin(), parts.end(),
                                       [&](const MessagePart& p) { return p.name == name; });
        if (part != parts.end()) {
            out += part->value;
        } else if (keepUnknown) {
            out.append(text.substr(open, close - open + 1));
        } else {
            if (missing)
                *missing = std::string(name);
            return std::nullopt;
        }
        at = close + 1;
    }
    return out;
}

} // namespace

std::optional<std::string> fillTemplate(std::string_view text, const std::vector<MessagePart>& parts,
                                        std::string* missing)
{
    return fill(text, parts, false, missing);
}

Message message(std::string id, std::string_view englishTemplate, std::vector<MessagePart> parts)
{
    std::string english = *fill(englishTemplate, parts, true, nullptr);
    return {std::move(id), std::move(parts), std::move(english)};
}

std::vector<MessagePart> withNested(std::vector<MessagePart> parts, const std::string& name,
                                    const std::string& english, const std::string& id,
                                    const std::vector<MessagePart>& inner)
{
    parts.push_back({name, english});
    if (id.empty())
        return parts;
    parts.push_back({name + "_id", id});
    for (const MessagePart& part : inner)
        parts.push_back({name + "." + part.name, part.value});
    return parts;
}

} // namespace parkatlas::geo
