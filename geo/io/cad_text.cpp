#include "geo/io/cad_text.h"

#include "geo/error.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>

namespace parkatlas::geo {

namespace {

std::string trimmed(std::string_view text)
{
    std::size_t begin = 0, end = text.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
        ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
        --end;
    return std::string(text.substr(begin, end - begin));
}

std::string upper(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

bool hasHighByte(std::string_view line)
{
    return std::any_of(line.begin(), line.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

constexpr std::size_t kMaxScanBytes = 32u << 20;
constexpr std::size_t kMaxHighByteText = 4u << 20;

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

DxfHeader parseDxfHeader(std::string_view bytes)
{
    DxfHeader header;
    // DXF is pairs of lines: a group code, then its value. A header variable is the pair
    // "9 / $NAME" followed by one pair holding its value; the header ends at "0 / ENDSEC".
    std::size_t position = 0;
    std::string groupCode;
    bool expectCode = true;
    bool inHeader = true;
    bool sawSection = false;
    std::string variable;
    while (position < bytes.size()) {
        std::size_t end = bytes.find('\n', position);
        if (end == std::string_view::npos)
            end = bytes.size();
        std::string_view line = bytes.substr(position, end - position);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        position = end + 1;
        if (hasHighByte(line) && header.highByteText.size() < kMaxHighByteText) {
            header.highByteText.append(line);
            header.highByteText.push_back('\n');
        }
        if (expectCode) {
            groupCode = trimmed(line);
            expectCode = false;
            continue;
        }
        expectCode = true;
        if (!inHeader)
            continue;
        const std::string value = trimmed(line);
        if (groupCode == "2" && !sawSection) {
            sawSection = true;
            header.entitiesOnly = value == "ENTITIES";
        }
        if (groupCode == "0" && value == "ENDSEC") {
            inHeader = false;
        } else if (groupCode == "9") {
            variable = value;
        } else if (!variable.empty()) {
            if (variable == "$ACADVER")
                header.acadVersion = value;
            else if (variable == "$DWGCODEPAGE")
                header.codePage = value;
            variable.clear();
        }
    }
    return header;
}

DxfHeader readDxfHeader(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError("cannot read the drawing", {path, {}, -1, {}});
    std::string bytes(kMaxScanBytes, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    return parseDxfHeader(bytes);
}

bool isUtf8DxfVersion(const std::string& acadVersion)
{
    if (acadVersion.size() != 6 || upper(acadVersion.substr(0, 2)) != "AC")
        return false;
    const std::string digits = acadVersion.substr(2);
    if (!std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
        return false;
    return std::stoi(digits) >= 1021;
}

std::string encodingFromDxfCodePage(const std::string& codePage)
{
    const std::string name = upper(trimmed(codePage));
    if (name.empty())
        return {};
    if (name == "UTF8" || name == "UTF-8")
        return "UTF-8";
    static const std::map<std::string, std::string> kSpecial = {
        {"ANSI_936", "CP936"},  {"ANSI_950", "CP950"},  {"ANSI_932", "CP932"},
        {"ANSI_949", "CP949"},  {"ANSI_1361", "CP1361"}, {"DOS936", "CP936"},
        {"GB2312", "CP936"},    {"BIG5", "CP950"},      {"GB18030", "GB18030"},
        {"ANSI_874", "CP874"},  {"DOS437", "CP437"},    {"DOS850", "CP850"},
        {"DOS866", "CP866"},    {"ISO8859-1", "ISO-8859-1"},
    };
    if (auto it = kSpecial.find(name); it != kSpecial.end())
        return it->second;
    if (name.rfind("ANSI_", 0) == 0) {
        const std::string digits = name.substr(5);
        if (!digits.empty() &&
            std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
            return "CP" + digits;
    }
    return {};
}

std::string autocadRelease(const std::string& acadVersion)
{
    static const std::map<std::string, std::string> kReleases = {
        {"AC1006", "R10"},   {"AC1009", "R11/R12"}, {"AC1012", "R13"},   {"AC1014", "R14"},
        {"AC1015", "R2000"}, {"AC1018", "R2004"},   {"AC1021", "R2007"}, {"AC1024", "R2010"},
        {"AC1027", "R2013"}, {"AC1032", "R2018"},
    };
    auto it = kReleases.find(upper(trimmed(acadVersion)));
    return it == kReleases.end() ? std::string() : it->second;
}

EncodingChoice chooseDxfEncoding(const DxfHeader& header, const std::string& userEncoding,
                                 std::vector<std::string>& warnings)
{
    std::vector<Message> said;
    EncodingChoice choice = chooseDxfEncoding(header, userEncoding, said);
    for (const Message& warning : said)
        warnings.push_back(warning.english);
    return choice;
}

EncodingChoice chooseDxfEncoding(const DxfHeader& header, const std::string& userEncoding,
                                 std::vector<Message>& warnings)
{
    if (!userEncoding.empty())
        return {userEncoding, EncodingChoice::Origin::User, "given with --encoding"};
    const std::string& text = header.highByteText;
    const bool ascii = text.empty();
    const bool utf8 = !ascii && isValidUtf8(text);
    const std::string declared = encodingFromDxfCodePage(header.codePage);
    const std::string release = autocadRelease(header.acadVersion);
    if (isUtf8DxfVersion(header.acadVersion)) {
        const Message why = message("dxf_always_utf8",
                                    "the drawing is {release} ($ACADVER {version}), whose DXF text "
                                    "is UTF-8 whatever $DWGCODEPAGE says",
                                    {{"release", release.empty() ? header.acadVersion : release},
                                     {"version", header.acadVersion}});
        if (ascii || utf8) {
            EncodingChoice format{"UTF-8", EncodingChoice::Origin::Format, {}};
            format.setReason(why);
            return format;
        }
        // An R2007+ label on text that is not UTF-8: the label lies; trust the bytes.
        EncodingChoice detected = detectEncoding(text);
        warnings.push_back(message("dxf_not_utf8",
                                   "the drawing says it is {version} (UTF-8 text) but its text is "
                                   "not valid UTF-8; decoded as {encoding} ({detail}); give "
                                   "--encoding if that is wrong",
                                   withNested({{"version", header.acadVersion},
                                               {"encoding", detected.name}},
                                              "detail", detected.reason,
                                              detected.reasonMessage().id,
                                              detected.reasonMessage().parts)));
        detected.setReason(message("dxf_reason_not_utf8",
                                   "the text is not UTF-8 as {version} requires; {detail}",
                                   withNested({{"version", header.acadVersion}}, "detail",
                                              detected.reason, detected.reasonMessage().id,
                                              detected.reasonMessage().parts)));
        return detected;
    }
    if (ascii) {
        return {declared.empty() ? std::string("UTF-8") : declared,
                EncodingChoice::Origin::AsciiOnly, "the drawing's text is plain ASCII"};
    }
    if (declared.empty()) {
        EncodingChoice detected = detectEncoding(text);
        if (!header.codePage.empty())
            warnings.push_back(message("dxf_unknown_code_page",
                                       "unknown $DWGCODEPAGE '{code_page}'; decoded as {encoding} "
                                       "({detail})",
                                       withNested({{"code_page", header.codePage},
                                                   {"encoding", detected.name}},
                                                  "detail", detected.reason,
                                                  detected.reasonMessage().id,
                                                  detected.reasonMessage().parts)));
        const std::vector<MessagePart> parts =
            withNested({{"code_page", header.codePage}}, "detail", detected.reason,
                       detected.reasonMessage().id, detected.reasonMessage().parts);
        detected.setReason(header.codePage.empty()
                               ? message("dxf_no_code_page", "no $DWGCODEPAGE; {detail}", parts)
                               : message("dxf_reason_unknown_code_page",
                                         "unknown $DWGCODEPAGE '{code_page}'; {detail}", parts));
        return detected;
    }
    if (declared == "UTF-8") {
        if (utf8)
            return {"UTF-8", EncodingChoice::Origin::Format, "$DWGCODEPAGE says UTF-8"};
        EncodingChoice detected = detectEncoding(text);
        warnings.push_back(message("dxf_utf8_code_page_lies",
                                   "$DWGCODEPAGE says UTF-8 but the text is not valid UTF-8; "
                                   "decoded as {encoding}; give --encoding if that is wrong",
                                   {{"encoding", detected.name}}));
        return detected;
    }
    if (utf8) {
        // Multi-byte UTF-8 is almost never valid GBK or Latin text read the other way round.
        warnings.push_back(message("dxf_text_is_utf8",
                                   "$DWGCODEPAGE says {code_page} but the text is valid UTF-8 (the "
                                   "code page lies); decoded as UTF-8; give --encoding {declared} "
                                   "if that is wrong",
                                   {{"code_page", header.codePage}, {"declared", declared}}));
        EncodingChoice utf8Text{"UTF-8", EncodingChoice::Origin::Detected, {}};
        utf8Text.setReason(message("dxf_code_page_lies_utf8",
                                   "$DWGCODEPAGE {code_page} lies: the text is valid UTF-8",
                                   {{"code_page", header.codePage}}));
        return utf8Text;
    }
    const EncodingChoice detected = detectEncoding(text);
    const bool declaredSingleByte = declared.rfind("CP125", 0) == 0 || declared == "CP437" ||
                                    declared == "CP850" || declared == "ISO-8859-1";
    const bool detectedChinese = detected.name == "CP936" || detected.name == "GB18030" ||
                                 detected.name == "CP950";
    if (declaredSingleByte && detectedChinese && !detected.uncertain) {
        warnings.push_back(message("dxf_code_page_lies",
                                   "$DWGCODEPAGE says {code_page} but the text reads as {encoding} "
                                   "({detail}); decoded as {encoding}; give --encoding {declared} "
                                   "if that is wrong",
                                   withNested({{"code_page", header.codePage},
                                               {"encoding", detected.name},
                                               {"declared", declared}},
                                              "detail", detected.reason,
                                              detected.reasonMessage().id,
                                              detected.reasonMessage().parts)));
        EncodingChoice lies{detected.name, EncodingChoice::Origin::Detected, {}};
        lies.setReason(message("dxf_reason_code_page_lies", "$DWGCODEPAGE {code_page} lies: {detail}",
                               withNested({{"code_page", header.codePage}}, "detail",
                                          detected.reason, detected.reasonMessage().id,
                                          detected.reasonMessage().parts)));
        return lies;
    }
    EncodingChoice byPage{declared, EncodingChoice::Origin::Format, {}};
    if (declared == "CP936" && detected.name == "GB18030") {
        byPage.name = "GB18030";
        byPage.origin = EncodingChoice::Origin::Detected;
        byPage.setReason(message("dxf_code_page_gb18030",
                                 "$DWGCODEPAGE {code_page}, with GB18030 four-byte sequences",
                                 {{"code_page", header.codePage}}));
        return byPage;
    }
    byPage.setReason(message("dxf_code_page", "$DWGCODEPAGE {code_page}",
                             {{"code_page", header.codePage}}));
    return byPage;
}

std::string decodeMifEscapes(std::string_view text)
{
    static const char* const kCodePages[] = {nullptr, "CP932", "CP950", "CP949", "JOHAB", "CP936"};
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        // \M+nXXXX
        if (text[i] == '\\' && i + 8 <= text.size() && (text[i + 1] == 'M' || text[i + 1] == 'm') &&
            text[i + 2] == '+' && text[i + 3] >= '1' && text[i + 3] <= '5') {
            const int h0 = hexValue(text[i + 4]), h1 = hexValue(text[i + 5]);
            const int h2 = hexValue(text[i + 6]), h3 = hexValue(text[i + 7]);
            if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
                const char bytes[2] = {static_cast<char>(h0 * 16 + h1),
                                       static_cast<char>(h2 * 16 + h3)};
                const std::string_view pair(bytes, 2);
                // A lead byte under 0x80 means a one-byte character written as two.
                const std::string_view encoded =
                    static_cast<unsigned char>(bytes[0]) == 0 ? pair.substr(1) : pair;
                out += toUtf8(encoded, kCodePages[text[i + 3] - '0']);
                i += 8;
                continue;
            }
        }
        out.push_back(text[i]);
        ++i;
    }
    return out;
}

std::string cleanCadText(std::string_view raw)
{
    const std::string text = decodeMifEscapes(raw);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '{' || c == '}')
            continue;
        if (c != '\\' || i + 1 >= text.size()) {
            out.push_back(c);
            continue;
        }
        const char code = text[i + 1];
        switch (code) {
        case 'P':
        case 'n':
            out.push_back('\n');
            ++i;
            break;
        case '~':
            out.push_back(' ');
            ++i;
            break;
        case '\\':
        case '{':
        case '}':
            out.push_back(code);
            ++i;
            break;
        case 'L':
        case 'l':
        case 'O':
        case 'o':
        case 'K':
        case 'k':
            ++i;
            break;
        case 'A':
        case 'C':
        case 'c':
        case 'F':
        case 'f':
        case 'H':
        case 'Q':
        case 'T':
        case 'W':
        case 'p': {
            // Formatting with an argument up to ';'.
            const std::size_t semicolon = text.find(';', i + 2);
            if (semicolon == std::string::npos) {
                out.push_back(c);
                break;
            }
            i = semicolon;
            break;
        }
        case 'S': {
            // Stacked text "\S2.0^40%;" → "2.0/40%".
            const std::size_t semicolon = text.find(';', i + 2);
            if (semicolon == std::string::npos) {
                out.push_back(c);
                break;
            }
            std::string stacked = text.substr(i + 2, semicolon - i - 2);
            for (char& s : stacked)
                if (s == '^' || s == '#')
                    s = '/';
            out += stacked;
            i = semicolon;
            break;
        }
        default:
            out.push_back(c);
        }
    }
    return out;
}

} // namespace parkatlas::geo
