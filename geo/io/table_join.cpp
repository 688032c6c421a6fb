#include "geo/io/table_join.h"

#include "geo/ascii.h"
#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/encoding.h"
#include "geo/io/json_writer.h"
#include "geo/issue.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"
#include "geo/units.h"

#include <cpl_conv.h>
#include <cpl_csv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>
#include <unordered_map>

namespace parkatlas::geo {

namespace {

// ---- text helpers ---------------------------------------------------------------------------

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view trimView(std::string_view s)
{
    while (!s.empty() && isBlank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isBlank(s.back()))
        s.remove_suffix(1);
    return s;
}

bool startsWith(std::string_view s, std::string_view p)
{
    return s.size() >= p.size() && s.substr(0, p.size()) == p;
}
bool endsWith(std::string_view s, std::string_view p)
{
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

void replaceAll(std::string& s, std::string_view from, std::string_view to)
{
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}

/// A cell that stands for "not known". isUnknownText() has the house's list; 空 is the one
/// word ledgers add.
bool isMasked(std::string_view text)
{
    const std::string_view t = trimView(text);
    return isUnknownText(t) || t == "\xE7\xA9\xBA" /* 空 */ || t == "\xEF\xBC\x8D" /* － */;
}

/// Parses the whole of `s` as a finite double, locale-free.
std::optional<double> wholeNumber(std::string_view s)
{
    if (s.empty())
        return std::nullopt;
    if (s.front() == '+')
        s.remove_prefix(1);
    double value = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

/// Removes thousands separators and blanks inside a number: "3,500.5" → "3500.5".
std::string compactNumber(std::string_view s)
{
    std::string out;
    for (char c : s)
        if (c != ',' && !isBlank(c))
            out += c;
    return out;
}

/// To 0.01 元 (1e-6 万元); dividing by the exact 1e6 gives the double nearest the decimal.
double roundToCent(double wan)
{
    return std::round(wan * 1e6) / 1e6;
}

} // namespace

std::string halfWidth(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        if (b0 == 0xEF && i + 2 < text.size()) {
            const auto b1 = static_cast<unsigned char>(text[i + 1]);
            const auto b2 = static_cast<unsigned char>(text[i + 2]);
            const unsigned cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
            if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 && cp >= 0xFF01 && cp <= 0xFF5E) {
                out += static_cast<char>(cp - 0xFEE0);
                i += 3;
                continue;
            }
        }
        if (b0 == 0xE3 && i + 2 < text.size() && text[i + 1] == '\x80' && text[i + 2] == '\x80') {
            out += ' ';
            i += 3;
            continue;
        }
        out += text[i];
        ++i;
    }
    return out;
}

std::string normalizeJoinKey(std::string_view text, bool caseInsensitive)
{
    std::string key(trimView(halfWidth(text)));
    if (caseInsensitive)
        for (char& c : key)
            if (c >= 'a' && c <= 'z')
                c = static_cast<char>(c - 'a' + 'A');
    return key;
}

// ---- dates ----------------------------------------------------------------------------------

namespace {

// Excel's day 0 of the 1900 date system is 1899-12-31, and it counts a 29 February 1900 that
// never was: from serial 61 on, day 0 is in effect 1899-12-30.
constexpr double kFirstSerial = 18264; // 1950-01-01
constexpr double kLastSerial = 73415;  // 2100-12-31

std::string isoFromSerial(double serial)
{
    using namespace std::chrono;
    const auto whole = static_cast<int>(std::floor(serial));
    const sys_days epoch = sys_days{year{1899} / December / day{30}};
    return Date{static_cast<std::int32_t>((epoch + days{whole}).time_since_epoch().count())}
        .toIso();
}

LedgerValue invalid(std::string why)
{
    LedgerValue value;
    value.state = LedgerValue::State::Invalid;
    value.why = std::move(why);
    return value;
}

LedgerValue known(double number, std::string text = {})
{
    LedgerValue value;
    value.state = LedgerValue::State::Known;
    value.number = number;
    value.text = std::move(text);
    return value;
}

} // namespace

LedgerValue parseLedgerDate(std::string_view cell)
{
    if (isMasked(cell))
        return {};
    std::string text(trimView(halfWidth(cell)));
    // A serial number (a number cell, or its text): 45473, 45473.5 (with a time of day).
    if (text.find_first_not_of("0123456789.") == std::string::npos &&
        std::count(text.begin(), text.end(), '.') <= 1 &&
        !(text.size() == 8 && text.find('.') == std::string::npos)) { // 20260630 is no serial
        const auto serial = wholeNumber(text);
        if (!serial)
            return invalid("not a date");
        if (*serial < kFirstSerial || *serial >= kLastSerial + 1)
            return invalid("a number that is no date (Excel date serials run from 18264, "
                           "1950-01-01, to 73415, 2100-12-31)");
        return known(*serial, isoFromSerial(*serial));
    }
    // Drop a time of day ("2026/6/30 0:00:00", "2026-06-30T08:00").
    if (const auto cut = text.find_first_of(" T"); cut != std::string::npos && cut >= 6)
        text.resize(cut);
    replaceAll(text, "\xE5\xB9\xB4", "-"); // 年
    replaceAll(text, "\xE6\x9C\x88", "-"); // 月
    replaceAll(text, "\xE6\x97\xA5", "");  // 日
    replaceAll(text, "\xE5\x8F\xB7", "");  // 号
    for (char& c : text)
        if (c == '/' || c == '.')
            c = '-';
    while (!text.empty() && text.back() == '-')
        text.pop_back();
    const auto dashes = std::count(text.begin(), text.end(), '-');
    bool monthOnly = false;
    if (dashes == 1) { // 2026-06: to the month
        text += "-1";
        monthOnly = true;
    }
    if (text.size() >= 5 && text[4] != '-' && text.find('-') != std::string::npos)
        return invalid("not a date in year-month-day order (2026-06-30, 2026年6月30日)");
    const auto date = Date::parse(text);
    if (!date)
        return invalid("not a date");
    LedgerValue value = known(date->daysSinceEpoch, date->toIso());
    value.monthOnly = monthOnly;
    return value;
}

// ---- money and numbers ----------------------------------------------------------------------

double moneyUnitOfHeader(std::string_view header)
{
    const std::string h = halfWidth(header);
    // The longest unit first: 亿元 and 万元 hold 元.
    if (h.find("\xE4\xBA\xBF") != std::string::npos) // 亿
        return 10000.0;
    if (h.find("\xE4\xB8\x87") != std::string::npos) // 万
        return 1.0;
    if (h.find("\xE5\x8D\x83\xE5\x85\x83") != std::string::npos) // 千元
        return 0.1;
    if (h.find("\xE5\x85\x83") != std::string::npos) // 元
        return 0.0001;
    return 0.0;
}

namespace {

/// The number and the unit suffix of a cell: "3,500万元" → 3500, "万元".
struct NumberWithUnit {
    std::optional<double> number;
    std::string unit;
};

NumberWithUnit splitNumber(std::string_view cell)
{
    std::string text(trimView(halfWidth(cell)));
    for (std::string_view prefix : {"\xEF\xBF\xA5" /* ￥ */, "\xC2\xA5" /* ¥ */, "RMB",
                                    "\xE4\xBA\xBA\xE6\xB0\x91\xE5\xB8\x81" /* 人民币 */}) {
        if (startsWith(text, prefix)) {
            text.erase(0, prefix.size());
            break;
        }
    }
    std::size_t end = 0;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
            text[end] == ',' || text[end] == '-' || text[end] == '+' || text[end] == ' ' ||
            text[end] == 'e' || text[end] == 'E'))
        ++end;
    NumberWithUnit out;
    out.unit = std::string(trimView(std::string_view(text).substr(end)));
    out.number = wholeNumber(compactNumber(std::string_view(text).substr(0, end)));
    return out;
}

} // namespace

LedgerValue parseLedgerMoney(std::string_view cell, double headerWanPerUnit)
{
    if (isMasked(cell))
        return {};
    const NumberWithUnit split = splitNumber(cell);
    if (!split.number)
        return invalid("not an amount of money");
    double wanPerUnit = headerWanPerUnit > 0 ? headerWanPerUnit : 1.0;
    if (!split.unit.empty()) {
        wanPerUnit = moneyUnitOfHeader(split.unit);
        const bool onlyUnit = split.unit == "\xE5\x85\x83" || split.unit == "\xE4\xB8\x87" ||
                              split.unit == "\xE4\xB8\x87\xE5\x85\x83" ||
                              split.unit == "\xE4\xBA\xBF" ||
                              split.unit == "\xE4\xBA\xBF\xE5\x85\x83" ||
                              split.unit == "\xE5\x8D\x83\xE5\x85\x83";
        if (wanPerUnit == 0 || !onlyUnit)
            return invalid("unknown unit \"" + split.unit + "\" (元, 万元 or 亿元)");
    }
    // Dividing by 10000 keeps 800元 at exactly 0.08万元 where multiplying by 0.0001 would not.
    const double wan = wanPerUnit < 1 ? *split.number / std::round(1.0 / wanPerUnit)
                                      : *split.number * wanPerUnit;
    if (!std::isfinite(wan * 1e6))
        return invalid("too large an amount");
    return known(roundToCent(wan));
}

LedgerValue parseLedgerNumber(std::string_view cell, bool areaM2, double headerFactor)
{
    if (isMasked(cell))
        return {};
    const NumberWithUnit split = splitNumber(cell);
    if (!split.number)
        return invalid("not a number");
    double factor = headerFactor;
    if (!split.unit.empty()) {
        if (split.unit == "%") {
            factor = 1.0;
        } else if (areaM2) {
            const auto unit = areaUnitFromString(split.unit == "\xE3\x8E\xA1" ? "m2" : split.unit);
            if (!unit)
                return invalid("unknown unit \"" + split.unit + "\" (㎡, 亩 or 公顷)");
            factor = toSquareMetres(1.0, *unit);
        } else {
            return invalid("unexpected text \"" + split.unit + "\" after the number");
        }
    }
    if (!std::isfinite(*split.number * factor))
        return invalid("too large a number");
    return known(*split.number * factor);
}

// ---- the table --------------------------------------------------------------------------------

namespace {

// Quantity: a 标准地 target (geo/rules/standard_land.h), kept as written with the header's unit
// added to a bare number, so the audit reads the unit and never guesses it.
enum class FieldKind { Text, Date, Money, Area, Number, Quantity };

FieldKind kindOf(std::string_view field)
{
    static const std::set<std::string_view> kDates = {"supply_dt", "agr_start", "agr_finish",
                                                      "act_start", "stopped",   "valid_from"};
    static const std::set<std::string_view> kMoney = {"invest_tot", "invested", "tax",
                                                      "compensate", "contract", "fee",
                                                      "value_add"};
    static const std::set<std::string_view> kQuantities = {
        "sl_invest", "sl_far", "sl_tax", "sl_value", "sl_energy", "sl_rd", "op_years"};
    if (kQuantities.count(field))
        return FieldKind::Quantity;
    static const std::set<std::string_view> kAreas = {"built_area", "floor_area"};
    static const std::set<std::string_view> kNumbers = {
        "far_min", "far_max",    "cover_min", "green_max", "households", "persons", "width_m",
        "progress", "plan_year", "diam_mm",   "volt_kv",   "floors",     "height_m",
        "energy_tce", "rd_share"};
    if (kDates.count(field))
        return FieldKind::Date;
    if (kMoney.count(field))
        return FieldKind::Money;
    if (kAreas.count(field))
        return FieldKind::Area;
    if (kNumbers.count(field))
        return FieldKind::Number;
    return FieldKind::Text;
}

/// Rows of text cells as the sheet holds them, with their row numbers.
struct Grid {
    std::string sheet;
    std::string encoding;
    std::vector<std::vector<std::string>> rows;
    std::vector<int> rowNumbers;
};

ErrorContext contextOf(const JoinSpec& spec, const std::string& sheet = {})
{
    return {spec.tablePath, sheet, -1, {}};
}

std::string cellText(OGRFeature& feature, int i)
{
    if (!feature.IsFieldSetAndNotNull(i))
        return {};
    switch (feature.GetFieldDefnRef(i)->GetType()) {
    case OFTReal:
        return shortestDecimal(feature.GetFieldAsDouble(i));
    case OFTDate:
    case OFTDateTime: {
        int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
        float ss = 0;
        feature.GetFieldAsDateTime(i, &y, &m, &d, &hh, &mm, &ss, &tz);
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", y, m, d);
        return buffer;
    }
    default:
        return feature.GetFieldAsString(i);
    }
}

Grid readWorkbook(const JoinSpec& spec, bool xls, const std::set<std::string>& keyNames,
                  std::size_t maxRows)
{
    GdalErrorCapture errors;
    const char* driverName = xls ? "XLS" : "XLSX";
    const char* drivers[] = {driverName, nullptr};
    if (!GetGDALDriverManager()->GetDriverByName(driverName))
        throw IoError(std::string("this GDAL has no ") + driverName +
                          " driver: save the sheet as " + (xls ? ".xlsx" : ".csv") +
                          " and join that",
                      contextOf(spec));
    // Every row as data (the header is found here, not guessed by GDAL), every cell as text. GDAL
    // 3.6's XLSX and XLS drivers take these as configuration options only (no open options),
    // read when a sheet is first read: they stay set for the whole read.
    const std::string prefix = xls ? "OGR_XLS_" : "OGR_XLSX_";
    CPLConfigOptionSetter headers((prefix + "HEADERS").c_str(), "DISABLE", false);
    CPLConfigOptionSetter types((prefix + "FIELD_TYPES").c_str(), "STRING", false);
    GDALDatasetUniquePtr dataset(GDALDataset::Open(
        spec.tablePath.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
    if (!dataset) {
        std::string why = errors.lastFailure();
        if (xls)
            why = "GDAL's XLS driver (FreeXL) cannot read it" + (why.empty() ? "" : ": " + why) +
                  "; open it in Excel or WPS, save it as .xlsx and join that";
        else if (why.empty())
            why = "not an .xlsx workbook GDAL can read";
        throw IoError("cannot open the table: " + why, contextOf(spec));
    }
    // The sheet: by name, else the first whose first rows hold a key column name.
    std::vector<OGRLayer*> candidates;
    for (OGRLayer* layer : dataset->GetLayers()) {
        if (spec.sheet.empty() || spec.sheet == layer->GetName())
            candidates.push_back(layer);
    }
    if (candidates.empty()) {
        std::string names;
        for (OGRLayer* layer : dataset->GetLayers())
            names += (names.empty() ? "" : ", ") + std::string(layer->GetName());
        throw IoError("no sheet \"" + spec.sheet + "\" (sheets: " + names + ")",
                      contextOf(spec));
    }
    OGRLayer* chosen = candidates.front();
    if (candidates.size() > 1) {
        for (OGRLayer* layer : candidates) {
            bool found = false;
            int seen = 0;
            for (auto& feature : *layer) {
                for (int i = 0; i < feature->GetFieldCount() && !found; ++i)
                    for (const std::string& name : keyNames)
                        if (lowerAscii(halfWidth(cellText(*feature, i))).find(name) !=
                            std::string::npos)
                            found = true;
                if (found || ++seen > 30)
                    break;
            }
            if (found) {
                chosen = layer;
                break;
            }
        }
    }
    Grid grid;
    grid.sheet = chosen->GetName();
    chosen->ResetReading();
    std::size_t read = 0;
    for (auto& feature : *chosen) {
        std::vector<std::string> row;
        row.reserve(static_cast<std::size_t>(feature->GetFieldCount()));
        for (int i = 0; i < feature->GetFieldCount(); ++i)
            row.push_back(cellText(*feature, i));
        while (!row.empty() && row.back().empty())
            row.pop_back();
        grid.rows.push_back(std::move(row));
        // The XLSX and XLS drivers number features by sheet row (1-based).
        grid.rowNumbers.push_back(static_cast<int>(feature->GetFID()));
        if (++read >= maxRows)
            break;
    }
    return grid;
}

Grid readCsv(const JoinSpec& spec, std::size_t maxRows)
{
    VSILFILE* file = VSIFOpenL(spec.tablePath.c_str(), "rb");
    if (!file)
        throw IoError("cannot open the table", contextOf(spec));
    struct Closer {
        VSILFILE* f;
        ~Closer() { VSIFCloseL(f); }
    } closer{file};
    // The encoding: given, else from up to 1 MB of the bytes (a BOM says UTF-8).
    std::string sample(1 << 20, '\0');
    sample.resize(VSIFReadL(sample.data(), 1, sample.size(), file));
    Grid grid;
    grid.sheet = std::filesystem::path(spec.tablePath).filename().string();
    std::string encoding = spec.encoding;
    if (!encoding.empty()) {
        grid.encoding = encoding + " (given)";
    } else if (startsWith(sample, "\xEF\xBB\xBF")) {
        encoding = "UTF-8";
        grid.encoding = "UTF-8 (byte order mark)";
    } else {
        // Cut the sample at a line end, so a character split by the 1 MB cut does not count.
        if (sample.size() == (1u << 20))
            if (const auto end = sample.rfind('\n'); end != std::string::npos)
                sample.resize(end + 1);
        const EncodingChoice choice = detectEncoding(sample);
        encoding = choice.name.empty() ? "UTF-8" : choice.name;
        grid.encoding = encoding + " (" + choice.reason + ")";
    }
    const bool utf8 = lowerAscii(encoding) == "utf-8" || lowerAscii(encoding) == "utf8";
    // The delimiter: the commonest of , ; tab on the first lines.
    std::size_t commas = 0, semicolons = 0, tabs = 0;
    for (char c : std::string_view(sample).substr(0, 8192)) {
        commas += c == ',';
        semicolons += c == ';';
        tabs += c == '\t';
    }
    const char delimiter[2] = {tabs > commas && tabs > semicolons       ? '\t'
                               : semicolons > commas && semicolons > tabs ? ';'
                                                                          : ',',
                               '\0'};
    VSIFSeekL(file, 0, SEEK_SET);
    int line = 0;
    for (;;) {
        char** fields = CSVReadParseLine3L(file, 10 * 1024 * 1024, delimiter, true, false, false,
                                           true);
        if (!fields)
            break;
        ++line;
        std::vector<std::string> row;
        for (char** f = fields; *f; ++f)
            row.push_back(utf8 ? sanitizeUtf8(*f) : toUtf8(*f, encoding));
        CSLDestroy(fields);
        while (!row.empty() && row.back().empty())
            row.pop_back();
        grid.rows.push_back(std::move(row));
        grid.rowNumbers.push_back(line);
        if (grid.rows.size() >= maxRows)
            break;
    }
    return grid;
}

// ---- the header -----------------------------------------------------------------------------

/// A header cell: its name without blanks and without the unit in brackets, and the unit.
struct HeaderName {
    std::string name;
    std::string unit;
};

HeaderName splitHeader(std::string_view text)
{
    std::string h;
    for (char c : halfWidth(text))
        if (!isBlank(c))
            h += c;
    HeaderName out;
    for (;;) {
        const auto open = h.find_first_of("([");
        if (open == std::string::npos)
            break;
        const auto close = h.find_first_of(")]", open);
        if (close == std::string::npos) {
            h.resize(open);
            break;
        }
        std::string inside = h.substr(open + 1, close - open - 1);
        for (std::string_view prefix : {"\xE5\x8D\x95\xE4\xBD\x8D:" /* 单位: */,
                                        "\xE5\x8D\x95\xE4\xBD\x8D" /* 单位 */}) {
            if (startsWith(inside, prefix)) {
                inside.erase(0, prefix.size());
                break;
            }
        }
        if (out.unit.empty())
            out.unit = inside;
        h.erase(open, close - open + 1);
    }
    // 【万元】 brackets too.
    for (;;) {
        const auto open = h.find("\xE3\x80\x90");
        const auto close = h.find("\xE3\x80\x91");
        if (open == std::string::npos || close == std::string::npos || close < open)
            break;
        if (out.unit.empty())
            out.unit = h.substr(open + 3, close - open - 3);
        h.erase(open, close + 3 - open);
    }
    out.name = h;
    return out;
}

/// The usual ways ledgers write a contract's Chinese name, rewritten to the contract's words:
/// 开工 → 动工, 时间 → 日期, 完成投资额 → 完成投资 …
std::string ledgerSpelling(std::string name)
{
    replaceAll(name, "\xE5\xBC\x80\xE5\xB7\xA5", "\xE5\x8A\xA8\xE5\xB7\xA5"); // 开工 → 动工
    replaceAll(name, "\xE5\xAE\x8C\xE5\xB7\xA5", "\xE7\xAB\xA3\xE5\xB7\xA5"); // 完工 → 竣工
    replaceAll(name, "\xE6\x97\xB6\xE9\x97\xB4", "\xE6\x97\xA5\xE6\x9C\x9F"); // 时间 → 日期
    replaceAll(name, "\xE7\xBA\xB3\xE7\xA8\x8E", "\xE7\xA8\x8E\xE6\x94\xB6"); // 纳税 → 税收
    if (endsWith(name, "\xE9\x87\x91\xE9\xA2\x9D")) // 金额
        name.resize(name.size() - 6);
    else if (endsWith(name, "\xE9\xA2\x9D")) // 额
        name.resize(name.size() - 3);
    if (endsWith(name, "\xE6\x80\xBB\xE9\xA2\x9D")) // 总额
        name.resize(name.size() - 6);
    return name;
}

/// The contract field of `role` a header names, or -1.
int fieldOfHeader(Role role, const std::string& name)
{
    if (name.empty())
        return -1;
    const auto& fields = contractFields(role);
    for (const std::string& candidate : {lowerAscii(name), lowerAscii(ledgerSpelling(name))}) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (candidate == lowerAscii(fields[i].name))
                return static_cast<int>(i);
            for (const char* alias : fields[i].aliases)
                if (candidate == lowerAscii(alias))
                    return static_cast<int>(i);
        }
    }
    return -1;
}

struct HeaderColumn {
    std::string written;  // as written, "投资情况 / 已完成投资（万元）"
    HeaderName name;      // the lower row's name (or the upper's where the lower is empty)
    HeaderName upper;     // a two-row header's upper row (carried over merged cells)
    int field = -1;       // contract field index
};

std::vector<HeaderColumn> headerFrom(const Grid& grid, std::size_t row, bool twoRows, Role role)
{
    const auto& top = grid.rows[row];
    static const std::vector<std::string> kEmpty;
    const auto& bottom = twoRows ? grid.rows[row + 1] : kEmpty;
    const std::size_t width = std::max(top.size(), bottom.size());
    std::vector<HeaderColumn> columns(width);
    std::string carried;
    for (std::size_t c = 0; c < width; ++c) {
        const std::string upper = c < top.size() ? std::string(trimView(top[c])) : "";
        const std::string lower = c < bottom.size() ? std::string(trimView(bottom[c])) : "";
        HeaderColumn& column = columns[c];
        if (!twoRows) {
            column.written = upper;
            column.name = splitHeader(upper);
        } else {
            // A merged cell of the upper row holds its text in its first column only.
            if (!upper.empty())
                carried = upper;
            else if (lower.empty())
                carried.clear();
            const std::string over = upper.empty() ? carried : upper;
            column.upper = splitHeader(over);
            if (lower.empty()) {
                column.written = over;
                column.name = column.upper;
            } else {
                column.written = over.empty() || over == lower ? lower : over + " / " + lower;
                column.name = splitHeader(lower);
                if (column.name.unit.empty())
                    column.name.unit = column.upper.unit;
            }
        }
        column.field = fieldOfHeader(role, column.name.name);
        if (column.field < 0 && twoRows && !lower.empty())
            column.field = fieldOfHeader(role, column.upper.name + column.name.name);
    }
    return columns;
}

bool headerMatches(const HeaderColumn& column, const std::string& wanted)
{
    const std::string w = lowerAscii(splitHeader(wanted).name);
    const std::string whole = lowerAscii(halfWidth(wanted));
    auto compact = [](std::string s) {
        s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return isBlank(c); }), s.end());
        return s;
    };
    return lowerAscii(column.name.name) == w || compact(lowerAscii(halfWidth(column.written))) ==
                                                    compact(whole);
}

struct Header {
    std::size_t row = 0;
    bool twoRows = false;
    std::vector<HeaderColumn> columns;
    int keyColumn = -1;
};

Header findHeader(const Grid& grid, const JoinSpec& spec, Role role, int keyField)
{
    Header best;
    int bestScore = -1;
    const std::size_t scan = std::min<std::size_t>(grid.rows.size(), 30);
    for (std::size_t r = 0; r < scan; ++r) {
        for (bool twoRows : {false, true}) {
            if (twoRows && r + 1 >= grid.rows.size())
                continue;
            Header candidate;
            candidate.row = r;
            candidate.twoRows = twoRows;
            candidate.columns = headerFrom(grid, r, twoRows, role);
            int score = 0; // twice the recognised names, less one for a second row
            for (std::size_t c = 0; c < candidate.columns.size(); ++c) {
                const HeaderColumn& column = candidate.columns[c];
                const bool isKey = spec.column.empty() ? column.field == keyField
                                                       : headerMatches(column, spec.column);
                if (isKey && candidate.keyColumn < 0)
                    candidate.keyColumn = static_cast<int>(c);
                if (column.field >= 0)
                    score += 2;
            }
            // A second header row must add names (a title row merged above the header adds
            // none): on a tie the single row wins.
            if (twoRows)
                --score;
            if (candidate.keyColumn < 0)
                continue;
            if (score > bestScore) {
                bestScore = score;
                best = std::move(candidate);
            }
        }
    }
    if (bestScore < 0) {
        std::string wanted;
        if (!spec.column.empty()) {
            wanted = "the key column \"" + spec.column + "\"";
        } else {
            const ContractField& field = contractFields(role)[static_cast<std::size_t>(keyField)];
            wanted = std::string("a key column for ") + field.name + " (";
            bool first = true;
            for (const char* alias : field.aliases) {
                wanted += (first ? "" : ", ") + std::string(alias);
                first = false;
            }
            wanted += "; or name it with --on " + std::string(field.name) + "=COLUMN)";
        }
        throw IoError("sheet \"" + grid.sheet + "\" has no header row with " + wanted +
                          " in its first " + std::to_string(scan) + " rows",
                      contextOf(spec, grid.sheet));
    }
    return best;
}

std::string columnLetters(std::size_t index)
{
    std::string letters;
    for (std::size_t n = index + 1; n > 0; n = (n - 1) / 26)
        letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
    return letters;
}

/// A name for a column kept as it is: half-width, blanks and punctuation to '_', ASCII lower
/// case, Chinese kept (GeoPackage takes any name), at most 63 bytes.
std::string sanitizeColumnName(std::string_view header, std::size_t index)
{
    std::string out;
    for (char c : halfWidth(header)) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || std::isalnum(u))
            out += static_cast<char>(std::tolower(u));
        else if (!out.empty() && out.back() != '_')
            out += '_';
    }
    while (!out.empty() && out.back() == '_')
        out.pop_back();
    if (out.size() > 63) {
        std::size_t cut = 63;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
            --cut;
        out.resize(cut);
    }
    if (out.empty())
        return "column_" + lowerAscii(columnLetters(index));
    if (std::isdigit(static_cast<unsigned char>(out.front())))
        out = "c_" + out;
    return out;
}

int layerFieldIndex(OGRFeatureDefn& definition, const ContractField& field)
{
    auto find = [&](std::string_view name) {
        const std::string wanted = lowerAscii(name);
        for (int i = 0; i < definition.GetFieldCount(); ++i)
            if (lowerAscii(definition.GetFieldDefn(i)->GetNameRef()) == wanted)
                return i;
        return -1;
    };
    int index = find(field.name);
    for (const char* alias : field.aliases) {
        if (index >= 0)
            break;
        index = find(alias);
    }
    return index;
}

bool isTotalRow(std::string_view key)
{
    const std::string k(trimView(halfWidth(key)));
    for (std::string_view word : {"\xE5\x90\x88\xE8\xAE\xA1" /* 合计 */,
                                  "\xE6\x80\xBB\xE8\xAE\xA1" /* 总计 */,
                                  "\xE5\xB0\x8F\xE8\xAE\xA1" /* 小计 */})
        if (startsWith(k, word))
            return true;
    return false;
}

constexpr std::size_t kIssuesPerColumn = 20;

/// A column of the table as written into the layer.
struct Target {
    std::size_t tableColumn = 0;
    FieldKind kind = FieldKind::Text;
    double headerFactor = 1.0; // money: 万元 per unit; areas: m² per unit
    std::string headerUnit;    // quantities: the unit the header names
    int layerField = -1;
    std::size_t reportColumn = 0;
};

} // namespace

JoinReport joinTable(GDALDataset& park, const JoinSpec& spec, IssueSink& issues)
{
    ensureGdal();
    JoinReport report;
    report.tablePath = spec.tablePath;
    report.key = spec.key;

    // The role and its key field: parcels holds all three keys. The contract calls the credit
    // code credit_cd (a DBF's 10 characters); credit_code is what users type.
    const std::string keyName = spec.key == "credit_code" ? "credit_cd" : spec.key;
    std::optional<Role> role;
    int keyField = -1;
    if (keyName == "parcel_id" || keyName == "owner" || keyName == "credit_cd") {
        for (Role candidate : allRoles()) {
            const auto& fields = contractFields(candidate);
            for (std::size_t i = 0; i < fields.size() && !role; ++i)
                if (keyName == fields[i].name) {
                    role = candidate;
                    keyField = static_cast<int>(i);
                }
            if (role)
                break;
        }
    }
    if (!role)
        throw Error("cannot join by \"" + spec.key + "\": the key is parcel_id, owner or " +
                        "credit_code",
                    contextOf(spec));
    report.key = keyName;
    const bool caseInsensitive = keyName != "owner";
    report.layer = toString(*role);

    // The table.
    if (!std::filesystem::exists(spec.tablePath))
        throw IoError("no such file", contextOf(spec));
    const std::string extension =
        lowerAscii(std::filesystem::path(spec.tablePath).extension().string());
    std::set<std::string> keyNames;
    if (!spec.column.empty()) {
        keyNames.insert(lowerAscii(halfWidth(spec.column)));
    } else {
        const ContractField& field = contractFields(*role)[static_cast<std::size_t>(keyField)];
        keyNames.insert(lowerAscii(field.name));
        for (const char* alias : field.aliases)
            keyNames.insert(lowerAscii(alias));
    }
    constexpr std::size_t kAllRows = static_cast<std::size_t>(-1);
    Grid grid;
    if (extension == ".xlsx" || extension == ".xlsm")
        grid = readWorkbook(spec, false, keyNames, kAllRows);
    else if (extension == ".xls")
        grid = readWorkbook(spec, true, keyNames, kAllRows);
    else if (extension == ".csv" || extension == ".txt" || extension == ".tsv")
        grid = readCsv(spec, kAllRows);
    else
        throw IoError("not a table ParkAtlas joins (.xlsx, .xls or .csv)", contextOf(spec));
    report.sheet = grid.sheet;
    report.encoding = grid.encoding;

    const Header header = findHeader(grid, spec, *role, keyField);
    report.headerRow = grid.rowNumbers[header.row];
    report.headerRows = header.twoRows ? 2 : 1;
    report.keyColumn = header.columns[static_cast<std::size_t>(header.keyColumn)].written;
    const std::size_t firstData = header.row + (header.twoRows ? 2 : 1);

    // Every column with values needs a name of its own.
    std::vector<bool> hasValues(header.columns.size(), false);
    std::size_t widest = header.columns.size();
    for (std::size_t r = firstData; r < grid.rows.size(); ++r) {
        widest = std::max(widest, grid.rows[r].size());
        for (std::size_t c = 0; c < grid.rows[r].size() && c < hasValues.size(); ++c)
            if (!hasValues[c] && !trimView(grid.rows[r][c]).empty())
                hasValues[c] = true;
    }
    for (std::size_t c = 0; c < header.columns.size(); ++c) {
        if (hasValues[c] && header.columns[c].name.name.empty())
            throw IoError("sheet \"" + grid.sheet + "\": column " + columnLetters(c) +
                              " has values but no header of its own (row " +
                              std::to_string(report.headerRow) +
                              "; header cells merged across columns?): give each column its "
                              "own header",
                          contextOf(spec, grid.sheet));
    }
    if (widest > header.columns.size())
        throw IoError("sheet \"" + grid.sheet + "\": column " +
                          columnLetters(header.columns.size()) +
                          " has values but no header (header row " +
                          std::to_string(report.headerRow) + ")",
                      contextOf(spec, grid.sheet));

    // The layer and its key field.
    OGRLayer* layer = park.GetLayerByName(report.layer.c_str());
    if (!layer)
        throw IoError("the park has no layer \"" + report.layer + "\" to join onto",
                      {park.GetDescription(), report.layer, -1, {}});
    OGRFeatureDefn& definition = *layer->GetLayerDefn();
    const auto& fields = contractFields(*role);
    const int layerKey = layerFieldIndex(definition, fields[static_cast<std::size_t>(keyField)]);
    if (layerKey < 0)
        throw IoError("layer \"" + report.layer + "\" has no field " + keyName +
                          " (nor one of its aliases) to join by",
                      {park.GetDescription(), report.layer, -1, keyName});

    // Columns → layer fields (created where missing, inside the transaction below).
    std::vector<Target> targets;
    std::set<int> usedFields = {keyField};
    std::set<std::string> usedNames = {lowerAscii(definition.GetFieldDefn(layerKey)->GetNameRef())};
    struct NewField {
        std::string name;
        OGRFieldType type;
        std::size_t target;
    };
    std::vector<NewField> newFields;
    for (std::size_t c = 0; c < header.columns.size(); ++c) {
        const HeaderColumn& column = header.columns[c];
        if (static_cast<int>(c) == header.keyColumn || column.name.name.empty())
            continue;
        Target target;
        target.tableColumn = c;
        JoinColumn reported;
        reported.header = column.written;
        reported.unit = column.name.unit;
        std::string fieldName;
        if (column.field >= 0 && !usedFields.count(column.field)) {
            usedFields.insert(column.field);
            const ContractField& field = fields[static_cast<std::size_t>(column.field)];
            reported.contract = true;
            target.kind = kindOf(field.name);
            target.layerField = layerFieldIndex(definition, field);
            fieldName = target.layerField >= 0
                            ? definition.GetFieldDefn(target.layerField)->GetNameRef()
                            : field.name;
            if (target.kind == FieldKind::Quantity) {
                target.headerUnit = column.name.unit;
            } else if (target.kind == FieldKind::Money) {
                const double unit = moneyUnitOfHeader(column.name.unit);
                target.headerFactor = unit > 0 ? unit : 1.0;
            } else if (target.kind == FieldKind::Area && !column.name.unit.empty()) {
                const std::string unit = column.name.unit == "\xE3\x8E\xA1" ? "m2"
                                                                           : column.name.unit;
                if (const auto areaUnit = areaUnitFromString(unit))
                    target.headerFactor = toSquareMetres(1.0, *areaUnit);
            }
        } else {
            if (column.field >= 0)
                report.notes.push_back("column \"" + column.written + "\" names " +
                                       fields[static_cast<std::size_t>(column.field)].name +
                                       " again: kept as it is");
            fieldName = sanitizeColumnName(column.written, c);
            // Never over a contract field, the key or another column of the table.
            const std::string stem = fieldName;
            for (int n = 2;
                 fieldOfHeader(*role, fieldName) >= 0 || usedNames.count(lowerAscii(fieldName));
                 ++n)
                fieldName = stem + "_" + std::to_string(n);
            target.layerField = definition.GetFieldIndex(fieldName.c_str());
        }
        usedNames.insert(lowerAscii(fieldName));
        reported.field = fieldName;
        target.reportColumn = report.columns.size();
        report.columns.push_back(std::move(reported));
        if (target.layerField < 0) {
            const OGRFieldType type =
                target.kind == FieldKind::Money || target.kind == FieldKind::Area ||
                        target.kind == FieldKind::Number
                    ? OFTReal
                    : OFTString;
            newFields.push_back({fieldName, type, targets.size()});
        }
        targets.push_back(target);
    }

    // The rows: their keys, duplicates on the table's side.
    std::unordered_map<std::string, std::vector<std::size_t>> rowsByKey;
    std::vector<std::string> rowKeys(grid.rows.size());
    std::size_t totals = 0;
    for (std::size_t r = firstData; r < grid.rows.size(); ++r) {
        const auto& row = grid.rows[r];
        if (std::all_of(row.begin(), row.end(),
                        [](const std::string& cell) { return trimView(cell).empty(); }))
            continue;
        const std::string raw = static_cast<std::size_t>(header.keyColumn) < row.size()
                                    ? row[static_cast<std::size_t>(header.keyColumn)]
                                    : std::string();
        if (isTotalRow(raw)) {
            ++totals;
            continue;
        }
        ++report.rows;
        if (isMasked(raw)) {
            report.rowsWithoutKey.push_back(grid.rowNumbers[r]);
            continue;
        }
        rowKeys[r] = normalizeJoinKey(raw, caseInsensitive);
        rowsByKey[rowKeys[r]].push_back(r);
    }
    if (totals > 0)
        report.notes.push_back(std::to_string(totals) + " total row(s) (合计/总计/小计) skipped");

    // The features' keys (one pass reading the key field only).
    std::unordered_map<std::string, std::vector<std::int64_t>> fidsByKey;
    std::vector<std::pair<std::int64_t, std::string>> featureKeys;
    {
        std::vector<std::string> ignored{"OGR_GEOMETRY", "OGR_STYLE"};
        for (int i = 0; i < definition.GetFieldCount(); ++i)
            if (i != layerKey)
                ignored.push_back(definition.GetFieldDefn(i)->GetNameRef());
        std::vector<const char*> names;
        for (const std::string& name : ignored)
            names.push_back(name.c_str());
        names.push_back(nullptr);
        layer->SetIgnoredFields(names.data());
        layer->SetAttributeFilter(nullptr);
        layer->ResetReading();
        for (auto& feature : *layer) {
            if (!feature->IsFieldSetAndNotNull(layerKey) ||
                isMasked(feature->GetFieldAsString(layerKey))) {
                ++report.featuresWithoutKey;
                continue;
            }
            std::string key = normalizeJoinKey(feature->GetFieldAsString(layerKey),
                                               caseInsensitive);
            fidsByKey[key].push_back(feature->GetFID());
            featureKeys.emplace_back(feature->GetFID(), std::move(key));
        }
        layer->SetIgnoredFields(nullptr);
    }
    for (const auto& [fid, key] : featureKeys)
        if (!rowsByKey.count(key))
            report.featuresWithoutRow.push_back({fid, key});
    std::set<std::string> layerDuplicatesSeen;
    for (const auto& [fid, key] : featureKeys) {
        const auto& fids = fidsByKey[key];
        if (fids.size() > 1 && rowsByKey.count(key) && layerDuplicatesSeen.insert(key).second)
            report.duplicateKeys.push_back({key, "layer", fids});
    }

    // Write, in one transaction.
    const bool transaction = park.StartTransaction() == OGRERR_NONE;
    auto fail = [&](const std::string& what, std::int64_t fid) {
        const std::string why = CPLGetLastErrorMsg();
        if (transaction)
            park.RollbackTransaction();
        throw IoError(what + (why.empty() ? "" : ": " + why),
                      {park.GetDescription(), report.layer, fid, {}});
    };
    for (const NewField& field : newFields) {
        OGRFieldDefn fieldDefinition(field.name.c_str(), field.type);
        if (layer->CreateField(&fieldDefinition) != OGRERR_NONE)
            fail("cannot add the field \"" + field.name + "\"", -1);
        targets[field.target].layerField = definition.GetFieldIndex(field.name.c_str());
    }
    std::size_t monthOnly = 0;
    for (std::size_t r = firstData; r < grid.rows.size(); ++r) {
        if (rowKeys[r].empty())
            continue;
        const std::string& key = rowKeys[r];
        const auto& sameKey = rowsByKey[key];
        if (sameKey.size() > 1) {
            if (sameKey.front() == r) {
                std::vector<std::int64_t> rows;
                for (std::size_t other : sameKey)
                    rows.push_back(grid.rowNumbers[other]);
                report.duplicateKeys.push_back({key, "table", rows});
            }
            continue;
        }
        const auto found = fidsByKey.find(key);
        if (found == fidsByKey.end()) {
            report.unmatchedKeys.push_back({key, grid.rowNumbers[r]});
            continue;
        }
        if (found->second.size() > 1)
            continue; // reported above
        const std::int64_t fid = found->second.front();
        OGRFeatureUniquePtr feature(layer->GetFeature(fid));
        if (!feature)
            fail("cannot read the feature back", fid);
        const auto& row = grid.rows[r];
        for (const Target& target : targets) {
            const std::string cell =
                target.tableColumn < row.size() ? row[target.tableColumn] : std::string();
            JoinColumn& column = report.columns[target.reportColumn];
            LedgerValue value;
            switch (target.kind) {
            case FieldKind::Date:
                value = parseLedgerDate(cell);
                monthOnly += value.monthOnly;
                break;
            case FieldKind::Money:
                value = parseLedgerMoney(cell, target.headerFactor);
                break;
            case FieldKind::Area:
                value = parseLedgerNumber(cell, true, target.headerFactor);
                break;
            case FieldKind::Number:
                value = parseLedgerNumber(cell);
                break;
            case FieldKind::Text:
                if (isMasked(cell))
                    value = {};
                else
                    value = known(0, std::string(trimView(cell)));
                break;
            case FieldKind::Quantity:
                if (isMasked(cell)) {
                    value = {};
                } else {
                    std::string text(trimView(cell));
                    if (!target.headerUnit.empty() &&
                        parseLedgerNumber(text).state == LedgerValue::State::Known &&
                        text.find('%') == std::string::npos)
                        text += target.headerUnit;
                    value = known(0, text);
                }
                break;
            }
            const int index = target.layerField;
            if (value.state != LedgerValue::State::Known) {
                feature->SetFieldNull(index);
                if (value.state == LedgerValue::State::Unknown) {
                    ++column.unknownCells;
                    ++report.unknownCells[column.field];
                } else {
                    report.unparseable.push_back(
                        {grid.rowNumbers[r], column.header, cell, value.why});
                    // The report keeps every cell; the issue list the first few per column.
                    if (++column.unparseableCells <= kIssuesPerColumn)
                        issues.report({Issue::Severity::Warning, spec.tablePath, grid.sheet,
                                       grid.rowNumbers[r],
                                       "row " + std::to_string(grid.rowNumbers[r]) +
                                           ", column \"" + column.header + "\": \"" + cell +
                                           "\" is " + value.why + "; written as unknown"});
                }
                continue;
            }
            const OGRFieldType type = definition.GetFieldDefn(index)->GetType();
            if (target.kind == FieldKind::Date) {
                if (type == OFTDate || type == OFTDateTime) {
                    const Date date{static_cast<std::int32_t>(value.number)};
                    feature->SetField(index, date.year(), static_cast<int>(date.month()),
                                      static_cast<int>(date.day()));
                } else {
                    feature->SetField(index, value.text.c_str());
                }
            } else if (target.kind == FieldKind::Text || target.kind == FieldKind::Quantity) {
                feature->SetField(index, value.text.c_str());
            } else if (type == OFTString) {
                feature->SetField(index, shortestDecimal(value.number).c_str());
            } else {
                feature->SetField(index, value.number);
            }
        }
        if (layer->SetFeature(feature.get()) != OGRERR_NONE)
            fail("cannot write the feature", fid);
        ++report.matched;
    }
    if (transaction && park.CommitTransaction() != OGRERR_NONE)
        throw IoError(std::string("cannot commit the join: ") + CPLGetLastErrorMsg(),
                      {park.GetDescription(), report.layer, -1, {}});
    if (monthOnly > 0)
        report.notes.push_back(std::to_string(monthOnly) +
                               " date(s) given to the month only: the 1st of the month taken");

    for (const JoinColumn& column : report.columns)
        if (column.unparseableCells > kIssuesPerColumn)
            issues.report({Issue::Severity::Warning, spec.tablePath, grid.sheet, -1,
                           "column \"" + column.header + "\": " +
                               std::to_string(column.unparseableCells - kIssuesPerColumn) +
                               " more unreadable cell(s), written as unknown (all in the report)"});
    // Summaries for the issue list.
    auto summary = [&](std::size_t count, const std::string& what) {
        if (count > 0)
            issues.report({Issue::Severity::Warning, spec.tablePath, grid.sheet, -1,
                           std::to_string(count) + " " + what});
    };
    summary(report.unmatchedKeys.size(),
            "key(s) of the table match no feature of " + report.layer + " (not joined)");
    summary(report.featuresWithoutRow.size(),
            "feature(s) of " + report.layer + " have no row in the table");
    summary(report.duplicateKeys.size(),
            "key(s) held by several rows or features (not joined: which one is meant cannot be "
            "told)");
    summary(report.rowsWithoutKey.size(), "row(s) have no key (not joined)");
    return report;
}

void writeJoinReport(const JoinReport& report, JsonWriter& json)
{
    json.beginObject();
    json.field("table", report.tablePath);
    json.field("sheet", report.sheet);
    if (!report.encoding.empty())
        json.field("encoding", report.encoding);
    json.field("header_row", report.headerRow);
    json.field("header_rows", report.headerRows);
    json.field("layer", report.layer);
    json.field("key", report.key);
    json.field("key_column", report.keyColumn);
    json.field("rows", report.rows);
    json.field("matched", report.matched);
    json.key("columns").beginArray();
    for (const JoinColumn& column : report.columns) {
        json.beginObject();
        json.field("column", column.header);
        json.field("field", column.field);
        json.field("mapped", column.contract);
        if (!column.unit.empty())
            json.field("unit", column.unit);
        json.field("unknown_cells", column.unknownCells);
        json.endObject();
    }
    json.endArray();
    json.key("unknown_cells").beginObject();
    for (const auto& [field, count] : report.unknownCells)
        json.field(field, count);
    json.endObject();
    json.key("unmatched_keys").beginArray();
    for (const JoinTableKey& key : report.unmatchedKeys) {
        json.beginObject();
        json.field("key", key.key);
        json.field("row", key.row);
        json.endObject();
    }
    json.endArray();
    json.key("features_without_row").beginArray();
    for (const JoinFeatureKey& feature : report.featuresWithoutRow) {
        json.beginObject();
        json.field("fid", feature.fid);
        json.field("key", feature.key);
        json.endObject();
    }
    json.endArray();
    json.field("features_without_key", report.featuresWithoutKey);
    json.field("rows_without_key", report.rowsWithoutKey);
    json.key("duplicate_keys").beginArray();
    for (const JoinDuplicateKey& duplicate : report.duplicateKeys) {
        json.beginObject();
        json.field("key", duplicate.key);
        json.field("side", duplicate.side);
        json.field(duplicate.side == "table" ? "rows" : "fids", duplicate.rowsOrFids);
        json.endObject();
    }
    json.endArray();
    json.key("unparseable").beginArray();
    for (const JoinCellProblem& problem : report.unparseable) {
        json.beginObject();
        json.field("row", problem.row);
        json.field("column", problem.column);
        json.field("text", problem.text);
        json.field("why", problem.why);
        json.endObject();
    }
    json.endArray();
    json.field("notes", report.notes);
    json.endObject();
}

} // namespace parkatlas::geo
