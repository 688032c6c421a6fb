#include "geo/io/vct_reader.h"

#include "geo/crs/gauss_kruger.h"
#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/issue.h"

#include <cpl_vsi.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace parkatlas::geo {

namespace {

constexpr std::size_t kReadChunk = 1 << 16;

std::string upper(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t at = text.find(separator, start);
        if (at == std::string_view::npos) {
            parts.push_back(trim(text.substr(start)));
            return parts;
        }
        parts.push_back(trim(text.substr(start, at - start)));
        start = at + 1;
    }
}

std::optional<double> parseDouble(std::string_view text)
{
    text = trim(text);
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty() ||
        !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<std::int64_t> parseInteger(std::string_view text)
{
    text = trim(text);
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size() && !text.empty())
        return value;
    // "12.0" in an integer column.
    if (auto real = parseDouble(text); real && std::fabs(*real) < 9.2e18 && *real == std::floor(*real))
        return static_cast<std::int64_t>(*real);
    return std::nullopt;
}

/// The section keywords, so that a truncated object stops at the next section.
bool isSectionKeyword(std::string_view line)
{
    // Most lines are numbers or coordinates: reject them before any work.
    if (line.size() < 7 || !std::isalpha(static_cast<unsigned char>(line[0])))
        return false;
    const std::string u = upper(line);
    auto endsWith = [&](std::string_view suffix) {
        return u.size() > suffix.size() && u.compare(u.size() - suffix.size(), suffix.size(),
                                                     suffix) == 0;
    };
    if (!(endsWith("BEGIN") || endsWith("END")))
        return false;
    static const char* const kNames[] = {"HEAD",       "FEATURECODE", "TABLESTRUCTURE",
                                         "POINT",      "LINE",        "POLYGON",
                                         "SOLID",      "ANNOTATION",  "TOPOLOGY",
                                         "ATTRIBUTE",  "STYLE",       "AGGREGATION",
                                         "RELATION",   "COMMENT",     "REPRESENTATION"};
    for (const char* name : kNames) {
        const std::size_t n = std::strlen(name);
        if (u.compare(0, n, name) == 0 && (u.substr(n) == "BEGIN" || u.substr(n) == "END"))
            return true;
    }
    return false;
}

/// Reads a file line by line through GDAL's virtual file system (so /vsizip/ works too), with
/// line numbers, one line of push-back, and text decoded to UTF-8.
class LineReader {
public:
    LineReader(const std::string& path, const EncodingChoice& encoding)
        : m_path(path), m_encoding(encoding), m_utf8(encoding.isUtf8())
    {
        m_file = VSIFOpenL(path.c_str(), "rb");
        if (!m_file)
            throw IoError("cannot open the file", {path, {}, -1, {}});
    }
    ~LineReader()
    {
        if (m_file)
            VSIFCloseL(m_file);
    }
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;

    /// The next non-blank line, trimmed and in UTF-8, or nullopt at the end of the file.
    std::optional<std::string> next()
    {
        if (m_pushedBack) {
            m_pushedBack = false;
            m_lineNumber = m_pushedNumber;
            return m_pushed;
        }
        std::string raw;
        while (readRaw(raw)) {
            std::string_view view = trim(raw);
            if (view.empty())
                continue;
            if (m_lineNumber == 1 && view.size() >= 3 && view.substr(0, 3) == "\xEF\xBB\xBF")
                view = trim(view.substr(3));
            if (view.empty())
                continue;
            if (equalsNoCase(view, "CommentBegin")) {
                while (readRaw(raw))
                    if (equalsNoCase(trim(raw), "CommentEnd"))
                        break;
                continue;
            }
            m_last = decode(view);
            return m_last;
        }
        return std::nullopt;
    }
    void pushBack(std::string line)
    {
        m_pushed = std::move(line);
        m_pushedNumber = m_lineNumber;
        m_pushedBack = true;
    }
    std::size_t lineNumber() const { return m_lineNumber; }
    bool sawBadText() const { return m_badTextLine != 0; }
    std::size_t badTextLine() const { return m_badTextLine; }

private:
    bool readRaw(std::string& line)
    {
        line.clear();
        for (;;) {
            if (m_position >= m_buffer.size()) {
                m_buffer.resize(kReadChunk);
                const std::size_t got = VSIFReadL(m_buffer.data(), 1, kReadChunk, m_file);
                m_buffer.resize(got);
                m_position = 0;
                if (got == 0) {
                    if (line.empty())
                        return false;
                    ++m_lineNumber;
                    return true;
                }
            }
            const char* begin = m_buffer.data() + m_position;
            const void* found = std::memchr(begin, '\n', m_buffer.size() - m_position);
            if (found) {
                const std::size_t length = static_cast<const char*>(found) - begin;
                line.append(begin, length);
                m_position += length + 1;
                ++m_lineNumber;
                return true;
            }
            line.append(begin, m_buffer.size() - m_position);
            m_position = m_buffer.size();
        }
    }

    std::string decode(std::string_view bytes)
    {
        if (isAscii(bytes))
            return std::string(bytes);
        if (m_utf8) {
            if (isValidUtf8(bytes))
                return std::string(bytes);
            if (m_badTextLine == 0)
                m_badTextLine = m_lineNumber;
            return sanitizeUtf8(bytes);
        }
        std::string text = toUtf8(bytes, m_encoding.name);
        if (!isValidUtf8(text)) {
            if (m_badTextLine == 0)
                m_badTextLine = m_lineNumber;
            text = sanitizeUtf8(text);
        }
        return text;
    }

    std::string m_path;
    EncodingChoice m_encoding;
    bool m_utf8 = false;
    VSILFILE* m_file = nullptr;
    std::string m_buffer;
    std::size_t m_position = 0;
    std::size_t m_lineNumber = 0;
    std::string m_last;
    std::string m_pushed;
    std::size_t m_pushedNumber = 0;
    bool m_pushedBack = false;
    std::size_t m_badTextLine = 0;
};

using Path = std::vector<double>; // interleaved x,y

/// The OID a reference names (a negative reference is the object reversed).
std::int64_t referencedOid(std::int64_t reference)
{
    return reference == std::numeric_limits<std::int64_t>::min() ? reference
                                                                  : std::llabs(reference);
}

enum class FeatureGeometry { Point, Line, Polygon, Annotation, None, Unsupported };

struct FeatureCode {
    std::string code;
    std::string name;
    FeatureGeometry geometry = FeatureGeometry::None;
    std::string geometryText;
    std::string table;
};

enum class FieldKind { Text, Integer, Integer64, Real, Date, Time, DateTime, Boolean, Binary };

struct TableField {
    std::string name;
    FieldKind kind = FieldKind::Text;
    int width = 0;
    int precision = 0;
};

struct Table {
    std::string name;
    std::vector<TableField> fields;
    bool noGeometry = false;
    std::size_t line = 0;
};

struct Object {
    std::int64_t oid = 0;
    std::string code;
    std::size_t line = 0;
    const char* section = "";
    FeatureGeometry kind = FeatureGeometry::None;
    std::vector<Path> parts;             // points (one vertex each), line paths, polygon rings
    std::vector<std::int64_t> references; // indirect: line or polygon OIDs (0 separates rings)
    int indirectType = 0;                 // 21 lines, 22 polygons; 100 for an indirect line
    std::string text;                     // annotation
    std::optional<double> angle;
    std::unique_ptr<OGRGeometry> geometry; // built at the end
    bool dropped = false;                  // geometry skipped (reported)
};

struct AttributeRow {
    std::vector<std::string> values;
    std::size_t line = 0;
};

class VctParser {
public:
    VctParser(const std::string& path, const EncodingChoice& encoding, IssueSink& issues)
        : m_path(path), m_reader(path, encoding), m_issues(issues)
    {
    }

    GDALDatasetUniquePtr run(VctHead* headOut);

private:
    void report(Issue::Severity severity, const std::string& layer, std::int64_t oid,
                const std::string& message)
    {
        ++m_reportCount;
        m_issues.report({severity, m_path, layer.empty() ? m_currentLayer : layer, oid, message});
    }
    /// The same, said in the user's language (geo/message.h).
    void report(Issue::Severity severity, const std::string& layer, std::int64_t oid, Message said)
    {
        ++m_reportCount;
        m_issues.report(withMessage({severity, m_path, layer.empty() ? m_currentLayer : layer, oid},
                                    std::move(said)));
    }
    /// The parts naming a place in the file ("{section} section, line {line}"), then `more`.
    static std::vector<MessagePart> place(const std::string& section, std::size_t line,
                                          std::vector<MessagePart> more = {})
    {
        more.insert(more.begin(), {{"section", section}, {"line", std::to_string(line)}});
        return more;
    }
    /// The feature `oid` is kept without its geometry: "geometry skipped: " + `detail`.
    void skipGeometry(Issue::Severity severity, const std::string& layer, std::int64_t oid,
                      const std::string& detail)
    {
        ++m_reportCount;
        m_issues.report({severity, m_path, layer.empty() ? m_currentLayer : layer, oid,
                         "geometry skipped: " + detail, Issue::Kind::GeometrySkipped});
    }
    /// The same, said in the user's language.
    void skipGeometry(Issue::Severity severity, const std::string& layer, std::int64_t oid,
                      const Message& detail)
    {
        ++m_reportCount;
        m_issues.report(withMessage(
            {severity, m_path, layer.empty() ? m_currentLayer : layer, oid},
            message("geometry_skipped", "geometry skipped: {problem}",
                    withNested({}, "problem", detail.english, detail.id, detail.parts)),
            Issue::Kind::GeometrySkipped));
    }
    std::string layerOfCode(const std::string& code) const
    {
        auto it = m_codes.find(code);
        return it == m_codes.end() ? std::string() : it->second.table;
    }

    void readHead();
    void readFeatureCodes();
    void readTableStructures();
    void readObjects(const char* section, FeatureGeometry kind);
    void readAttributes();
    void skipSection(const std::string& name);

    bool readObject(Object& object, const char* section);
    bool readPoints(Path& points, const char* section, std::int64_t oid, std::size_t maxPoints);
    std::optional<std::pair<double, double>> coordinate(std::string_view line,
                                                        std::optional<double>* third = nullptr);
    std::optional<std::string> data(); // next line of an object: nullopt at a keyword or EOF
    void skipToObjectEnd();

    void buildGeometries();
    std::unique_ptr<OGRGeometry> buildPolygon(Object& object, int depth);
    bool ringsOfPolygon(Object& object, int depth, std::vector<Path>& rings);
    std::unique_ptr<OGRGeometry> organize(std::vector<Path>& rings);
    std::unique_ptr<OGRGeometry> buildLine(const Object& object);

    GDALDatasetUniquePtr buildDataset();

    std::string m_path;
    LineReader m_reader;
    IssueSink& m_issues;
    VctHead m_head;
    std::vector<std::string> m_codeOrder;
    std::map<std::string, FeatureCode> m_codes;
    std::vector<Table> m_tables;
    std::vector<Object> m_objects;
    std::unordered_map<std::int64_t, std::size_t> m_lineIndex;    // line OID → object
    std::unordered_map<std::int64_t, std::size_t> m_polygonIndex; // polygon OID → object
    std::map<std::string, std::map<std::int64_t, AttributeRow>> m_rows; // upper table → rows
    std::unordered_set<std::int64_t> m_referencedLines;
    std::unordered_set<std::int64_t> m_ambiguousLines; // line OIDs that appear more than once
    std::string m_currentLayer; // the table of the object being read, for its issues
    std::size_t m_reportCount = 0;
    double m_offsetX = 0, m_offsetY = 0;
    bool m_swapAxes = false;
    int m_dimension = 2;
};

// ----------------------------------------------------------------------------------- head

void VctParser::readHead()
{
    auto first = m_reader.next();
    if (!first || !equalsNoCase(*first, "HeadBegin"))
        throw IoError(message("vct_not_vct",
                              "this is not a VCT file (GB/T 17798): its first line is not 'HeadBegin'"),
                      {m_path, {}, -1, {}});
    std::size_t headLine = m_reader.lineNumber();
    bool ended = false;
    while (auto line = m_reader.next()) {
        if (equalsNoCase(*line, "HeadEnd")) {
            ended = true;
            break;
        }
        if (isSectionKeyword(*line)) {
            m_reader.pushBack(*line);
            break;
        }
        std::size_t colon = line->find(':');
        std::size_t skip = 1;
        const std::size_t fullWidth = line->find("\xEF\xBC\x9A"); // ：
        if (fullWidth != std::string::npos && (colon == std::string::npos || fullWidth < colon)) {
            colon = fullWidth;
            skip = 3;
        }
        if (colon == std::string::npos) {
            report(Issue::Severity::Warning, {}, -1,
                   message("vct_not_key_value",
                           "{section} section, line {line}: '{text}' is not a 'Key:Value' line; ignored",
                           place("HeadBegin", m_reader.lineNumber(), {{"text", *line}})));
            continue;
        }
        const std::string key = upper(trim(std::string_view(*line).substr(0, colon)));
        const std::string value(trim(std::string_view(*line).substr(colon + skip)));
        if (key == "DATAMARK")
            m_head.dataMark = value;
        else if (key == "VERSION")
            m_head.version = value;
        else if (key == "COORDINATESYSTEMTYPE" && !value.empty())
            m_head.coordinateSystemType = static_cast<char>(std::toupper(value[0]));
        else if (key == "SPHEROID")
            m_head.spheroid = value;
        else if (key == "PROJECTION")
            m_head.projection = value;
        else if (key == "PARAMETERS")
            m_head.parameters = value;
        else if (key == "DATE")
            m_head.date = value;
        else if (key == "DIM")
            m_dimension = value == "3" ? 3 : 2;
        else if (key == "XAXISDIRECTION")
            m_swapAxes = !value.empty() && (value[0] == 'N' || value[0] == 'n');
        else if (key == "SEPARATOR") {
            if (value.size() == 1 && value[0] != ':' && value[0] != ' ')
                m_head.separator = value[0];
            else if (!value.empty())
                report(Issue::Severity::Warning, {}, -1,
                       message("vct_bad_separator",
                               "{section} section, line {line}: the separator '{separator}' is not one character; using ','",
                               place("HeadBegin", m_reader.lineNumber(), {{"separator", value}})));
        } else if (key == "OFFSET") {
            const auto parts = split(value, ',');
            if (parts.size() >= 2) {
                m_offsetX = parseDouble(parts[0]).value_or(0);
                m_offsetY = parseDouble(parts[1]).value_or(0);
            }
        }
    }
    if (!ended)
        report(Issue::Severity::Warning, {}, -1,
               message("vct_no_head_end", "{section} section, line {line}: the head has no 'HeadEnd'",
                       place("HeadBegin", headLine)));
    if (m_head.dataMark.empty())
        report(Issue::Severity::Note, {}, -1,
               message("vct_no_datamark", "the head has no DataMark"));
    // The 1999 layout (CNSDTF-VCT 1.0, its topology flags and objects without a type line) and
    // the early land variants' annotations (font, colour …) differ from the 2007 one read here.
    const std::string mark = upper(m_head.dataMark);
    const std::string version = upper(m_head.version);
    const bool layout1999 = mark.rfind("CNSDTF", 0) == 0 && version.find("2007") == std::string::npos &&
                            (version.empty() || version[0] == '1');
    if (layout1999 || mark == "LANDUSE-DAT" || mark == "LANDUSE.VCT" || mark == "CADASTRE.VCT")
        report(Issue::Severity::Warning, {}, -1,
               message("vct_older_layout",
                       "the head says {mark} {version}, an older layout than GB/T 17798-2007's, "
                       "which is what is read here: objects may be misread (each is reported)",
                       {{"mark", m_head.dataMark}, {"version", m_head.version}}));
}

// ----------------------------------------------------------------------------- structure

FeatureGeometry geometryFromText(std::string_view text)
{
    const std::string u = upper(trim(text));
    if (u == "POINT")
        return FeatureGeometry::Point;
    if (u == "LINE")
        return FeatureGeometry::Line;
    if (u == "POLYGON")
        return FeatureGeometry::Polygon;
    if (u == "ANNOTATION")
        return FeatureGeometry::Annotation;
    if (u == "SOLID" || u == "AGGREGATION" || u == "IMAGE")
        return FeatureGeometry::Unsupported;
    return FeatureGeometry::None;
}

void VctParser::readFeatureCodes()
{
    const std::size_t start = m_reader.lineNumber();
    while (auto line = m_reader.next()) {
        if (equalsNoCase(*line, "FeatureCodeEnd"))
            return;
        if (isSectionKeyword(*line)) {
            m_reader.pushBack(*line);
            break;
        }
        const auto parts = split(*line, m_head.separator);
        if (parts.size() < 3 || parts[0].empty()) {
            report(Issue::Severity::Warning, {}, -1,
                   message("vct_bad_feature_code",
                           "{section} section, line {line}: expected 'code,name,geometry type,…,table', got '{text}'",
                           place("FeatureCodeBegin", m_reader.lineNumber(), {{"text", *line}})));
            continue;
        }
        FeatureCode code;
        code.code = std::string(parts[0]);
        code.name = std::string(parts[1]);
        code.geometryText = std::string(parts[2]);
        code.geometry = geometryFromText(parts[2]);
        code.table = parts.size() >= 4 ? std::string(parts.back()) : std::string();
        // VCT 1.0 / 2.0 place the table 5th or 7th with colours between: the last non-number.
        for (std::size_t i = parts.size(); code.table.empty() || parseDouble(code.table); ) {
            if (i <= 3) {
                code.table.clear();
                break;
            }
            code.table = std::string(parts[--i]);
        }
        if (code.table.empty())
            code.table = code.name.empty() ? code.code : code.name;
        if (code.geometry == FeatureGeometry::Unsupported)
            report(Issue::Severity::Warning, code.table, -1,
                   message("vct_geometry_type_not_read",
                           "{section} section, line {line}: feature code {code} has geometry type "
                           "'{type_name}', which is not read (only points, lines, polygons and annotations)",
                           place("FeatureCodeBegin", m_reader.lineNumber(),
                                 {{"code", code.code}, {"type_name", code.geometryText}})));
        if (m_codes.count(code.code))
            report(Issue::Severity::Warning, code.table, -1,
                   message("vct_code_twice",
                           "{section} section, line {line}: feature code {code} is declared twice; the first is used",
                           place("FeatureCodeBegin", m_reader.lineNumber(), {{"code", code.code}})));
        else {
            m_codeOrder.push_back(code.code);
            m_codes.emplace(code.code, std::move(code));
        }
    }
    report(Issue::Severity::Warning, {}, -1,
           message("vct_section_no_end_named",
                   "{section} section, line {line}: the section has no '{end}'",
                   place("FeatureCodeBegin", start, {{"end", "FeatureCodeEnd"}})));
}

FieldKind fieldKindFromText(std::string_view text, bool& known)
{
    const std::string u = upper(trim(text));
    known = true;
    if (u == "CHAR" || u == "VARCHAR" || u == "STRING" || u == "TEXT")
        return FieldKind::Text;
    if (u == "INT1" || u == "INT2" || u == "INT4" || u == "INT" || u == "INTEGER" ||
        u == "SMALLINT" || u == "SHORT" || u == "LONG")
        return FieldKind::Integer;
    if (u == "INT8" || u == "BIGINT")
        return FieldKind::Integer64;
    if (u == "FLOAT" || u == "DOUBLE" || u == "NUMERIC" || u == "DECIMAL" || u == "REAL")
        return FieldKind::Real;
    if (u == "DATE")
        return FieldKind::Date;
    if (u == "TIME")
        return FieldKind::Time;
    if (u == "DATETIME" || u == "TIMESTAMP")
        return FieldKind::DateTime;
    if (u == "BOOLEAN" || u == "BOOL")
        return FieldKind::Boolean;
    if (u == "VARBIN" || u == "BINARY" || u == "BLOB")
        return FieldKind::Binary;
    known = false;
    return FieldKind::Text;
}

void VctParser::readTableStructures()
{
    const std::size_t start = m_reader.lineNumber();
    while (auto line = m_reader.next()) {
        if (equalsNoCase(*line, "TableStructureEnd"))
            return;
        if (isSectionKeyword(*line)) {
            m_reader.pushBack(*line);
            break;
        }
        if (*line == "0")
            continue; // a stray table terminator
        const auto parts = split(*line, m_head.separator);
        Table table;
        table.name = std::string(parts[0]);
        table.line = m_reader.lineNumber();
        std::optional<std::int64_t> declared;
        if (parts.size() >= 2)
            declared = parseInteger(parts[1]);
        for (std::size_t i = 2; i < parts.size(); ++i)
            if (equalsNoCase(parts[i], "NoneGeometry"))
                table.noGeometry = true;
        if (!declared || *declared < 0) {
            report(Issue::Severity::Warning, table.name, -1,
                   message("vct_no_field_count",
                           "{section} section, line {line}: table '{table}' has no field count; reading its fields up to the line '0'",
                           place("TableStructureBegin", table.line, {{"table", table.name}})));
            declared.reset();
        }
        // Fields: as many as declared, then the terminating "0" if present.
        bool terminated = false;
        while (!declared || static_cast<std::int64_t>(table.fields.size()) < *declared) {
            auto fieldLine = m_reader.next();
            if (!fieldLine)
                break;
            if (isSectionKeyword(*fieldLine)) {
                m_reader.pushBack(*fieldLine);
                break;
            }
            if (*fieldLine == "0") {
                terminated = true;
                break;
            }
            const auto f = split(*fieldLine, m_head.separator);
            TableField field;
            field.name = std::string(f[0]);
            bool known = true;
            field.kind = f.size() >= 2 ? fieldKindFromText(f[1], known) : FieldKind::Text;
            if (f.size() < 2 || !known)
                report(Issue::Severity::Warning, table.name, -1,
                       f.size() < 2
                           ? message("vct_field_no_type",
                                     "{section} section, line {line}: field '{field}' has no type; read as text",
                                     place("TableStructureBegin", m_reader.lineNumber(), {{"field", field.name}}))
                           : message("vct_field_unknown_type",
                                     "{section} section, line {line}: field '{field}' has the unknown type '{type_name}'; read as text",
                                     place("TableStructureBegin", m_reader.lineNumber(),
                                           {{"field", field.name}, {"type_name", std::string(f[1])}})));
            if (f.size() >= 3)
                field.width = static_cast<int>(std::clamp<std::int64_t>(
                    parseInteger(f[2]).value_or(0), 0, 65535));
            if (f.size() >= 4)
                field.precision = static_cast<int>(std::clamp<std::int64_t>(
                    parseInteger(f[3]).value_or(0), 0, 64));
            if (field.name.empty()) {
                report(Issue::Severity::Warning, table.name, -1,
                       message("vct_field_no_name",
                               "{section} section, line {line}: a field with no name; named {name}",
                               place("TableStructureBegin", m_reader.lineNumber(),
                                     {{"name", "FIELD" + std::to_string(table.fields.size() + 1)}})));
                field.name = "FIELD" + std::to_string(table.fields.size() + 1);
            }
            table.fields.push_back(std::move(field));
        }
        if (declared && static_cast<std::int64_t>(table.fields.size()) < *declared)
            report(Issue::Severity::Warning, table.name, -1,
                   message("vct_fewer_fields",
                           "{section} section, line {line}: table '{table}' declares {declared} fields but has {count}",
                           place("TableStructureBegin", table.line,
                                 {{"table", table.name}, {"declared", std::to_string(*declared)},
                                  {"count", std::to_string(table.fields.size())}})));
        if (declared && !terminated) {
            if (auto after = m_reader.next()) {
                if (*after != "0")
                    m_reader.pushBack(*after);
            }
        }
        bool duplicate = false;
        for (const Table& other : m_tables)
            duplicate = duplicate || equalsNoCase(other.name, table.name);
        if (duplicate)
            report(Issue::Severity::Warning, table.name, -1,
                   message("vct_table_twice",
                           "{section} section, line {line}: table '{table}' is declared twice; the first is used",
                           place("TableStructureBegin", table.line, {{"table", table.name}})));
        else
            m_tables.push_back(std::move(table));
    }
    report(Issue::Severity::Warning, {}, -1,
           message("vct_section_no_end_named",
                   "{section} section, line {line}: the section has no '{end}'",
                   place("TableStructureBegin", start, {{"end", "TableStructureEnd"}})));
}

void VctParser::skipSection(const std::string& name)
{
    const std::string endKeyword = upper(name.substr(0, name.size() - 5)) + "END";
    const std::size_t start = m_reader.lineNumber();
    while (auto line = m_reader.next()) {
        if (upper(*line) == endKeyword)
            return;
        if (isSectionKeyword(*line) && upper(*line).size() > 5 &&
            upper(*line).compare(upper(*line).size() - 5, 5, "BEGIN") == 0) {
            m_reader.pushBack(*line);
            break;
        }
    }
    report(Issue::Severity::Warning, {}, -1,
           message("vct_section_no_end", "{section} section, line {line}: the section has no end line",
                   place(name, start)));
}

// ------------------------------------------------------------------------------- objects

std::optional<std::string> VctParser::data()
{
    auto line = m_reader.next();
    if (!line)
        return std::nullopt;
    if (isSectionKeyword(*line)) {
        m_reader.pushBack(*line);
        return std::nullopt;
    }
    return line;
}

void VctParser::skipToObjectEnd()
{
    while (auto line = m_reader.next()) {
        if (*line == "0")
            return;
        if (isSectionKeyword(*line)) {
            m_reader.pushBack(*line);
            return;
        }
    }
}

std::optional<std::pair<double, double>>
VctParser::coordinate(std::string_view line, std::optional<double>* third)
{
    const auto parts = split(line, m_head.separator);
    if (parts.size() < 2)
        return std::nullopt;
    auto x = parseDouble(parts[0]);
    auto y = parseDouble(parts[1]);
    if (!x || !y)
        return std::nullopt;
    if (third && parts.size() >= 3)
        *third = parseDouble(parts[2]);
    if (m_swapAxes)
        std::swap(*x, *y);
    return std::make_pair(*x + m_offsetX, *y + m_offsetY);
}

/// Points of a ring, path or point object: either "count" then that many coordinate lines, or
/// coordinate lines straight away (when `maxPoints` says how many).
bool VctParser::readPoints(Path& points, const char* section, std::int64_t oid,
                           std::size_t maxPoints)
{
    auto line = data();
    if (!line)
        return false;
    std::size_t count = maxPoints;
    if (coordinate(*line)) {
        m_reader.pushBack(*line);
    } else {
        auto declared = parseInteger(*line);
        if (!declared || *declared < 0) {
            skipGeometry(Issue::Severity::Warning, {}, oid,
message("vct_expected_point_count", "{section} section, line {line}, OID {oid}: expected a point count, got '{text}'",
                                 place(section, m_reader.lineNumber(), {{"oid", std::to_string(oid)}, {"text", *line}})));
            return false;
        }
        count = static_cast<std::size_t>(*declared);
    }
    for (std::size_t i = 0; i < count; ++i) {
        auto pointLine = data();
        if (!pointLine) {
            skipGeometry(Issue::Severity::Warning, {}, oid,
message("vct_points_truncated", "{section} section, line {line}, OID {oid}: the object ends after {done} of its {count} points (truncated)",
                                 place(section, m_reader.lineNumber(), {{"oid", std::to_string(oid)}, {"done", std::to_string(i)}, {"count", std::to_string(count)}})));
            return false;
        }
        auto xy = coordinate(*pointLine);
        if (!xy) {
            skipGeometry(Issue::Severity::Warning, {}, oid,
message("vct_not_coordinate_pair", "{section} section, line {line}, OID {oid}: '{text}' is not a coordinate pair",
                                 place(section, m_reader.lineNumber(), {{"oid", std::to_string(oid)}, {"text", *pointLine}})));
            // It may be the object's end: let the caller resynchronise on it.
            m_reader.pushBack(*pointLine);
            return false;
        }
        points.push_back(xy->first);
        points.push_back(xy->second);
    }
    return true;
}

/// Reads the object after its OID line; false when it is unusable (reported).
bool VctParser::readObject(Object& object, const char* section)
{
    const std::string oidText = std::to_string(object.oid);
    auto code = data();
    auto style = code ? data() : std::nullopt;
    auto typeLine = style ? data() : std::nullopt;
    if (!typeLine) {
        skipGeometry(Issue::Severity::Warning, {}, object.oid,
                     message("vct_object_problem", "{section} section, line {line}, OID {oid}: {problem}",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"problem", "the object is truncated before its geometry"}})));
        return false;
    }
    object.code = *code;
    m_currentLayer = layerOfCode(object.code);
    if (object.kind == FeatureGeometry::Annotation) {
        // <type 1 single | 2 several points><text><point or count + points>
        auto text = data();
        if (!text)
            return false;
        object.text = *text;
        Path points;
        auto line = data();
        if (!line)
            return false;
        std::optional<double> angle;
        if (auto xy = coordinate(*line, &angle)) {
            points = {xy->first, xy->second};
            object.angle = angle;
        } else {
            m_reader.pushBack(*line);
            if (!readPoints(points, section, object.oid, 1))
                return false;
        }
        if (points.size() >= 2)
            object.parts.push_back(Path(points.begin(), points.begin() + 2));
        return true;
    }
    auto type = parseInteger(*typeLine);
    if (!type) {
        skipGeometry(Issue::Severity::Warning, {}, object.oid,
message("vct_not_geometry_type", "{section} section, line {line}, OID {oid}: '{text}' is not a geometry type number",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"text", *typeLine}})));
        return false;
    }
    if (object.kind == FeatureGeometry::Point) {
        Path points;
        if (!readPoints(points, section, object.oid, *type == 3 ? 2 : 1))
            return false;
        if (*type == 3 && points.size() >= 4)
            points.resize(2); // a directed point: its position, then a point giving the direction
        for (std::size_t i = 0; i + 1 < points.size(); i += 2)
            object.parts.push_back({points[i], points[i + 1]});
        return !object.parts.empty();
    }
    if (object.kind == FeatureGeometry::Line) {
        if (*type == 100) {
            object.indirectType = 100;
        } else {
            auto segments = data();
            auto segmentCount = segments ? parseInteger(*segments) : std::nullopt;
            if (!segmentCount || *segmentCount < 0) {
                skipGeometry(Issue::Severity::Warning, {}, object.oid,
                             message("vct_object_problem", "{section} section, line {line}, OID {oid}: {problem}",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"problem", "expected the number of segments"}})));
                return false;
            }
            Path path;
            for (std::int64_t s = 0; s < *segmentCount; ++s) {
                auto segmentType = data();
                if (!segmentType)
                    return false;
                auto kind = parseInteger(*segmentType);
                if (!kind) {
                    skipGeometry(Issue::Severity::Warning, {}, object.oid,
message("vct_not_segment_type", "{section} section, line {line}, OID {oid}: '{text}' is not a segment type",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"text", *segmentType}})));
                    return false;
                }
                Path points;
                if (!readPoints(points, section, object.oid, 0))
                    return false;
                if (*kind == 12 && points.size() == 6) {
                    OGRCircularString arc;
                    arc.addPoint(points[0], points[1]);
                    arc.addPoint(points[2], points[3]);
                    arc.addPoint(points[4], points[5]);
                    std::unique_ptr<OGRLineString> linear(arc.CurveToLine(1.0));
                    points.clear();
                    for (int i = 0; linear && i < linear->getNumPoints(); ++i) {
                        points.push_back(linear->getX(i));
                        points.push_back(linear->getY(i));
                    }
                }
                // Segments of one line join end to start; a gap starts a new part.
                if (!path.empty() && points.size() >= 2 && points[0] == path[path.size() - 2] &&
                    points[1] == path.back())
                    path.insert(path.end(), points.begin() + 2, points.end());
                else {
                    if (!path.empty())
                        object.parts.push_back(std::move(path));
                    path = std::move(points);
                }
            }
            if (!path.empty())
                object.parts.push_back(std::move(path));
            return true;
        }
    }
    if (object.kind == FeatureGeometry::Polygon) {
        if (*type != 1 && *type != 100) {
            skipGeometry(Issue::Severity::Warning, {}, object.oid,
message("vct_unknown_polygon_type", "{section} section, line {line}, OID {oid}: unknown polygon type {text} (1 direct, 100 indirect)",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"text", *typeLine}})));
            return false;
        }
        // The label point, then for a direct polygon the ring count, for an indirect one the
        // sub-type (21 lines, 22 polygons).
        auto line = data();
        if (!line)
            return false;
        if (coordinate(*line)) {
            line = data();
            if (!line)
                return false;
        }
        auto number = parseInteger(*line);
        if (!number || *number < 0) {
            skipGeometry(Issue::Severity::Warning, {}, object.oid,
message("vct_expected_got", "{section} section, line {line}, OID {oid}: expected {what}, got '{text}'",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"what", *type == 1 ? "the number of rings" : "the sub-type 21 or 22"}, {"text", *line}})));
            return false;
        }
        if (*type == 1) {
            for (std::int64_t r = 0; r < *number; ++r) {
                auto ringType = data();
                if (!ringType)
                    return false;
                auto kind = parseInteger(*ringType);
                Path points;
                if (!kind) {
                    skipGeometry(Issue::Severity::Warning, {}, object.oid,
message("vct_not_ring_type", "{section} section, line {line}, OID {oid}: '{text}' is not a ring type",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"text", *ringType}})));
                    return false;
                }
                if (*kind == 13) { // circle: centre and radius
                    if (!readPoints(points, section, object.oid, 1) || points.size() < 2)
                        return false;
                    auto radiusLine = data();
                    auto radius = radiusLine ? parseDouble(*radiusLine) : std::nullopt;
                    if (!radius || *radius <= 0)
                        return false;
                    const double cx = points[0], cy = points[1];
                    points.clear();
                    for (int i = 0; i <= 360; ++i) {
                        const double a = (i % 360) * M_PI / 180.0;
                        points.push_back(cx + *radius * std::cos(a));
                        points.push_back(cy + *radius * std::sin(a));
                    }
                } else {
                    if (!readPoints(points, section, object.oid, 0))
                        return false;
                    if (*kind != 11)
                        report(Issue::Severity::Note, {}, object.oid,
                               message("vct_ring_type_as_polygon",
                                       "{section} section, line {line}, OID {oid}: ring type {ring_type} is read as the polygon through its points",
                                       place(section, m_reader.lineNumber(),
                                             {{"oid", oidText}, {"ring_type", *ringType}})));
                }
                object.parts.push_back(std::move(points));
            }
            return true;
        }
        object.indirectType = static_cast<int>(*number);
        if (object.indirectType != 21 && object.indirectType != 22) {
            skipGeometry(Issue::Severity::Warning, {}, object.oid,
message("vct_bad_sub_type", "{section} section, line {line}, OID {oid}: indirect polygon sub-type {text} is neither 21 (lines) nor 22 (polygons)",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"text", *line}})));
            return false;
        }
    }
    // The references of an indirect line or polygon: a count, then OIDs, several to a line.
    auto countLine = data();
    auto count = countLine ? parseInteger(*countLine) : std::nullopt;
    if (!count || *count < 0) {
        skipGeometry(Issue::Severity::Warning, {}, object.oid,
                     message("vct_object_problem", "{section} section, line {line}, OID {oid}: {problem}",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"problem", "expected the number of referenced OIDs"}})));
        return false;
    }
    while (static_cast<std::int64_t>(object.references.size()) < *count) {
        auto line = data();
        if (!line) {
            skipGeometry(Issue::Severity::Warning, {}, object.oid,
message("vct_references_truncated", "{section} section, line {line}, OID {oid}: the list of referenced OIDs is truncated ({done} of {count})",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"done", std::to_string(object.references.size())}, {"count", std::to_string(*count)}})));
            return false;
        }
        for (std::string_view token : split(*line, m_head.separator)) {
            if (token.empty())
                continue;
            auto reference = parseInteger(token);
            if (!reference) {
                skipGeometry(Issue::Severity::Warning, {}, object.oid,
message("vct_not_oid", "{section} section, line {line}, OID {oid}: '{text}' is not an OID",
                                 place(section, m_reader.lineNumber(), {{"oid", oidText}, {"text", std::string(token)}})));
                return false;
            }
            object.references.push_back(*reference);
        }
    }
    if (static_cast<std::int64_t>(object.references.size()) > *count)
        report(Issue::Severity::Warning, {}, object.oid,
               message("vct_more_references",
                       "{section} section, line {line}, OID {oid}: {count} OIDs listed where {announced} were announced; all are used",
                       place(section, m_reader.lineNumber(),
                             {{"oid", oidText}, {"count", std::to_string(object.references.size())},
                              {"announced", std::to_string(*count)}})));
    return true;
}

void VctParser::readObjects(const char* section, FeatureGeometry kind)
{
    const std::string endName =
        std::string(section).substr(0, std::strlen(section) - 5) + "End";
    const std::string endKeyword = upper(endName);
    const std::size_t start = m_reader.lineNumber();
    while (auto line = m_reader.next()) {
        if (isSectionKeyword(*line)) {
            if (upper(*line) == endKeyword)
                return;
            m_reader.pushBack(*line);
            break;
        }
        Object object;
        object.line = m_reader.lineNumber();
        object.section = section;
        object.kind = kind;
        auto oid = parseInteger(*line);
        if (!oid) {
            report(Issue::Severity::Warning, {}, -1,
                   message("vct_expected_oid",
                           "{section} section, line {line}: expected an object's OID, got '{text}'; skipped to the object's end",
                           place(section, object.line, {{"text", *line}})));
            if (*line != "0")
                skipToObjectEnd();
            continue;
        }
        object.oid = *oid;
        m_currentLayer.clear();
        const std::size_t reportedBefore = m_reportCount;
        const bool usable = readObject(object, section);
        if (!usable && m_reportCount == reportedBefore)
            skipGeometry(Issue::Severity::Warning, {}, object.oid,
                         message("vct_object_truncated",
                                 "{section} section, line {line}, OID {oid}: the object is truncated",
                                 place(section, m_reader.lineNumber(),
                                       {{"oid", std::to_string(object.oid)}})));
        // The object's end: a line "0".
        auto end = m_reader.next();
        if (end && *end != "0") {
            if (isSectionKeyword(*end)) {
                m_reader.pushBack(*end);
                report(Issue::Severity::Warning, layerOfCode(object.code), object.oid,
                       message("vct_object_no_end",
                               "{section} section, line {line}, OID {oid}: the object has no end line '0'",
                               place(section, m_reader.lineNumber(),
                                     {{"oid", std::to_string(object.oid)}})));
            } else {
                report(Issue::Severity::Warning, layerOfCode(object.code), object.oid,
                       message("vct_object_bad_end",
                               "{section} section, line {line}, OID {oid}: unexpected '{text}' where the object should end with '0'; skipped to its end",
                               place(section, m_reader.lineNumber(),
                                     {{"oid", std::to_string(object.oid)}, {"text", *end}})));
                skipToObjectEnd();
            }
        }
        m_currentLayer.clear();
        if (!usable)
            object.dropped = true;
        if (kind == FeatureGeometry::Line) {
            // OIDs may repeat across tables; that matters only where a polygon refers to one.
            if (!m_lineIndex.emplace(object.oid, m_objects.size()).second)
                m_ambiguousLines.insert(object.oid);
        }
        if (kind == FeatureGeometry::Polygon)
            m_polygonIndex.emplace(object.oid, m_objects.size());
        m_objects.push_back(std::move(object));
    }
    report(Issue::Severity::Warning, {}, -1,
           message("vct_section_truncated",
                   "{section} section, line {line}: the section is truncated (no '{end}' line)",
                   place(section, start, {{"end", endName}})));
}

// ---------------------------------------------------------------------------- attributes

void VctParser::readAttributes()
{
    const std::size_t start = m_reader.lineNumber();
    while (auto line = m_reader.next()) {
        if (equalsNoCase(*line, "AttributeEnd"))
            return;
        if (isSectionKeyword(*line)) {
            m_reader.pushBack(*line);
            break;
        }
        const std::string tableName = *line;
        const std::size_t tableLine = m_reader.lineNumber();
        const Table* table = nullptr;
        for (const Table& t : m_tables)
            if (equalsNoCase(t.name, tableName))
                table = &t;
        if (!table)
            report(Issue::Severity::Warning, tableName, -1,
                   message("vct_table_not_declared",
                           "{section} section, line {line}: table '{table}' is not in TableStructureBegin; its rows are left out",
                           place("AttributeBegin", tableLine, {{"table", tableName}})));
        auto& rows = m_rows[upper(tableName)];
        bool ended = false;
        while (auto row = m_reader.next()) {
            if (equalsNoCase(*row, "TableEnd")) {
                ended = true;
                break;
            }
            if (isSectionKeyword(*row)) {
                m_reader.pushBack(*row);
                break;
            }
            if (!table)
                continue;
            auto values = split(*row, m_head.separator);
            auto oid = parseInteger(values[0]);
            if (!oid) {
                report(Issue::Severity::Warning, table->name, -1,
                       message("vct_row_no_oid",
                               "{section} section, line {line}, table {table}: the row does not start with an OID ('{text}'); left out",
                               place("AttributeBegin", m_reader.lineNumber(),
                                     {{"table", table->name}, {"text", std::string(values[0])}})));
                continue;
            }
            if (values.size() - 1 != table->fields.size())
                report(Issue::Severity::Warning, table->name, *oid,
                       message(values.size() - 1 < table->fields.size() ? "vct_row_fewer_values"
                                                                         : "vct_row_more_values",
                               values.size() - 1 < table->fields.size()
                                   ? "{section} section, line {line}, table {table}, OID {oid}: the row has {count} values for {fields} fields; the missing ones are unknown"
                                   : "{section} section, line {line}, table {table}, OID {oid}: the row has {count} values for {fields} fields; the extra ones are left out",
                               place("AttributeBegin", m_reader.lineNumber(),
                                     {{"table", table->name}, {"oid", std::to_string(*oid)},
                                      {"count", std::to_string(values.size() - 1)},
                                      {"fields", std::to_string(table->fields.size())}})));
            AttributeRow parsed;
            parsed.line = m_reader.lineNumber();
            for (std::size_t i = 1; i < values.size() && i <= table->fields.size(); ++i)
                parsed.values.emplace_back(values[i]);
            if (!rows.emplace(*oid, std::move(parsed)).second)
                report(Issue::Severity::Warning, table->name, *oid,
                       message("vct_row_twice",
                               "{section} section, line {line}, table {table}: OID {oid} has a second row; the first is used",
                               place("AttributeBegin", m_reader.lineNumber(),
                                     {{"table", table->name}, {"oid", std::to_string(*oid)}})));
        }
        if (!ended)
            report(Issue::Severity::Warning, tableName, -1,
                   message("vct_table_truncated",
                           "{section} section, line {line}, table {table}: the table is truncated (no 'TableEnd')",
                           place("AttributeBegin", tableLine, {{"table", tableName}})));
    }
    report(Issue::Severity::Warning, {}, -1,
           message("vct_section_truncated",
                   "{section} section, line {line}: the section is truncated (no '{end}' line)",
                   place("AttributeBegin", start, {{"end", "AttributeEnd"}})));
}

// ------------------------------------------------------------------------------ geometry

bool samePoint(const double* a, const double* b)
{
    return std::fabs(a[0] - b[0]) <= 1e-7 && std::fabs(a[1] - b[1]) <= 1e-7;
}

double ringGap(const Path& ring)
{
    const std::size_t n = ring.size();
    return std::hypot(ring[0] - ring[n - 2], ring[1] - ring[n - 1]);
}

std::unique_ptr<OGRGeometry> VctParser::organize(std::vector<Path>& rings)
{
    std::vector<OGRGeometry*> polygons;
    for (const Path& ring : rings) {
        auto* linear = new OGRLinearRing();
        linear->setNumPoints(static_cast<int>(ring.size() / 2), FALSE);
        for (std::size_t i = 0; i < ring.size() / 2; ++i)
            linear->setPoint(static_cast<int>(i), ring[2 * i], ring[2 * i + 1]);
        auto* polygon = new OGRPolygon();
        polygon->addRingDirectly(linear);
        polygons.push_back(polygon);
    }
    if (polygons.empty())
        return nullptr;
    if (polygons.size() == 1)
        return std::unique_ptr<OGRGeometry>(polygons[0]);
    int valid = FALSE;
    return std::unique_ptr<OGRGeometry>(OGRGeometryFactory::organizePolygons(
        polygons.data(), static_cast<int>(polygons.size()), &valid, nullptr));
}

/// The rings of a polygon object: its own (direct), stitched from lines (21) or gathered from
/// other polygons (22). False when it cannot be built (reported).
bool VctParser::ringsOfPolygon(Object& object, int depth, std::vector<Path>& rings)
{
    const std::string layer = layerOfCode(object.code);
    auto here = [&](std::vector<MessagePart> more) {
        more.insert(more.begin(), {{"section", object.section},
                                   {"line", std::to_string(object.line)},
                                   {"oid", std::to_string(object.oid)}});
        return more;
    };
    if (object.indirectType == 0) {
        for (Path& ring : object.parts) {
            if (ring.size() < 6) {
                report(Issue::Severity::Warning, layer, object.oid,
                       message("vct_short_ring",
                               "{section} section, line {line}, OID {oid}: a ring of fewer than 3 points is left out",
                               here({})));
                continue;
            }
            if (!samePoint(&ring[0], &ring[ring.size() - 2])) {
                report(Issue::Severity::Warning, layer, object.oid,
                       message("vct_ring_not_closed",
                               "{section} section, line {line}, OID {oid}: ring is not closed (a gap of {gap}); read as closed",
                               here({{"gap", std::to_string(ringGap(ring))}})));
                ring.push_back(ring[0]);
                ring.push_back(ring[1]);
            }
            rings.push_back(ring);
        }
        return !rings.empty();
    }
    if (object.indirectType == 22) {
        // The polygons it is made of, each once however often and however deep it is named
        // (so references that loop, or name the same polygons again and again, cost nothing).
        const std::size_t self = static_cast<std::size_t>(&object - m_objects.data());
        std::vector<std::size_t> pending{self}, parts;
        std::unordered_set<std::size_t> seen{self};
        while (!pending.empty()) {
            const Object& current = m_objects[pending.back()];
            pending.pop_back();
            for (std::int64_t reference : current.references) {
                if (reference == 0)
                    continue;
                auto it = m_polygonIndex.find(referencedOid(reference));
                if (it == m_polygonIndex.end()) {
                    skipGeometry(Issue::Severity::Warning, layer, object.oid,
                                 message("vct_missing_polygon",
                                         "{section} section, line {line}, OID {oid} references polygon OID {ref}, which PolygonBegin does not hold",
                                         here({{"ref", std::to_string(referencedOid(reference))}})));
                    return false;
                }
                if (!seen.insert(it->second).second)
                    continue;
                if (m_objects[it->second].indirectType == 22)
                    pending.push_back(it->second);
                else
                    parts.push_back(it->second);
            }
        }
        for (std::size_t index : parts) {
            Object& part = m_objects[index];
            if (part.dropped || !ringsOfPolygon(part, depth + 1, rings)) {
                skipGeometry(Issue::Severity::Warning, layer, object.oid,
                             message("vct_polygon_unbuilt",
                                     "{section} section, line {line}, OID {oid} references polygon OID {ref}, which cannot be built",
                                     here({{"ref", std::to_string(part.oid)}})));
                return false;
            }
        }
        return !rings.empty();
    }
    // 21: stitch rings from lines; a negative OID is the line reversed.
    std::vector<Path> pieces;
    for (std::int64_t reference : object.references) {
        if (reference == 0)
            continue; // separates rings; the stitching finds them itself
        const std::int64_t oid = referencedOid(reference);
        auto it = m_lineIndex.find(oid);
        if (it == m_lineIndex.end()) {
            skipGeometry(Issue::Severity::Warning, layer, object.oid,
                         message("vct_missing_line",
                                 "{section} section, line {line}, OID {oid} references line OID {ref}, which LineBegin does not hold",
                                 here({{"ref", std::to_string(oid)}})));
            return false;
        }
        const Object& line = m_objects[it->second];
        m_referencedLines.insert(oid);
        if (m_ambiguousLines.count(oid))
            report(Issue::Severity::Warning, layer, object.oid,
                   message("vct_line_twice",
                           "{section} section, line {line}, OID {oid} references line OID {ref}, which LineBegin holds more than once; the first is used",
                           here({{"ref", std::to_string(oid)}})));
        if (line.dropped || line.parts.empty()) {
            skipGeometry(Issue::Severity::Warning, layer, object.oid,
                         message("vct_line_unread",
                                 "{section} section, line {line}, OID {oid} references line OID {ref}, which could not be read",
                                 here({{"ref", std::to_string(oid)}})));
            return false;
        }
        Path piece;
        for (const Path& part : line.parts)
            piece.insert(piece.end(), part.begin(), part.end());
        if (reference < 0) {
            Path reversed;
            reversed.reserve(piece.size());
            for (std::size_t i = piece.size(); i >= 2; i -= 2) {
                reversed.push_back(piece[i - 2]);
                reversed.push_back(piece[i - 1]);
            }
            piece = std::move(reversed);
        }
        if (piece.size() >= 4)
            pieces.push_back(std::move(piece));
    }
    std::vector<bool> used(pieces.size(), false);
    std::size_t remaining = pieces.size();
    bool ok = true;
    while (remaining > 0) {
        std::size_t first = 0;
        while (used[first])
            ++first;
        used[first] = true;
        --remaining;
        Path ring = pieces[first];
        // Add the piece that continues the ring (in the order given, else any, else reversed)
        // until it closes or nothing continues it.
        while (!samePoint(&ring[0], &ring[ring.size() - 2]) && remaining > 0) {
            const double* end = &ring[ring.size() - 2];
            std::size_t found = pieces.size();
            bool reverse = false;
            for (std::size_t i = 0; i < pieces.size() && found == pieces.size(); ++i)
                if (!used[i] && samePoint(&pieces[i][0], end))
                    found = i;
            for (std::size_t i = 0; i < pieces.size() && found == pieces.size(); ++i)
                if (!used[i] && samePoint(&pieces[i][pieces[i].size() - 2], end)) {
                    found = i;
                    reverse = true;
                }
            if (found == pieces.size())
                break;
            used[found] = true;
            --remaining;
            const Path& piece = pieces[found];
            if (!reverse)
                ring.insert(ring.end(), piece.begin() + 2, piece.end());
            else
                for (std::size_t i = piece.size() - 2; i >= 2; i -= 2) {
                    ring.push_back(piece[i - 2]);
                    ring.push_back(piece[i - 1]);
                }
        }
        if (!samePoint(&ring[0], &ring[ring.size() - 2])) {
            skipGeometry(Issue::Severity::Warning, layer, object.oid,
                         message("vct_lines_not_closed",
                                 "{section} section, line {line}, OID {oid}: its lines do not close a ring (a gap of {gap} between the ends)",
                                 here({{"gap", std::to_string(ringGap(ring))}})));
            ok = false;
            continue;
        }
        ring[ring.size() - 2] = ring[0];
        ring[ring.size() - 1] = ring[1];
        if (ring.size() >= 8)
            rings.push_back(std::move(ring));
    }
    return ok && !rings.empty();
}

std::unique_ptr<OGRGeometry> VctParser::buildPolygon(Object& object, int depth)
{
    std::vector<Path> rings;
    if (!ringsOfPolygon(object, depth, rings)) {
        if (object.indirectType == 0 && rings.empty())
            skipGeometry(Issue::Severity::Warning, layerOfCode(object.code), object.oid,
                         message("vct_object_problem", "{section} section, line {line}, OID {oid}: {problem}",
                                 place(object.section, object.line, {{"oid", std::to_string(object.oid)}, {"problem", "the polygon has no usable ring"}})));
        return nullptr;
    }
    return organize(rings);
}

std::unique_ptr<OGRGeometry> VctParser::buildLine(const Object& object)
{
    std::vector<Path> parts = object.parts;
    if (object.indirectType == 100) {
        Path path;
        for (std::int64_t reference : object.references) {
            auto it = m_lineIndex.find(referencedOid(reference));
            if (reference == 0 || it == m_lineIndex.end() ||
                m_objects[it->second].indirectType == 100) {
                skipGeometry(Issue::Severity::Warning, layerOfCode(object.code), object.oid,
                             message("vct_missing_direct_line",
                                     "{section} section, line {line}, OID {oid} references line OID {ref}, which LineBegin does not hold as a direct line",
                                     place(object.section, object.line,
                                           {{"oid", std::to_string(object.oid)},
                                            {"ref", std::to_string(referencedOid(reference))}})));
                return nullptr;
            }
            Path piece;
            for (const Path& part : m_objects[it->second].parts)
                piece.insert(piece.end(), part.begin(), part.end());
            if (reference < 0) {
                Path reversed;
                for (std::size_t i = piece.size(); i >= 2; i -= 2) {
                    reversed.push_back(piece[i - 2]);
                    reversed.push_back(piece[i - 1]);
                }
                piece = std::move(reversed);
            }
            if (!path.empty() && piece.size() >= 2 && samePoint(&piece[0], &path[path.size() - 2]))
                path.insert(path.end(), piece.begin() + 2, piece.end());
            else
                path.insert(path.end(), piece.begin(), piece.end());
        }
        parts = {path};
    }
    std::vector<std::unique_ptr<OGRLineString>> lines;
    for (const Path& part : parts) {
        if (part.size() < 4)
            continue;
        auto line = std::make_unique<OGRLineString>();
        line->setNumPoints(static_cast<int>(part.size() / 2), FALSE);
        for (std::size_t i = 0; i < part.size() / 2; ++i)
            line->setPoint(static_cast<int>(i), part[2 * i], part[2 * i + 1]);
        lines.push_back(std::move(line));
    }
    if (lines.empty()) {
        skipGeometry(Issue::Severity::Warning, layerOfCode(object.code), object.oid,
                     message("vct_object_problem", "{section} section, line {line}, OID {oid}: {problem}",
                                 place(object.section, object.line, {{"oid", std::to_string(object.oid)}, {"problem", "the line has fewer than 2 points"}})));
        return nullptr;
    }
    if (lines.size() == 1)
        return std::move(lines[0]);
    auto multi = std::make_unique<OGRMultiLineString>();
    for (auto& line : lines)
        multi->addGeometryDirectly(line.release());
    return multi;
}

void VctParser::buildGeometries()
{
    for (Object& object : m_objects) {
        if (object.dropped)
            continue;
        switch (object.kind) {
        case FeatureGeometry::Point:
        case FeatureGeometry::Annotation:
            if (object.parts.size() == 1) {
                object.geometry =
                    std::make_unique<OGRPoint>(object.parts[0][0], object.parts[0][1]);
            } else if (object.parts.size() > 1) {
                auto multi = std::make_unique<OGRMultiPoint>();
                for (const Path& p : object.parts)
                    multi->addGeometryDirectly(new OGRPoint(p[0], p[1]));
                object.geometry = std::move(multi);
            }
            break;
        case FeatureGeometry::Line:
            // Lines whose feature code names no table are boundaries only: built when used.
            if (m_codes.count(object.code))
                object.geometry = buildLine(object);
            break;
        case FeatureGeometry::Polygon:
            object.geometry = buildPolygon(object, 0);
            break;
        default:
            break;
        }
        if (!object.geometry && m_codes.count(object.code))
            object.dropped = true;
    }
}

// ------------------------------------------------------------------------------- dataset

std::optional<std::array<int, 3>> parseYmd(std::string_view text)
{
    std::string digits;
    for (char c : text)
        if (std::isdigit(static_cast<unsigned char>(c)))
            digits += c;
        else if (c != '-' && c != '/' && c != '.' && c != ' ' && c != ':' && c != 'T')
            return std::nullopt;
    if (digits.size() < 8)
        return std::nullopt;
    const int y = std::stoi(digits.substr(0, 4));
    const int m = std::stoi(digits.substr(4, 2));
    const int d = std::stoi(digits.substr(6, 2));
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > 31)
        return std::nullopt;
    return std::array<int, 3>{y, m, d};
}

struct Layout {
    std::string name;
    const Table* table = nullptr;
    std::vector<std::string> codes;
    FeatureGeometry geometry = FeatureGeometry::None;
};

GDALDatasetUniquePtr VctParser::buildDataset()
{
    // GDAL 3.6 keeps vector data in memory with its "Memory" driver (MEM took it over in 3.11).
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("Memory");
    if (!driver)
        driver = GetGDALDriverManager()->GetDriverByName("MEM");
    if (!driver)
        throw IoError("GDAL's in-memory vector driver is missing", {m_path, {}, -1, {}});
    GDALDatasetUniquePtr dataset(driver->Create("", 0, 0, 0, GDT_Unknown, nullptr));
    if (!dataset)
        throw IoError("cannot create an in-memory dataset", {m_path, {}, -1, {}});
    dataset->SetMetadataItem("PARKATLAS_FORMAT", "VCT");
    dataset->SetMetadataItem("VCT_DATAMARK", m_head.dataMark.c_str());
    dataset->SetMetadataItem("VCT_VERSION", m_head.version.c_str());

    // Layers: every table of the structure, then the tables that only feature codes name.
    std::vector<Layout> layouts;
    auto layoutOf = [&](const std::string& name) -> Layout& {
        for (Layout& l : layouts)
            if (equalsNoCase(l.name, name))
                return l;
        layouts.push_back({name, nullptr, {}, FeatureGeometry::None});
        return layouts.back();
    };
    for (const Table& table : m_tables)
        layoutOf(table.name).table = &table;
    for (const std::string& code : m_codeOrder) {
        const FeatureCode& fc = m_codes.at(code);
        if (fc.geometry == FeatureGeometry::Unsupported)
            continue;
        Layout& layout = layoutOf(fc.table);
        if (layout.geometry == FeatureGeometry::None)
            layout.geometry = fc.geometry;
        if (fc.geometry != FeatureGeometry::None && fc.geometry != layout.geometry) {
            report(Issue::Severity::Warning, layout.name, -1,
                   message("vct_mixed_geometry_types",
                           "feature codes of table '{table}' declare different geometry types; its features of code {code} are left out",
                           {{"table", layout.name}, {"code", code}}));
            continue;
        }
        layout.codes.push_back(code);
        if (!layout.table)
            report(Issue::Severity::Warning, layout.name, -1,
                   message("vct_code_table_missing",
                           "feature code {code} names table '{table}', which TableStructureBegin does not declare: the layer has no fields",
                           {{"code", code}, {"table", fc.table}}));
    }
    // Undeclared feature codes: lines that only bound polygons are expected; anything else is
    // kept in a layer named after its code.
    std::map<std::string, std::size_t> undeclared;
    for (const Object& object : m_objects)
        if (!m_codes.count(object.code) &&
            !(object.kind == FeatureGeometry::Line && m_referencedLines.count(object.oid)))
            ++undeclared[object.code + "\x1f" + std::to_string(static_cast<int>(object.kind))];
    for (const auto& [key, count] : undeclared) {
        const std::string code = key.substr(0, key.find('\x1f'));
        const auto kind = static_cast<FeatureGeometry>(std::stoi(key.substr(key.find('\x1f') + 1)));
        FeatureCode fc;
        fc.code = code;
        fc.table = code.empty() ? std::string("unnamed") : code;
        fc.geometry = kind;
        report(Issue::Severity::Warning, fc.table, -1,
               message("vct_code_undeclared",
                       "{count} objects have feature code '{code}', which FeatureCodeBegin does not declare; kept in a layer '{table}' without fields",
                       {{"count", std::to_string(count)}, {"code", code}, {"table", fc.table}}));
        m_codes.emplace(code, fc);
        Layout& layout = layoutOf(fc.table);
        layout.codes.push_back(code);
        if (layout.geometry == FeatureGeometry::None)
            layout.geometry = kind;
    }
    // Undeclared lines that turn out to be wanted (not only boundaries) need their geometry.
    for (Object& object : m_objects)
        if (object.kind == FeatureGeometry::Line && !object.dropped && !object.geometry &&
            undeclared.count(object.code + "\x1f" +
                             std::to_string(static_cast<int>(FeatureGeometry::Line))))
            object.geometry = buildLine(object);

    std::vector<Message> crsWarnings;
    Envelope extent;
    for (const Object& object : m_objects)
        for (const Path& part : object.parts)
            for (std::size_t i = 0; i + 1 < part.size(); i += 2)
                extent.expand(part[i], part[i + 1]);
    m_head.crs = crsFromVctHead(m_head, extent.isEmpty() ? 0 : extent.minX,
                                extent.isEmpty() ? 0 : extent.maxX, crsWarnings);
    for (const Message& warning : crsWarnings)
        report(Issue::Severity::Warning, {}, -1,
               message("vct_head_says", "the head: {text}",
                       withNested({}, "text", warning.english, warning.id, warning.parts)));
    OGRSpatialReference* srs = nullptr;
    if (!m_head.crs.isEmpty()) {
        srs = m_head.crs.ogr()->Clone();
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }

    for (const Layout& layout : layouts) {
        // Which objects go here, and how their geometries look.
        std::set<std::string> codes(layout.codes.begin(), layout.codes.end());
        bool multi = false;
        for (const Object& object : m_objects)
            if (codes.count(object.code) && object.geometry &&
                OGR_GT_IsSubClassOf(object.geometry->getGeometryType(), wkbGeometryCollection))
                multi = true;
        OGRwkbGeometryType type = wkbNone;
        switch (layout.geometry) {
        case FeatureGeometry::Point:
        case FeatureGeometry::Annotation:
            type = multi ? wkbMultiPoint : wkbPoint;
            break;
        case FeatureGeometry::Line:
            type = multi ? wkbMultiLineString : wkbLineString;
            break;
        case FeatureGeometry::Polygon:
            type = multi ? wkbMultiPolygon : wkbPolygon;
            break;
        default:
            type = wkbNone;
        }
        if (layout.table && layout.table->noGeometry)
            type = wkbNone;
        OGRLayer* layer = dataset->CreateLayer(layout.name.c_str(), type == wkbNone ? nullptr : srs,
                                               type, nullptr);
        if (!layer)
            throw IoError("cannot create the in-memory layer '" + layout.name + "'",
                          {m_path, layout.name, -1, {}});
        if (!layout.codes.empty()) {
            const FeatureCode& fc = m_codes.at(layout.codes.front());
            layer->SetMetadataItem("VCT_FEATURE_CODE", fc.code.c_str());
            layer->SetMetadataItem("VCT_GEOMETRY", fc.geometryText.c_str());
            if (!fc.name.empty())
                layer->SetMetadataItem("DESCRIPTION", fc.name.c_str());
        }
        std::vector<TableField> fields;
        if (layout.table)
            fields = layout.table->fields;
        for (const TableField& field : fields) {
            OGRFieldType ogrType = OFTString;
            OGRFieldSubType subType = OFSTNone;
            switch (field.kind) {
            case FieldKind::Text:
                ogrType = OFTString;
                break;
            case FieldKind::Integer:
                ogrType = OFTInteger;
                break;
            case FieldKind::Integer64:
                ogrType = OFTInteger64;
                break;
            case FieldKind::Real:
                ogrType = OFTReal;
                break;
            case FieldKind::Date:
                ogrType = OFTDate;
                break;
            case FieldKind::Time:
                ogrType = OFTTime;
                break;
            case FieldKind::DateTime:
                ogrType = OFTDateTime;
                break;
            case FieldKind::Boolean:
                ogrType = OFTInteger;
                subType = OFSTBoolean;
                break;
            case FieldKind::Binary:
                ogrType = OFTBinary;
                break;
            }
            OGRFieldDefn definition(field.name.c_str(), ogrType);
            definition.SetSubType(subType);
            if (field.kind == FieldKind::Text || field.kind == FieldKind::Real)
                definition.SetWidth(field.width);
            if (field.kind == FieldKind::Real)
                definition.SetPrecision(field.precision);
            layer->CreateField(&definition);
        }
        int textField = -1;
        if (layout.geometry == FeatureGeometry::Annotation) {
            textField = layer->GetLayerDefn()->GetFieldIndex("text");
            if (textField < 0) {
                OGRFieldDefn text("text", OFTString);
                layer->CreateField(&text);
                textField = layer->GetLayerDefn()->GetFieldCount() - 1;
            }
            OGRFieldDefn angle("angle", OFTReal);
            if (layer->GetLayerDefn()->GetFieldIndex("angle") < 0)
                layer->CreateField(&angle);
        }
        const int angleField = layout.geometry == FeatureGeometry::Annotation
                                   ? layer->GetLayerDefn()->GetFieldIndex("angle")
                                   : -1;

        auto rowsIt = m_rows.find(upper(layout.name));
        std::map<std::int64_t, AttributeRow> noRows;
        auto& rows = rowsIt == m_rows.end() ? noRows : rowsIt->second;
        std::unordered_set<std::int64_t> written;
        std::size_t withoutRow = 0;
        auto fill = [&](OGRFeature& feature, const AttributeRow& row, std::int64_t oid) {
            for (std::size_t i = 0; i < row.values.size() && i < fields.size(); ++i) {
                const std::string& value = row.values[i];
                if (value.empty())
                    continue;
                const TableField& field = fields[i];
                const int index = static_cast<int>(i);
                auto bad = [&](const char* what) {
                    report(Issue::Severity::Warning, layout.name, oid,
                           message("vct_bad_value",
                                   "{section} section, line {line}, table {table}, OID {oid}, field {field}: '{value}' is not {what}; the value is unknown",
                                   place("AttributeBegin", row.line,
                                         {{"table", layout.name}, {"oid", std::to_string(oid)},
                                          {"field", field.name}, {"value", value}, {"what", what}})));
                };
                switch (field.kind) {
                case FieldKind::Integer:
                case FieldKind::Integer64:
                    if (auto v = parseInteger(value))
                        feature.SetField(index, static_cast<GIntBig>(*v));
                    else
                        bad("a whole number");
                    break;
                case FieldKind::Boolean: {
                    const std::string u = upper(value);
                    if (u == "1" || u == "T" || u == "TRUE" || u == "Y" || u == "是")
                        feature.SetField(index, 1);
                    else if (u == "0" || u == "F" || u == "FALSE" || u == "N" || u == "否")
                        feature.SetField(index, 0);
                    else
                        bad("a boolean");
                    break;
                }
                case FieldKind::Real:
                    if (auto v = parseDouble(value))
                        feature.SetField(index, *v);
                    else
                        bad("a number");
                    break;
                case FieldKind::Date:
                case FieldKind::DateTime: {
                    auto ymd = parseYmd(value);
                    if (!ymd) {
                        bad("a date (yyyymmdd)");
                        break;
                    }
                    int hh = 0, mm = 0, ss = 0;
                    std::string digits;
                    for (char c : value)
                        if (std::isdigit(static_cast<unsigned char>(c)))
                            digits += c;
                    if (field.kind == FieldKind::DateTime && digits.size() >= 14) {
                        hh = std::stoi(digits.substr(8, 2));
                        mm = std::stoi(digits.substr(10, 2));
                        ss = std::stoi(digits.substr(12, 2));
                    }
                    feature.SetField(index, (*ymd)[0], (*ymd)[1], (*ymd)[2], hh, mm,
                                     static_cast<float>(ss), 0);
                    break;
                }
                case FieldKind::Time:
                case FieldKind::Text:
                    feature.SetField(index, value.c_str());
                    break;
                case FieldKind::Binary: {
                    int bytes = 0;
                    GByte* binary = CPLHexToBinary(value.c_str(), &bytes);
                    feature.SetField(index, bytes, binary);
                    CPLFree(binary);
                    break;
                }
                }
            }
        };
        for (Object& object : m_objects) {
            if (!codes.count(object.code))
                continue;
            if (object.kind == FeatureGeometry::Line && !m_codes.count(object.code))
                continue;
            OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            const bool duplicate = !written.insert(object.oid).second;
            if (duplicate)
                report(Issue::Severity::Warning, layout.name, object.oid,
                       message("vct_oid_twice",
                               "{section} section, line {line}: OID {oid} is used twice in table {table}; the second one gets a new feature id and no attributes",
                               place(object.section, object.line,
                                     {{"oid", std::to_string(object.oid)}, {"table", layout.name}})));
            else
                feature->SetFID(object.oid);
            if (object.geometry && type != wkbNone) {
                // Each object goes to one layer: its geometry moves there.
                OGRGeometry* geometry = object.geometry.release();
                if (srs)
                    geometry->assignSpatialReference(srs);
                if (multi && !OGR_GT_IsSubClassOf(geometry->getGeometryType(),
                                                   wkbGeometryCollection))
                    geometry = type == wkbMultiPolygon
                                   ? OGRGeometryFactory::forceToMultiPolygon(geometry)
                               : type == wkbMultiLineString
                                   ? OGRGeometryFactory::forceToMultiLineString(geometry)
                                   : OGRGeometryFactory::forceToMultiPoint(geometry);
                feature->SetGeometryDirectly(geometry);
            }
            if (textField >= 0)
                feature->SetField(textField, object.text.c_str());
            if (angleField >= 0 && object.angle)
                feature->SetField(angleField, *object.angle);
            if (!duplicate) {
                if (auto row = rows.find(object.oid); row != rows.end())
                    fill(*feature, row->second, object.oid);
                else if (layout.table && !layout.table->fields.empty())
                    ++withoutRow;
            }
            if (layer->CreateFeature(feature.get()) != OGRERR_NONE)
                report(Issue::Severity::Error, layout.name, object.oid,
                       message("vct_cannot_keep_feature", "cannot keep the feature: {reason}",
                               {{"reason", std::string(CPLGetLastErrorMsg())}}));
        }
        // Rows with no geometry: the features of an attribute-only table, or rows whose object
        // is missing (kept, with no geometry, and said).
        std::size_t orphans = 0;
        std::int64_t firstOrphan = 0;
        for (const auto& [oid, row] : rows) {
            if (written.count(oid))
                continue;
            if (type != wkbNone && orphans++ == 0)
                firstOrphan = oid;
            OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            feature->SetFID(oid);
            fill(*feature, row, oid);
            if (layer->CreateFeature(feature.get()) != OGRERR_NONE)
                report(Issue::Severity::Error, layout.name, oid,
                       message("vct_cannot_keep_row", "cannot keep the row: {reason}",
                               {{"reason", std::string(CPLGetLastErrorMsg())}}));
        }
        if (orphans > 0)
            report(Issue::Severity::Warning, layout.name, firstOrphan,
                   message("vct_rows_without_object",
                           "{count} attribute rows of table {table} (the first OID {oid}) have no geometry object; kept without geometry",
                           {{"count", std::to_string(orphans)}, {"table", layout.name},
                            {"oid", std::to_string(firstOrphan)}}));
        if (withoutRow > 0)
            report(Issue::Severity::Warning, layout.name, -1,
                   message("vct_features_without_row",
                           "{count} features of table {table} have no attribute row; their fields are unknown",
                           {{"count", std::to_string(withoutRow)}, {"table", layout.name}}));
    }
    if (srs)
        srs->Release();
    return dataset;
}

GDALDatasetUniquePtr VctParser::run(VctHead* headOut)
{
    readHead();
    while (auto line = m_reader.next()) {
        const std::string keyword = upper(*line);
        if (keyword == "FEATURECODEBEGIN")
            readFeatureCodes();
        else if (keyword == "TABLESTRUCTUREBEGIN")
            readTableStructures();
        else if (keyword == "POINTBEGIN")
            readObjects("PointBegin", FeatureGeometry::Point);
        else if (keyword == "LINEBEGIN")
            readObjects("LineBegin", FeatureGeometry::Line);
        else if (keyword == "POLYGONBEGIN")
            readObjects("PolygonBegin", FeatureGeometry::Polygon);
        else if (keyword == "ANNOTATIONBEGIN")
            readObjects("AnnotationBegin", FeatureGeometry::Annotation);
        else if (keyword == "ATTRIBUTEBEGIN")
            readAttributes();
        else if (isSectionKeyword(*line) && keyword.size() > 5 &&
                 keyword.compare(keyword.size() - 5, 5, "BEGIN") == 0) {
            if (keyword != "STYLEBEGIN" && keyword != "TOPOLOGYBEGIN")
                report(Issue::Severity::Note, {}, -1,
                       message("vct_section_not_read",
                               "{section} section, line {line}: this section is not read",
                               place(*line, m_reader.lineNumber())));
            skipSection(*line);
        } else {
            report(Issue::Severity::Warning, {}, -1,
                   message("vct_outside_section",
                           "line {line}: '{text}' stands outside any section; ignored",
                           {{"line", std::to_string(m_reader.lineNumber())},
                            {"text", line->substr(0, 60)}}));
        }
    }
    if (m_reader.sawBadText())
        report(Issue::Severity::Warning, {}, -1,
               message("vct_bad_text",
                       "line {line} (and maybe others): text that is not valid in the chosen "
                       "encoding; broken bytes are shown as \xEF\xBF\xBD. Try --encoding",
                       {{"line", std::to_string(m_reader.badTextLine())}}));
    if (m_codes.empty() && m_tables.empty() && m_objects.empty())
        report(Issue::Severity::Warning, {}, -1,
               message("vct_nothing_in_file",
                       "the file has a head but no feature codes, tables or objects"));
    buildGeometries();
    GDALDatasetUniquePtr dataset = buildDataset();
    if (headOut)
        *headOut = m_head;
    return dataset;
}

} // namespace

bool isVctFile(const std::string& path)
{
    VSILFILE* file = VSIFOpenL(path.c_str(), "rb");
    if (!file)
        return false;
    char buffer[4096];
    const std::size_t got = VSIFReadL(buffer, 1, sizeof buffer, file);
    VSIFCloseL(file);
    std::string_view text(buffer, got);
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    return text.size() >= 9 && equalsNoCase(text.substr(0, 9), "HeadBegin") &&
           (text.size() == 9 || std::isspace(static_cast<unsigned char>(text[9])));
}

EncodingChoice chooseVctEncoding(const std::string& path, const std::string& userEncoding)
{
    if (!userEncoding.empty())
        return {userEncoding, EncodingChoice::Origin::User, "given by the user"};
    VSILFILE* file = VSIFOpenL(path.c_str(), "rb");
    if (!file)
        throw IoError("cannot open the file", {path, {}, -1, {}});
    constexpr std::size_t kSample = 2 << 20;
    std::string sample(kSample, '\0');
    sample.resize(VSIFReadL(sample.data(), 1, kSample, file));
    const bool bom = sample.substr(0, 3) == "\xEF\xBB\xBF";
    // The attribute text sits at the end of the file.
    VSIFSeekL(file, 0, SEEK_END);
    const vsi_l_offset size = VSIFTellL(file);
    if (size > 2 * kSample) {
        std::string tail(kSample, '\0');
        VSIFSeekL(file, size - kSample, SEEK_SET);
        tail.resize(VSIFReadL(tail.data(), 1, kSample, file));
        // Start after the first line break, so no character is cut in half.
        const std::size_t at = tail.find('\n');
        sample += "\n";
        sample += at == std::string::npos ? std::string() : tail.substr(at + 1);
    } else if (size > kSample) {
        std::string rest(size - kSample, '\0');
        rest.resize(VSIFReadL(rest.data(), 1, rest.size(), file));
        sample += rest;
    }
    VSIFCloseL(file);
    // A sample cut in the middle of a line may end in half a character: drop the last line.
    if (size > sample.size())
        if (const std::size_t at = sample.rfind('\n'); at != std::string::npos)
            sample.resize(at);
    if (isAscii(sample))
        return {"CP936", EncodingChoice::Origin::AsciiOnly, "all text is ASCII"};
    if (isValidUtf8(sample))
        return {"UTF-8", EncodingChoice::Origin::Detected,
                bom ? "the file starts with a UTF-8 byte-order mark"
                    : "the text is valid multi-byte UTF-8 (GBK text almost never is)"};
    EncodingChoice detected = detectEncoding(sample);
    const Message bomSaid = bom ? message("vct_bom_not_utf8",
                                          "a UTF-8 byte-order mark, but the text is not UTF-8; ")
                                : Message{};
    const Message detail = detected.reasonMessage();
    std::vector<MessagePart> parts = withNested({}, "bom", bomSaid.english, bomSaid.id,
                                                bomSaid.parts);
    parts = withNested(std::move(parts), "detail", detail.english, detail.id, detail.parts);
    if (detected.name == "CP936" || detected.name == "GB18030") {
        detected.setReason(
            message("vct_written_in_gbk", "{bom}VCT files are written in GBK; {detail}", parts));
        return detected;
    }
    parts.push_back({"encoding", detected.name});
    EncodingChoice gbk{"CP936", EncodingChoice::Origin::Detected, {}};
    gbk.setReason(message("vct_gbk_not_detected",
                          "{bom}VCT files are written in GBK (the bytes alone suggest "
                          "{encoding}: {detail})",
                          parts));
    gbk.uncertain = true;
    return gbk;
}

GDALDatasetUniquePtr readVct(const std::string& path, const EncodingChoice& encoding,
                             IssueSink& issues, VctHead* head)
{
    ensureGdal();
    VSIStatBufL stat;
    if (VSIStatL(path.c_str(), &stat) != 0)
        throw IoError("no such file", {path, {}, -1, {}});
    if (VSI_ISREG(stat.st_mode) && stat.st_size == 0)
        throw IoError("the file is empty (0 bytes)", {path, {}, -1, {}});
    EncodingChoice chosen = encoding;
    if (chosen.name.empty())
        chosen = chooseVctEncoding(path);
    VctParser parser(path, chosen, issues);
    return parser.run(head);
}

// ----------------------------------------------------------------------------------- CRS

namespace {

struct DatumGuess {
    std::optional<ChineseDatum> datum;
    double semiMajor = 0;
    double inverseFlattening = 0;
};

DatumGuess datumOf(const std::string& spheroid)
{
    DatumGuess guess;
    const auto parts = split(spheroid, ',');
    if (parts.size() >= 3) {
        guess.semiMajor = parseDouble(parts[1]).value_or(0);
        guess.inverseFlattening = parseDouble(parts[2]).value_or(0);
    }
    const double a = guess.semiMajor, rf = guess.inverseFlattening;
    if (std::fabs(a - 6378137.0) < 0.5 && std::fabs(rf - 298.257222101) < 1e-6)
        guess.datum = ChineseDatum::Cgcs2000;
    else if (std::fabs(a - 6378140.0) < 0.5 && std::fabs(rf - 298.257) < 1e-3)
        guess.datum = ChineseDatum::Xian1980;
    else if (std::fabs(a - 6378245.0) < 0.5 && std::fabs(rf - 298.3) < 1e-3)
        guess.datum = ChineseDatum::Beijing1954;
    if (guess.datum || a > 0)
        return guess;
    const std::string name = upper(parts.empty() ? std::string_view() : parts[0]);
    if (name.find("2000") != std::string::npos)
        guess.datum = ChineseDatum::Cgcs2000;
    else if (name.find("80") != std::string::npos || name.find("XIAN") != std::string::npos ||
             name.find("西安") != std::string::npos || name.find("IAG") != std::string::npos)
        guess.datum = ChineseDatum::Xian1980;
    else if (name.find("54") != std::string::npos || name.find("BEIJING") != std::string::npos ||
             name.find("北京") != std::string::npos || name.find("KRAS") != std::string::npos)
        guess.datum = ChineseDatum::Beijing1954;
    return guess;
}

int geographicEpsg(ChineseDatum datum)
{
    switch (datum) {
    case ChineseDatum::Cgcs2000:
        return 4490;
    case ChineseDatum::Xian1980:
        return 4610;
    case ChineseDatum::Beijing1954:
        return 4214;
    }
    return 4490;
}

} // namespace

Crs crsFromVctHead(VctHead& head, double minX, double maxX, std::vector<Message>& warnings)
{
    head.crsReason.clear();
    if (head.coordinateSystemType == 'C') {
        head.crsReason = "the head says the coordinates are Cartesian (CoordinateSystemType:C)";
        return {};
    }
    const DatumGuess datum = datumOf(head.spheroid);
    if (!datum.datum && datum.semiMajor <= 0) {
        warnings.push_back(message("vct_head_no_spheroid",
                                   "the head names no spheroid we know ('{spheroid}'); the "
                                   "layers have no coordinate system",
                                   {{"spheroid", head.spheroid}}));
        head.crsReason = "the head names no spheroid we know ('" + head.spheroid + "')";
        return {};
    }
    auto customGeographic = [&]() {
        OGRSpatialReference srs;
        if (datum.datum)
            srs.importFromEPSG(geographicEpsg(*datum.datum));
        else
            srs.SetGeogCS(head.spheroid.c_str(), head.spheroid.c_str(), head.spheroid.c_str(),
                          datum.semiMajor, datum.inverseFlattening);
        return srs;
    };
    if (head.coordinateSystemType == 'D') {
        if (datum.datum) {
            head.crsReason = std::string("geodetic coordinates on ") + toString(*datum.datum);
            return Crs::fromEpsg(geographicEpsg(*datum.datum));
        }
        OGRSpatialReference srs = customGeographic();
        head.crsReason = "geodetic coordinates on the spheroid of the head";
        return Crs::fromOgr(&srs);
    }
    // Projected: Gauss-Krüger (transverse Mercator) is what Chinese surveys use.
    const std::string projection = upper(head.projection);
    const bool gaussKruger = projection.find("高斯") != std::string::npos ||
                             projection.find("GAUSS") != std::string::npos ||
                             projection.find("TRANSVERSE") != std::string::npos ||
                             projection.find("横轴墨卡托") != std::string::npos ||
                             projection.find("TM") == 0 || projection.find("UTM") != std::string::npos;
    // A name that did not decode (the wrong encoding) still has Gauss-Krüger's parameters.
    const bool unreadable = head.projection.find("\xEF\xBF\xBD") != std::string::npos;
    if (!gaussKruger && unreadable)
        warnings.push_back(message("vct_head_projection_unreadable",
                                   "the projection's name cannot be read in this text encoding; "
                                   "its parameters are taken as Gauss-Krüger's"));
    if (!gaussKruger && !unreadable) {
        head.crsReason = "the projection '" + head.projection + "' is not Gauss-Krüger";
        warnings.push_back(message("vct_head_not_gauss_kruger",
                                   "the projection '{projection}' is not Gauss-Krüger; the layers "
                                   "have no coordinate system",
                                   {{"projection", head.projection}}));
        return {};
    }
    std::vector<double> p;
    for (std::string_view part : split(head.parameters, ','))
        if (auto v = parseDouble(part))
            p.push_back(*v);
        else if (!part.empty())
            p.push_back(std::nan(""));
    if (p.empty() || !std::isfinite(p[0])) {
        head.crsReason = "the head gives no central meridian (Parameters:'" + head.parameters + "')";
        warnings.push_back(message("vct_head_no_central_meridian",
                                   "the head gives no central meridian (Parameters:'{parameters}'); "
                                   "the layers have no coordinate system",
                                   {{"parameters", head.parameters}}));
        return {};
    }
    double centralMeridian = p[0];
    if (std::fabs(centralMeridian) >= 1e7) {
        head.crsReason = "the central meridian " + head.parameters + " makes no sense";
        warnings.push_back(message("vct_head_bad_central_meridian",
                                   "the central meridian {parameters} makes no sense; the layers "
                                   "have no coordinate system",
                                   {{"parameters", head.parameters}}));
        return {};
    }
    if (centralMeridian >= 1000) { // DDDMMSS
        const double d = std::floor(centralMeridian / 10000);
        const double m = std::floor((centralMeridian - d * 10000) / 100);
        centralMeridian = d + m / 60 + (centralMeridian - d * 10000 - m * 100) / 3600;
    }
    // <CM>,<k>,<FE>,<FN>[,<zone width>,<zone>]; some writers put the origin latitude second.
    std::size_t k = 1;
    if (p.size() >= 5 && p[1] == 0 && p[2] > 0.9 && p[2] <= 1.0)
        k = 2;
    const double scale = p.size() > k && std::isfinite(p[k]) && p[k] > 0.9 && p[k] <= 1.0
                             ? p[k]
                             : 1.0;
    double falseEasting = p.size() > k + 1 && std::isfinite(p[k + 1]) && std::fabs(p[k + 1]) < 1e9
                              ? p[k + 1]
                              : 500000.0;
    const double falseNorthing = p.size() > k + 2 && std::isfinite(p[k + 2]) ? p[k + 2] : 0.0;
    int width = p.size() > k + 3 && (p[k + 3] == 3 || p[k + 3] == 6) ? static_cast<int>(p[k + 3])
                                                                      : 0;
    const int zoneGiven = p.size() > k + 4 && std::isfinite(p[k + 4]) && std::fabs(p[k + 4]) < 1000
                              ? static_cast<int>(p[k + 4])
                              : 0;
    // The zone number in the easting: the false easting says, the coordinates confirm.
    bool prefixed = falseEasting >= 1e6;
    int prefixZone = prefixed ? static_cast<int>(std::floor(falseEasting / 1e6)) : 0;
    if ((maxX > minX || minX != 0) && std::fabs(minX) < 1e9 && std::fabs(maxX) < 1e9) {
        const bool coordinatesPrefixed = minX >= 1e6 && maxX < 1e8;
        if (coordinatesPrefixed != prefixed) {
            const int zoneOfData = static_cast<int>(std::floor(minX / 1e6));
            const std::string easting = std::to_string(falseEasting);
            if (prefixed)
                warnings.push_back(message("vct_false_easting_zone_unused",
                                           "the false easting {easting} carries a zone number "
                                           "but the eastings do not; the coordinates decide",
                                           {{"easting", easting}}));
            else
                warnings.push_back(message("vct_false_easting_no_zone",
                                           "the false easting {easting} has no zone number but "
                                           "the eastings carry one ({zone}); the coordinates "
                                           "decide",
                                           {{"easting", easting},
                                            {"zone", std::to_string(zoneOfData)}}));
            prefixed = coordinatesPrefixed;
            prefixZone = prefixed ? zoneOfData : 0;
            falseEasting = prefixed ? prefixZone * 1e6 + 500000.0 : 500000.0;
        }
    }
    const int cm = static_cast<int>(std::lround(centralMeridian));
    if (width == 0) {
        const int zone = prefixed ? prefixZone : zoneGiven;
        if (zone > 0 && zone * 3 == cm)
            width = 3;
        else if (zone > 0 && zone * 6 - 3 == cm)
            width = 6;
        else if (cm % 3 == 0 && (cm + 3) % 6 != 0)
            width = 3;
        else if ((cm + 3) % 6 == 0 && cm % 3 != 0)
            width = 6;
        else
            width = 3; // the land surveys use 3° zones
    }
    if (prefixed) {
        const int expectedZone = width == 3 ? cm / 3 : (cm + 3) / 6;
        if (prefixZone != expectedZone)
            warnings.push_back(message("vct_zone_misfit",
                                       "the zone number in the false easting ({zone}) does not "
                                       "fit the central meridian {meridian}°",
                                       {{"zone", std::to_string(prefixZone)},
                                        {"meridian", std::to_string(cm)}}));
    }
    if (datum.datum && std::fabs(centralMeridian - cm) < 1e-9 && scale == 1.0 &&
        falseNorthing == 0.0) {
        if (auto epsg = gaussKrugerEpsg(*datum.datum, width, cm, prefixed)) {
            const Crs crs = Crs::fromEpsg(*epsg);
            head.crsReason = std::string(toString(*datum.datum)) + " Gauss-Krüger " +
                             std::to_string(width) + "° zone, central meridian " +
                             std::to_string(cm) + "°E" +
                             (prefixed ? ", zone number in the easting" : "");
            // The EPSG CRS must say what the head says.
            if (crs.falseEastingM() && std::fabs(*crs.falseEastingM() - falseEasting) < 1e-6)
                return crs;
        }
    }
    OGRSpatialReference srs = customGeographic();
    srs.SetProjCS(("Gauss-Kruger CM " + std::to_string(centralMeridian)).c_str());
    srs.SetTM(0, centralMeridian, scale, falseEasting, falseNorthing);
    srs.SetLinearUnits(SRS_UL_METER, 1.0);
    head.crsReason = "a transverse Mercator with the head's parameters (no EPSG code fits)";
    return Crs::fromOgr(&srs);
}

} // namespace parkatlas::geo
