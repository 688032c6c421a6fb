#include "geo/model/encoding_choice.h"

#include "geo/model/issue_text.h"

#include <algorithm>
#include <cctype>

namespace parkatlas::geo {

bool EncodingChoice::isUtf8() const
{
    std::string n = name;
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::toupper(c); });
    n.erase(std::remove(n.begin(), n.end(), '-'), n.end());
    return n == "UTF8";
}

void EncodingChoice::setReason(Message why)
{
    reason = why.english;
    said = std::move(why);
}

Message EncodingChoice::reasonMessage() const
{
    return said.id.empty() ? Message{{}, {}, reason} : said;
}

std::string EncodingChoice::reasonText(Language language) const
{
    // A fixed phrase ("all text is ASCII") is said through the catalogue's phrases.
    return said.id.empty() ? messagePartText(reason, language) : messageText(said, language);
}

const char* toString(EncodingChoice::Origin origin)
{
    switch (origin) {
    case EncodingChoice::Origin::Unknown:
        return "unknown";
    case EncodingChoice::Origin::Format:
        return "format";
    case EncodingChoice::Origin::User:
        return "user";
    case EncodingChoice::Origin::Cpg:
        return "cpg";
    case EncodingChoice::Origin::Ldid:
        return "ldid";
    case EncodingChoice::Origin::Detected:
        return "detected";
    case EncodingChoice::Origin::AsciiOnly:
        return "ascii";
    }
    return "unknown";
}

} // namespace parkatlas::geo
