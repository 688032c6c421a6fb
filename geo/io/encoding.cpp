#include "geo/io/encoding.h"

#include "geo/error.h"
#include "geo/io/dbf.h"

#include <cpl_string.h>
#include <cpl_vsi.h>

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace parkatlas::geo {

std::optional<std::string> encodingFromLdid(std::uint8_t ldid)
{
    switch (ldid) {
    case 0x01:
        return "CP437";
    case 0x02:
        return "CP850";
    case 0x03:
        return "CP1252";
    case 0x57:
        return "CP1252"; // "ANSI": ESRI writes it for the system code page
    case 0x4D:
    case 0x7A:
        return "CP936";
    case 0x4E:
    case 0x79:
        return "CP949";
    case 0x4F:
    case 0x78:
        return "CP950";
    case 0x13:
    case 0x7B:
        return "CP932";
    case 0x7C:
        return "CP874";
    case 0x64:
        return "CP852";
    case 0x65:
        return "CP866";
    case 0xC8:
        return "CP1250";
    case 0xC9:
        return "CP1251";
    case 0xCA:
        return "CP1254";
    case 0xCB:
        return "CP1253";
    default:
        return std::nullopt;
    }
}

std::optional<std::string> encodingFromCpg(std::string_view cpgText)
{
    std::string text(cpgText);
    // A UTF-8 BOM, blanks and line ends around the name are common.
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
        text.erase(0, 3);
    auto isBlank = [](unsigned char c) { return std::isspace(c) != 0; };
    while (!text.empty() && isBlank(text.back()))
        text.pop_back();
    while (!text.empty() && isBlank(text.front()))
        text.erase(0, 1);
    if (text.empty() || text.size() > 40)
        return std::nullopt;
    std::string key;
    for (unsigned char c : text)
        if (std::isalnum(c))
            key += static_cast<char>(std::toupper(c));
    if (key.empty())
        return std::nullopt;
    if (key == "UTF8" || key == "65001")
        return "UTF-8";
    if (key == "UTF16" || key == "UTF16LE")
        return "UTF-16LE";
    if (key == "GBK" || key == "936" || key == "CP936" || key == "ANSI936" || key == "GB2312" ||
        key == "EUCCN" || key == "WINDOWS936")
        return "CP936";
    if (key == "GB18030" || key == "54936")
        return "GB18030";
    if (key == "BIG5" || key == "950" || key == "CP950" || key == "ANSI950")
        return "CP950";
    if (key == "SHIFTJIS" || key == "SJIS" || key == "932" || key == "CP932")
        return "CP932";
    if (key == "EUCKR" || key == "949" || key == "CP949")
        return "CP949";
    if (key == "KOI8R" || key == "20866")
        return "KOI8-R";
    if (key == "LATIN1" || key == "ISO88591" || key == "28591")
        return "ISO-8859-1";
    if (key == "LATIN2" || key == "ISO88592" || key == "28592")
        return "ISO-8859-2";
    // "1250", "CP1250", "ANSI 1250", "WINDOWS-1250", "874" …
    for (const char* prefix : {"ANSI", "WINDOWS", "CP", ""}) {
        const std::string p(prefix);
        if (key.compare(0, p.size(), p) == 0) {
            const std::string digits = key.substr(p.size());
            if (!digits.empty() && digits.size() <= 5 &&
                std::all_of(digits.begin(), digits.end(),
                            [](unsigned char c) { return std::isdigit(c); }))
                return "CP" + digits;
        }
    }
    return std::nullopt;
}

bool isAscii(std::string_view bytes)
{
    return std::all_of(bytes.begin(), bytes.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

namespace {
/// Length of the valid UTF-8 sequence starting at bytes[i], or 0 if none starts there.
std::size_t utf8SequenceLength(std::string_view bytes, std::size_t i)
{
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80)
        return 1;
    int length = 0;
    std::uint32_t codePoint = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
        codePoint = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        codePoint = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        codePoint = c & 0x07;
    } else {
        return 0;
    }
    if (i + length > bytes.size())
        return 0;
    for (int k = 1; k < length; ++k) {
        const unsigned char t = static_cast<unsigned char>(bytes[i + k]);
        if ((t & 0xC0) != 0x80)
            return 0;
        codePoint = (codePoint << 6) | (t & 0x3F);
    }
    if ((length == 3 && codePoint < 0x800) || (length == 4 && codePoint < 0x10000) ||
        codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
        return 0;
    return static_cast<std::size_t>(length);
}
} // namespace

std::string sanitizeUtf8(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    std::size_t i = 0;
    while (i < bytes.size()) {
        const std::size_t length = utf8SequenceLength(bytes, i);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(bytes.substr(i, length));
            i += length;
        }
    }
    return out;
}

bool isValidUtf8(std::string_view bytes)
{
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t length = utf8SequenceLength(bytes, i);
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

namespace {

struct DoubleByteStats {
    std::size_t characters = 0; // multi-byte characters decoded
    std::size_t common = 0;     // of those, in the encoding's common (frequent) block
    std::size_t asciiTrail = 0; // whose second byte is ASCII-range (typical of Western text)
    std::size_t invalid = 0;    // high bytes that start no valid character
    std::size_t fourByte = 0;   // GB18030 four-byte sequences
    std::size_t kana = 0;       // Japanese kana (GB2312 rows 4–5 = EUC-JP's; Shift-JIS 82/83)
};

DoubleByteStats scanGbk(std::string_view s)
{
    DoubleByteStats stats;
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char a = static_cast<unsigned char>(s[i]);
        if (a < 0x80) {
            ++i;
            continue;
        }
        if (a == 0x80 || a == 0xFF || i + 1 >= s.size()) {
            ++stats.invalid;
            ++i;
            continue;
        }
        const unsigned char b = static_cast<unsigned char>(s[i + 1]);
        if (b >= 0x30 && b <= 0x39 && i + 3 < s.size()) { // GB18030 four-byte
            const unsigned char c = static_cast<unsigned char>(s[i + 2]);
            const unsigned char d = static_cast<unsigned char>(s[i + 3]);
            if (c >= 0x81 && c <= 0xFE && d >= 0x30 && d <= 0x39) {
                ++stats.fourByte;
                ++stats.characters;
                i += 4;
                continue;
            }
        }
        if (b < 0x40 || b == 0x7F || b == 0xFF) {
            ++stats.invalid;
            ++i;
            continue;
        }
        ++stats.characters;
        // GB2312: symbols A1–A9 and hanzi B0–F7, both with trail bytes A1–FE.
        if (b >= 0xA1 && ((a >= 0xB0 && a <= 0xF7) || (a >= 0xA1 && a <= 0xA9)))
            ++stats.common;
        if (b >= 0xA1 && (a == 0xA4 || a == 0xA5))
            ++stats.kana;
        if (b < 0x80)
            ++stats.asciiTrail;
        i += 2;
    }
    return stats;
}

DoubleByteStats scanBig5(std::string_view s)
{
    DoubleByteStats stats;
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char a = static_cast<unsigned char>(s[i]);
        if (a < 0x80) {
            ++i;
            continue;
        }
        if (a < 0x81 || a == 0xFF || i + 1 >= s.size()) {
            ++stats.invalid;
            ++i;
            continue;
        }
        const unsigned char b = static_cast<unsigned char>(s[i + 1]);
        if (!((b >= 0x40 && b <= 0x7E) || (b >= 0xA1 && b <= 0xFE))) {
            ++stats.invalid;
            ++i;
            continue;
        }
        ++stats.characters;
        // Frequent hanzi A440–C67E, and the symbol block A140–A3BF.
        const unsigned code = static_cast<unsigned>(a) << 8 | b;
        if ((code >= 0xA440 && code <= 0xC67E) || (code >= 0xA140 && code <= 0xA3BF))
            ++stats.common;
        i += 2;
    }
    return stats;
}

DoubleByteStats scanShiftJis(std::string_view s)
{
    DoubleByteStats stats;
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char a = static_cast<unsigned char>(s[i]);
        if (a < 0x80 || (a >= 0xA1 && a <= 0xDF)) { // ASCII, half-width katakana
            ++i;
            continue;
        }
        const bool lead = (a >= 0x81 && a <= 0x9F) || (a >= 0xE0 && a <= 0xFC);
        if (!lead || i + 1 >= s.size()) {
            ++stats.invalid;
            ++i;
            continue;
        }
        const unsigned char b = static_cast<unsigned char>(s[i + 1]);
        if (b < 0x40 || b == 0x7F || b > 0xFC) {
            ++stats.invalid;
            ++i;
            continue;
        }
        ++stats.characters;
        const unsigned code = static_cast<unsigned>(a) << 8 | b;
        const bool kana = (code >= 0x829F && code <= 0x82F1) || (code >= 0x8340 && code <= 0x8396);
        if (kana)
            ++stats.kana;
        if (kana || (code >= 0x889F && code <= 0x9FFC) || (code >= 0xE040 && code <= 0xEAA4) ||
            (code >= 0x8140 && code <= 0x81FC))
            ++stats.common;
        i += 2;
    }
    return stats;
}

/// Share of runs of bytes above 0x7F that have odd length. Double-byte CJK text has even runs
/// (GB18030 four-byte sequences count as two characters); single-byte Latin, Greek or Cyrillic
/// words end anywhere.
double oddRunShare(std::string_view s)
{
    std::size_t runs = 0, odd = 0, length = 0;
    auto close = [&] {
        if (length > 0) {
            ++runs;
            odd += length % 2;
        }
        length = 0;
    };
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char a = static_cast<unsigned char>(s[i]);
        if (a < 0x80) {
            close();
            ++i;
            continue;
        }
        if (i + 3 < s.size() && a >= 0x81 && a <= 0xFE) {
            const unsigned char b = static_cast<unsigned char>(s[i + 1]);
            const unsigned char c = static_cast<unsigned char>(s[i + 2]);
            const unsigned char d = static_cast<unsigned char>(s[i + 3]);
            if (b >= 0x30 && b <= 0x39 && c >= 0x81 && c <= 0xFE && d >= 0x30 && d <= 0x39) {
                length += 2;
                i += 4;
                continue;
            }
        }
        ++length;
        ++i;
    }
    close();
    return runs == 0 ? 0.0 : static_cast<double>(odd) / static_cast<double>(runs);
}

double share(std::size_t part, std::size_t whole)
{
    return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string percent(double value)
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%.0f%%", value * 100.0);
    return buffer;
}

} // namespace

/// `parts` with `said` as the nested message `name` (geo::withNested).
static std::vector<MessagePart> nested(std::vector<MessagePart> parts, const std::string& name,
                                       const Message& said)
{
    return withNested(std::move(parts), name, said.english, said.id, said.parts);
}

EncodingChoice detectEncoding(std::string_view bytes)
{
    EncodingChoice choice;
    choice.origin = EncodingChoice::Origin::Detected;
    if (isAscii(bytes)) {
        choice.name = "UTF-8";
        choice.origin = EncodingChoice::Origin::AsciiOnly;
        choice.reason = "all text is ASCII";
        return choice;
    }
    if (isValidUtf8(bytes)) {
        choice.name = "UTF-8";
        choice.reason = "the text is valid UTF-8";
        return choice;
    }
    const DoubleByteStats gbk = scanGbk(bytes);
    const DoubleByteStats big5 = scanBig5(bytes);
    const DoubleByteStats sjis = scanShiftJis(bytes);
    const double gbkScore = share(gbk.common, gbk.characters + gbk.invalid);
    const double big5Score = share(big5.common, big5.characters + big5.invalid);
    const double sjisScore = share(sjis.common, sjis.characters + sjis.invalid);

    // Japanese first: kana are unmistakable, and Shift-JIS breaks the even runs tested next.
    if (sjis.invalid == 0 && sjisScore >= 0.8 && share(sjis.kana, sjis.characters) >= 0.15) {
        choice.name = "CP932";
        choice.setReason(message("encoding_shift_jis",
                                 "the text is not UTF-8; it reads as Shift-JIS, {share} of it kana",
                                 {{"share", percent(share(sjis.kana, sjis.characters))}}));
        return choice;
    }
    if (gbk.invalid == 0 && share(gbk.kana, gbk.characters) >= 0.2) {
        choice.name = "EUC-JP";
        choice.setReason(message("encoding_euc_jp",
                                 "the text is not UTF-8; {share} of its characters are kana, as "
                                 "in EUC-JP",
                                 {{"share", percent(share(gbk.kana, gbk.characters))}}));
        return choice;
    }
    // Big5 trail bytes may be ASCII letters, which also breaks the even runs tested next.
    if (big5.invalid == 0 && big5Score >= 0.8 && big5Score > gbkScore + 0.1) {
        choice.name = "CP950";
        choice.setReason(message("encoding_big5",
                                 "the text is not UTF-8; {big5} of its characters are common Big5 "
                                 "against {gbk} common GBK",
                                 {{"big5", percent(big5Score)}, {"gbk", percent(gbkScore)}}));
        return choice;
    }
    const double odd = oddRunShare(bytes);
    const bool notCjk = gbkScore < 0.3 && big5Score < 0.3;
    if (odd > 0.2 || notCjk) {
        choice.name = "CP1252";
        choice.uncertain = true;
        choice.setReason(
            notCjk ? message("encoding_single_byte",
                             "the text is not UTF-8, nor common GBK or Big5; guessed "
                             "Windows-1252 (Western): for Greek, Cyrillic or another script give "
                             "--encoding (CP1253, CP1251 …)")
                   : message("encoding_odd_runs",
                             "the text is not UTF-8, and {share} of its runs of high bytes have "
                             "odd length, as in a single-byte code page, not GBK or Big5; guessed "
                             "Windows-1252 (Western): for Greek, Cyrillic or another script give "
                             "--encoding (CP1253, CP1251 …)",
                             {{"share", percent(odd)}}));
        return choice;
    }
    if (big5Score > gbkScore + 0.1) {
        choice.name = "CP950";
        choice.uncertain = big5Score < 0.6;
        choice.setReason(message("encoding_big5",
                                 "the text is not UTF-8; {big5} of its characters are common Big5 "
                                 "against {gbk} common GBK",
                                 {{"big5", percent(big5Score)}, {"gbk", percent(gbkScore)}}));
        return choice;
    }
    choice.name = gbk.fourByte > 0 ? "GB18030" : "CP936";
    choice.uncertain = gbkScore < 0.6 && gbk.fourByte == 0;
    const std::vector<MessagePart> scores = {{"gbk", percent(gbkScore)},
                                             {"big5", percent(big5Score)}};
    choice.setReason(gbk.fourByte > 0
                         ? message("encoding_gb18030",
                                   "the text is not UTF-8; {gbk} of its characters are common "
                                   "GB2312 (against {big5} common Big5), with GB18030 four-byte "
                                   "sequences",
                                   scores)
                         : message("encoding_gbk",
                                   "the text is not UTF-8; {gbk} of its characters are common "
                                   "GB2312 (against {big5} common Big5)",
                                   scores));
    return choice;
}

bool isKnownEncoding(const std::string& name)
{
    if (name.empty())
        return false;
    const iconv_t handle = iconv_open("UTF-8", name.c_str());
    if (handle == reinterpret_cast<iconv_t>(-1))
        return false;
    iconv_close(handle);
    return true;
}

std::string toUtf8(std::string_view bytes, const std::string& encoding)
{
    if (bytes.empty())
        return {};
    const std::string copy(bytes);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    char* recoded = CPLRecode(copy.c_str(), encoding.c_str(), CPL_ENC_UTF8);
    CPLPopErrorHandler();
    std::string result = recoded ? recoded : "";
    CPLFree(recoded);
    return result;
}

namespace {

bool isGbkFamily(const std::string& name)
{
    return name == "CP936" || name == "GB18030" || name == "GBK";
}

/// Checks a declared encoding against the bytes; returns the choice to use.
EncodingChoice verifyDeclared(const std::string& declared, EncodingChoice::Origin origin,
                              const Message& how, std::string_view sample)
{
    EncodingChoice choice{declared, origin, how.english};
    choice.said = how;
    if (declared == "UTF-8" && !isValidUtf8(sample)) {
        EncodingChoice detected = detectEncoding(sample);
        detected.setReason(message("encoding_declared_not_utf8",
                                   "{how}, but the text is not valid UTF-8; {detail}",
                                   nested(nested({}, "how", how), "detail",
                                          detected.reasonMessage())));
        return detected;
    }
    if (isGbkFamily(declared) && isValidUtf8(sample)) {
        EncodingChoice utf8{"UTF-8", EncodingChoice::Origin::Detected, {}};
        utf8.setReason(message("encoding_declared_is_utf8",
                               "{how}, but the text is valid multi-byte UTF-8 (GBK text almost "
                               "never is)",
                               nested({}, "how", how)));
        return utf8;
    }
    return choice;
}

std::string hexByte(std::uint8_t value)
{
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "0x%02X", value);
    return buffer;
}

std::optional<std::string> findSidecar(const std::string& dbfPath, const char* extension)
{
    namespace fs = std::filesystem;
    const fs::path base = fs::path(dbfPath).replace_extension();
    std::string lower = extension, upper = extension;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    for (const std::string& ext : {lower, upper}) {
        fs::path candidate = base;
        candidate += ext;
        VSIStatBufL stat;
        if (VSIStatL(candidate.string().c_str(), &stat) == 0 && VSI_ISREG(stat.st_mode))
            return candidate.string();
    }
    return std::nullopt;
}

} // namespace

EncodingChoice chooseDbfEncoding(const std::string& dbfPath, const std::string& userEncoding)
{
    if (!userEncoding.empty())
        return {userEncoding, EncodingChoice::Origin::User, "given by the user"};

    const DbfHeader header = readDbfHeader(dbfPath);
    const std::string sample = readDbfTextSample(dbfPath, header);

    std::optional<std::string> cpgEncoding;
    std::string cpgText;
    if (auto cpgPath = findSidecar(dbfPath, ".cpg")) {
        // Through GDAL's virtual files, so a .cpg inside a zip is read too.
        if (VSILFILE* file = VSIFOpenL(cpgPath->c_str(), "rb")) {
            char buffer[200];
            const std::size_t got = VSIFReadL(buffer, 1, sizeof buffer, file);
            VSIFCloseL(file);
            cpgText.assign(buffer, got);
        }
        cpgEncoding = encodingFromCpg(cpgText);
    }
    const auto ldidEncoding = encodingFromLdid(header.languageDriverId);

    if (isAscii(sample)) {
        std::string name = cpgEncoding ? *cpgEncoding : ldidEncoding ? *ldidEncoding : "UTF-8";
        if (name == "UTF-16LE")
            name = "UTF-8";
        return {name, EncodingChoice::Origin::AsciiOnly, "all text is ASCII"};
    }
    const std::string cpgShown = sanitizeUtf8(cpgText.substr(0, cpgText.find_first_of("\r\n")));
    if (cpgEncoding && *cpgEncoding != "UTF-16LE")
        return verifyDeclared(*cpgEncoding, EncodingChoice::Origin::Cpg,
                              message("encoding_cpg_says", "the .cpg says '{cpg}'",
                                      {{"cpg", cpgShown}}),
                              sample);

    Message prefix;
    if (cpgEncoding) // UTF-16: a DBF's fixed-width byte fields cannot hold it
        prefix = message("encoding_cpg_not_dbf",
                         "the .cpg says '{cpg}', which DBF text cannot be in; ",
                         {{"cpg", cpgShown}});
    else if (!cpgText.empty())
        prefix = message("encoding_cpg_unknown", "the .cpg ('{cpg}') names no encoding we know; ",
                         {{"cpg", cpgShown.substr(0, 40)}});
    if (ldidEncoding)
        return verifyDeclared(*ldidEncoding, EncodingChoice::Origin::Ldid,
                              message("encoding_ldid",
                                      "{prefix}the DBF language driver id {ldid} means {encoding}",
                                      nested({{"ldid", hexByte(header.languageDriverId)},
                                              {"encoding", *ldidEncoding}},
                                             "prefix", prefix)),
                              sample);

    EncodingChoice detected = detectEncoding(sample);
    const std::vector<MessagePart> parts =
        nested(nested({}, "prefix", prefix), "detail", detected.reasonMessage());
    detected.setReason(cpgText.empty() ? message("encoding_no_cpg_no_ldid",
                                                 "{prefix}no .cpg and no language driver id; "
                                                 "{detail}",
                                                 parts)
                                       : message("encoding_no_ldid",
                                                 "{prefix}no language driver id; {detail}", parts));
    return detected;
}

} // namespace parkatlas::geo
