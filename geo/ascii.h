// ASCII text helpers for names a program compares: file extensions, field, layer and driver names.
#pragma once

#include <string>
#include <string_view>

namespace parkatlas::geo {

/// `text` with the ASCII letters A–Z in lower case and every other byte as it is: UTF-8 and GBK
/// text pass unchanged, whatever the C locale says (std::tolower follows it, and the GUI sets it
/// from the environment). For names compared without case: ".SHP", "ZDDM", "GPKG".
inline std::string lowerAscii(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace parkatlas::geo
