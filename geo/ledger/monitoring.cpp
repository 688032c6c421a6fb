#include "geo/ledger/monitoring.h"

#include "geo/decimal_text.h"
#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/json_writer.h"
#include "geo/issue.h"
#include "geo/ledger/indicators.h"
#include "geo/ledger/ledgers.h"
#include "geo/measure/coverage.h"
#include "geo/measure/layer_measure.h"
#include "geo/model/envelope_index.h"
#include "geo/model/geos_context.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/park.h"
#include "geo/parallel.h"
#include "geo/units.h"

#include <cpl_json.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <set>

namespace parkatlas::geo {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// Parts of the approved area smaller than this (planar, in the CRS's units²) are slivers of the
/// overlay, not land: left out.
constexpr double kSliverArea = 0.01;

std::string trim(std::string text)
{
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    text.erase(text.begin(), std::find_if(text.begin(), text.end(), notSpace));
    text.erase(std::find_if(text.rbegin(), text.rend(), notSpace).base(), text.end());
    return text;
}

std::string upper(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

double ratio(double numerator, double denominator)
{
    return denominator > 0 && std::isfinite(numerator) ? numerator / denominator : kNaN;
}

/// A contract field's value as trimmed text; nullopt when the layer lacks it or it is unknown.
std::optional<std::string> textOf(const ParkLayer& layer, std::size_t row, const char* name)
{
    const int field = layer.field(name);
    if (field < 0 || layer.layer->attributes.isUnknown(row, field))
        return std::nullopt;
    return trim(layer.layer->attributes.text(row, field));
}

std::optional<double> numberOf(const ParkLayer& layer, std::size_t row, const char* name)
{
    const int field = layer.field(name);
    return field < 0 ? std::nullopt : layer.layer->attributes.number(row, field);
}

std::optional<Date> dateOf(const ParkLayer& layer, std::size_t row, const char* name)
{
    const int field = layer.field(name);
    if (field < 0 || layer.layer->attributes.isUnknown(row, field))
        return std::nullopt;
    if (auto date = layer.layer->attributes.date(row, field))
        return date;
    return Date::parse(layer.layer->attributes.text(row, field));
}

void report(IssueSink& issues, const ParkLayer* layer, std::int64_t fid, Message said,
            Issue::Severity severity = Issue::Severity::Warning)
{
    issues.report(withMessage({severity, layer ? layer->layer->sourcePath : std::string(),
                               layer ? layer->layer->name : std::string(), fid},
                              std::move(said)));
}

// --- land use → class --------------------------------------------------------------------------

/// Whether `code` (read in `systems`) lies within the GTKJ-2023 class `parent`: true, false, or
/// nullopt when that cannot be said.
std::optional<bool> within(const std::string& code, const LandUseSystems& systems,
                           const char* parent)
{
    const LandUseJudgement j =
        LandUseClassification::standard().judge(code, systems, parent, {kGtkj2023});
    if (j.verdict == LandUseVerdict::Fits)
        return true;
    if (j.verdict == LandUseVerdict::Mismatch)
        return false;
    return std::nullopt;
}

/// The built class of a land-use code: A1 住宅 (07), A2 工矿仓储 (10, 11), A3 商服 (09), A4 公共
///管理与公共服务 (08, 13, 14), A5 交通运输 (12), A6 any other class; "" when it cannot be said.
/// Classes by their GTKJ-2023 first level, through the crosswalk for the other systems.
std::string builtClassOf(const std::string& code, const LandUseSystems& systems)
{
    struct Group {
        const char* parent;
        const char* cls;
    };
    static const Group kGroups[] = {{"07", "A1"}, {"10", "A2"}, {"11", "A2"}, {"09", "A3"},
                                    {"08", "A4"}, {"13", "A4"}, {"14", "A4"}, {"12", "A5"}};
    bool allNo = true;
    for (const Group& group : kGroups) {
        const auto in = within(code, systems, group.parent);
        if (in && *in)
            return group.cls;
        if (!in)
            allNo = false;
    }
    return allNo ? "A6" : "";
}

/// What a plan zone's use says of land not yet supplied: E1 划拨 (public: 08, 12, 13, 14, 15),
/// E21 工矿仓储 (10, 11), E22 其他有偿 (07, 09), C1 (17 陆地水域), C3 (01–05, 23: not to be
/// built), "E" for any other known class, "" when it cannot be said.
std::string planClassOf(const std::string& code, const LandUseSystems& systems)
{
    struct Group {
        const char* parent;
        const char* cls;
    };
    static const Group kGroups[] = {
        {"17", "C1"},  {"01", "C3"},  {"02", "C3"},  {"03", "C3"},  {"04", "C3"},
        {"05", "C3"},  {"23", "C3"},  {"10", "E21"}, {"11", "E21"}, {"07", "E22"},
        {"09", "E22"}, {"08", "E1"},  {"12", "E1"},  {"13", "E1"},  {"14", "E1"},
        {"15", "E1"}};
    bool allNo = true;
    for (const Group& group : kGroups) {
        const auto in = within(code, systems, group.parent);
        if (in && *in)
            return group.cls;
        if (!in)
            allNo = false;
    }
    return allNo ? "E" : "";
}

/// 划拨 or 有偿 (出让, 租赁, 作价出资/入股, 授权经营), from a supply_tp value; nullopt otherwise.
std::optional<bool> isAllocated(const std::string& supplyType)
{
    if (supplyType.find("划拨") != std::string::npos)
        return true;
    for (const char* paid : {"出让", "租赁", "作价", "入股", "授权经营", "有偿", "挂牌", "拍卖",
                             "招标", "协议"})
        if (supplyType.find(paid) != std::string::npos)
            return false;
    return std::nullopt;
}

/// The protected kind's class: C1 河湖及蓄滞洪区 (河道蓝线, 水域, 蓄滞洪区), C2 自然生态保护区
/// (生态保护红线, 自然保护地/区, 湿地, 森林公园, 风景名胜区), C3 any other (永久基本农田, 高压走廊 …).
std::string protectedClassOf(const std::string& kind)
{
    for (const char* water : {"河", "湖", "水", "蓄滞洪", "蓝线", "行洪"})
        if (kind.find(water) != std::string::npos)
            return "C1";
    for (const char* nature : {"生态", "自然保护", "湿地", "森林公园", "风景名胜", "地质公园"})
        if (kind.find(nature) != std::string::npos)
            return "C2";
    return "C3";
}

// --- GEOS ---------------------------------------------------------------------------------------

/// A valid GEOS polygon of feature `row` (repaired with MakeValid when GEOS finds it invalid),
/// or null for an empty feature or one GEOS cannot build.
GeosGeomPtr validPolygon(GeosContext& geos, const GeometryStore& store, std::size_t row)
{
    GeosGeomPtr g = geos.fromStore(store, row);
    if (!g)
        return g;
    if (GEOSisValid_r(geos.handle(), g.get()) != 1) {
        GeosGeomPtr fixed = geos.own(GEOSMakeValid_r(geos.handle(), g.get()));
        if (!fixed)
            return fixed;
        return geos.componentsOfDimension(fixed.get(), 2);
    }
    return g;
}

GeosGeomPtr unionOf(GeosContext& geos, std::vector<GeosGeomPtr> parts)
{
    std::vector<GEOSGeometry*> raw;
    for (GeosGeomPtr& part : parts)
        if (part)
            raw.push_back(part.release());
    GeosGeomPtr collection = geos.own(GEOSGeom_createCollection_r(
        geos.handle(), GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned>(raw.size())));
    if (!collection)
        return collection;
    return geos.own(GEOSUnaryUnion_r(geos.handle(), collection.get()));
}

bool hasArea(GeosContext& geos, const GEOSGeometry* g)
{
    double area = 0;
    return g && !GEOSisEmpty_r(geos.handle(), g) && GEOSArea_r(geos.handle(), g, &area) == 1 &&
           area > kSliverArea;
}

// --- classes -------------------------------------------------------------------------------------

struct Sums {
    std::map<std::string, double> area;
    std::map<std::string, std::size_t> count;
    void add(const std::string& code, double areaM2)
    {
        if (code.empty() || std::isnan(areaM2))
            return;
        area[code] += areaM2;
        ++count[code];
    }
};

/// The parents of a class code: A2 → A; B21 → B2, B; D21 → D2, D; E21 → E2, E.
std::vector<std::string> withParents(const std::string& code)
{
    std::vector<std::string> out{code};
    if (code.size() >= 3 && (code[0] == 'B' || code[0] == 'D' || code[0] == 'E'))
        out.push_back(code.substr(0, 2));
    if (code.size() >= 2)
        out.push_back(code.substr(0, 1));
    return out;
}

} // namespace

// --- class table -----------------------------------------------------------------------------------

const std::vector<MonitoringClassDef>& monitoringClasses()
{
    static const std::vector<MonitoringClassDef> list = {
        {"A", "已建成城镇建设用地", "built-up urban construction land"},
        {"A1", "住宅用地", "residential"},
        {"A2", "工矿仓储用地", "industrial, mining and storage"},
        {"A3", "商服用地", "commercial and business"},
        {"A4", "公共管理与公共服务用地", "public administration and services"},
        {"A5", "交通运输用地", "transport"},
        {"A6", "其他建设用地", "other construction land"},
        {"B", "未建成城镇建设用地", "urban construction land not yet built"},
        {"B1", "按供应分", "by supply"},
        {"B11", "已供应未建成", "supplied, not built"},
        {"B12", "未供应", "not supplied"},
        {"B2", "按供地条件分", "by readiness for supply"},
        {"B21", "已达到供地条件", "ready for supply"},
        {"B22", "未达到供地条件", "not ready for supply"},
        {"C", "不可建设土地", "land that cannot be built on"},
        {"C1", "河湖及蓄滞洪区", "rivers, lakes and flood detention areas"},
        {"C2", "自然生态保护区", "nature and ecological protection areas"},
        {"C3", "其他不可建设土地", "other land that cannot be built on"},
        {"D", "已供应国有建设用地", "state construction land supplied"},
        {"D1", "划拨", "allocated (划拨)"},
        {"D2", "有偿使用", "paid use"},
        {"D21", "有偿使用未到期", "paid use, term running"},
        {"D22", "有偿使用已到期未处置", "paid use, term expired, not disposed"},
        {"E", "尚可供应土地", "land that can still be supplied"},
        {"E1", "尚可供应划拨用地", "to be allocated"},
        {"E2", "尚可供应有偿使用土地", "for paid use"},
        {"E21", "工矿仓储用地", "industrial, mining and storage"},
        {"E22", "其他有偿使用土地", "other paid use"},
        {"F", "不可供应土地", "land that cannot be supplied"},
        {"G", "闲置土地", "idle land"},
    };
    return list;
}

const MonitoringClassDef* monitoringClass(std::string_view code)
{
    const std::string wanted = upper(std::string(code));
    for (const MonitoringClassDef& def : monitoringClasses())
        if (wanted == def.code)
            return &def;
    return nullptr;
}

// --- economy ---------------------------------------------------------------------------------------

const std::vector<EconomyFigureDef>& economyFigures()
{
    static const std::vector<EconomyFigureDef> list = {
        {"industrial_investment", "工业（物流）企业累计固定资产投资总额", "万元"},
        {"fixed_investment", "固定资产投资", "万元"},
        {"tax_total", "税收总额", "万元"},
        {"tax_industry", "工业企业税收", "万元"},
        {"tax_secondary", "第二产业税收", "万元"},
        {"tax_tertiary", "第三产业税收", "万元"},
        {"population", "常住人口", "人"},
    };
    return list;
}

double Economy::value(const std::string& key) const
{
    const auto found = values.find(key);
    return found == values.end() ? kNaN : found->second;
}

namespace {

std::string knownEconomyKeys()
{
    std::string out;
    for (const EconomyFigureDef& def : economyFigures())
        out += (out.empty() ? "" : ", ") + std::string(def.key) + " (" + def.nameZh + ")";
    return out;
}

const EconomyFigureDef* economyFigure(const std::string& key)
{
    for (const EconomyFigureDef& def : economyFigures())
        if (key == def.key || key == def.nameZh)
            return &def;
    return nullptr;
}

void economyIssue(IssueSink& issues, const std::string& path, const std::string& where,
                  Message said, Issue::Severity severity = Issue::Severity::Error)
{
    issues.report(withMessage({severity, path, where, -1}, std::move(said)));
}

/// One figure of the file: `number` when the value is a number, `text` what it says otherwise.
void addEconomyFigure(Economy& economy, const std::string& where, const std::string& key,
                      std::optional<double> number, const std::string& text, IssueSink& issues)
{
    const EconomyFigureDef* def = economyFigure(trim(key));
    if (!def) {
        economyIssue(issues, economy.path, where,
                     message("economy_unknown_key",
                             "unknown key \"{key}\": left out (known: {known})",
                             {{"key", key}, {"known", knownEconomyKeys()}}));
        return;
    }
    double value = kNaN;
    if (number && std::isfinite(*number)) {
        if (*number < 0)
            economyIssue(issues, economy.path, where,
                         message("economy_negative",
                                 "\"{key}\" is negative ({value}): taken as unknown",
                                 {{"key", def->key}, {"value", shortestDecimal(*number)}}));
        else
            value = *number;
    } else if (isUnknownText(trim(text))) {
        economyIssue(issues, economy.path, where,
                     message("economy_masked",
                             "\"{key}\" is masked or empty (\"{value}\"): unknown, not zero",
                             {{"key", def->key}, {"value", text}}),
                     Issue::Severity::Warning);
    } else {
        economyIssue(issues, economy.path, where,
                     message("economy_not_number",
                             "\"{key}\" is not a number (\"{value}\"): taken as unknown",
                             {{"key", def->key}, {"value", text}}));
    }
    economy.values[def->key] = value;
}

/// A text that is a plain number (no unit, no thousands separators), or nullopt.
std::optional<double> plainNumber(const std::string& text)
{
    // Whatever LC_NUMERIC says (strtod would read "1.5" as 1 under a decimal-comma locale).
    return parseDecimal(text);
}

void readJsonEconomy(Economy& economy, IssueSink& issues)
{
    CPLJSONDocument document;
    {
        GdalErrorCapture errors;
        if (!document.Load(economy.path))
            throw IoError("cannot read the economy file: " +
                              (errors.lastFailure().empty() ? std::string("not valid JSON")
                                                            : errors.lastFailure()),
                          {economy.path, {}, -1, {}});
    }
    const CPLJSONObject root = document.GetRoot();
    if (root.GetType() != CPLJSONObject::Type::Object)
        throw IoError("not a JSON object ({\"year\": 2026, \"figures\": {\"population\": 52000}})",
                      {economy.path, {}, -1, {}});
    CPLJSONObject figures = root.GetObj("figures");
    const bool nested = figures.IsValid();
    if (nested && figures.GetType() != CPLJSONObject::Type::Object)
        throw IoError("\"figures\" is not an object of key → number", {economy.path, {}, -1, {}});
    if (!nested)
        figures = root;
    for (const CPLJSONObject& child : figures.GetChildren()) {
        const std::string key = child.GetName();
        if (!nested && (key == "year" || key == "park" || key == "note" || key == "source"))
            continue;
        std::optional<double> number;
        const auto type = child.GetType();
        if (type == CPLJSONObject::Type::Integer || type == CPLJSONObject::Type::Long ||
            type == CPLJSONObject::Type::Double)
            number = child.ToDouble();
        const std::string text = type == CPLJSONObject::Type::Null ? "" : child.ToString();
        addEconomyFigure(economy, "figures", key, number, text, issues);
    }
    const CPLJSONObject year = root.GetObj("year");
    if (year.IsValid()) {
        if (year.GetType() != CPLJSONObject::Type::Integer)
            economyIssue(issues, economy.path, "year",
                         message("economy_bad_year", "\"year\" is not a whole number"));
        else
            economy.year = year.ToInteger();
    }
}

void readXlsxEconomy(Economy& economy, IssueSink& issues)
{
    ensureGdal();
    const char* drivers[] = {"XLSX", nullptr};
    const char* options[] = {"HEADERS=FORCE", "FIELD_TYPES=STRING", nullptr};
    struct HeadersForced {
        HeadersForced() { CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "FORCE"); }
        ~HeadersForced() { CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", nullptr); }
    } headersForced;
    struct TypesString {
        TypesString() { CPLSetThreadLocalConfigOption("OGR_XLSX_FIELD_TYPES", "STRING"); }
        ~TypesString() { CPLSetThreadLocalConfigOption("OGR_XLSX_FIELD_TYPES", nullptr); }
    } typesString;
    GDALDatasetUniquePtr dataset(GDALDataset::Open(economy.path.c_str(),
                                                   GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers,
                                                   options, nullptr));
    if (!dataset || dataset->GetLayerCount() == 0)
        throw IoError(std::string("cannot open the workbook: ") + CPLGetLastErrorMsg(),
                      {economy.path, {}, -1, {}});
    OGRLayer* sheet = dataset->GetLayer(0);
    OGRFeatureDefn* defn = sheet->GetLayerDefn();
    int keyColumn = -1, valueColumn = -1;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const std::string name = trim(defn->GetFieldDefn(i)->GetNameRef());
        if (name == "key" || name == "项目" || name == "指标")
            keyColumn = i;
        if (name == "value" || name == "数值" || name == "值")
            valueColumn = i;
    }
    if (keyColumn < 0 || valueColumn < 0)
        throw IoError("the first sheet needs the columns key (项目) and value (数值)",
                      {economy.path, sheet->GetName(), -1, {}});
    for (auto& feature : *sheet) {
        if (!feature->IsFieldSetAndNotNull(keyColumn))
            continue;
        const std::string key = trim(feature->GetFieldAsString(keyColumn));
        if (key.empty())
            continue;
        const std::string where = std::string(sheet->GetName()) + ", row " +
                                  std::to_string(feature->GetFID() + 1);
        if (key == "year" || key == "年度") {
            const auto year = feature->IsFieldSetAndNotNull(valueColumn)
                                  ? plainNumber(feature->GetFieldAsString(valueColumn))
                                  : std::nullopt;
            if (year && *year == std::floor(*year))
                economy.year = static_cast<int>(*year);
            else
                economyIssue(issues, economy.path, where,
                             message("economy_bad_year", "\"year\" is not a whole number"));
            continue;
        }
        const std::string text = feature->IsFieldSetAndNotNull(valueColumn)
                                     ? std::string(feature->GetFieldAsString(valueColumn))
                                     : std::string();
        addEconomyFigure(economy, where, key, plainNumber(text), text, issues);
    }
}

} // namespace

Economy readEconomy(const std::string& path, IssueSink& issues)
{
    Economy economy;
    economy.path = path;
    std::string lower = path;
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.size() > 5 && lower.substr(lower.size() - 5) == ".xlsx")
        readXlsxEconomy(economy, issues);
    else
        readJsonEconomy(economy, issues);
    return economy;
}

// --- zone type ------------------------------------------------------------------------------------

ZoneType zoneTypeOf(double industrialSharePercent, double residentialSharePercent)
{
    if (std::isnan(industrialSharePercent) || std::isnan(residentialSharePercent))
        return ZoneType::Other;
    if (industrialSharePercent > 30.0 && residentialSharePercent < 25.0)
        return ZoneType::IndustryLed;
    if (industrialSharePercent <= 30.0 && residentialSharePercent >= 25.0)
        return ZoneType::IndustryCity;
    return ZoneType::Other;
}

const char* zoneTypeNameZh(ZoneType type)
{
    switch (type) {
    case ZoneType::IndustryLed:
        return "工业主导型";
    case ZoneType::IndustryCity:
        return "产城融合型";
    case ZoneType::Other:
        break;
    }
    return "其他";
}

const char* zoneTypeKey(ZoneType type)
{
    switch (type) {
    case ZoneType::IndustryLed:
        return "industry_led";
    case ZoneType::IndustryCity:
        return "industry_city";
    case ZoneType::Other:
        break;
    }
    return "other";
}

double MonitoringReport::areaM2(const std::string& code) const
{
    const auto found = areaM2ByClass.find(code);
    return found == areaM2ByClass.end() ? 0.0 : found->second;
}

std::vector<Role> monitoringRoles()
{
    return {Role::Boundary,  Role::Parcels,   Role::PlanZones, Role::Acquisition,
            Role::IdleLand,  Role::Buildings, Role::Protected, Role::Roads};
}

// --- the classes ------------------------------------------------------------------------------------

namespace {

/// Applies the parcel's mon_class override: each code it names replaces the derived class of its
/// kind; a code that is no class is reported and ignored.
void applyOverride(MonitoringPlot& plot, const std::string& value, const ParkLayer& parcels,
                   IssueSink& issues)
{
    std::string token;
    std::vector<std::string> tokens;
    for (char c : value + " ") {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            token += c;
        } else if (!token.empty()) {
            tokens.push_back(upper(token));
            token.clear();
        }
    }
    for (const std::string& code : tokens) {
        const MonitoringClassDef* def = monitoringClass(code);
        const bool settable = def && code != "B1" && code != "B2" && code != "E2" && code != "C";
        if (!settable) {
            report(issues, &parcels, parcels.layer->fids[plot.row],
                   message("monitor_override_unknown",
                           "mon_class \"{value}\" names \"{code}\", which is no monitoring "
                           "class (A1–A6, B11, B12, B21, B22, C1–C3, D1, D21, D22, E1, E21, E22, "
                           "F, G): derived from the layers instead",
                           {{"value", value}, {"code", code}}));
            continue;
        }
        plot.overridden = true;
        const char kind = code[0];
        if (kind == 'A' || kind == 'C') {
            plot.landClass = code;
            plot.b1.clear();
            plot.b2.clear();
        } else if (kind == 'B') {
            plot.landClass = "B";
            if (code.rfind("B1", 0) == 0 && code.size() == 3)
                plot.b1 = code;
            else if (code.rfind("B2", 0) == 0 && code.size() == 3)
                plot.b2 = code;
        } else if (kind == 'G') {
            plot.idle = true;
        } else {
            plot.supplyClass = code;
        }
    }
}

/// What a road's stage says of its land: built (竣工 …) → A5 交通运输, under construction → B
/// (supplied, ready); any earlier stage (规划 … 招投标): nothing, the land is left to the
/// acquisition and the plan. Public roads are supplied by 划拨 (《划拨用地目录》, 城市基础设施用地),
/// so a road that is built or being built is D1.
enum class RoadState { None, Built, Building };
RoadState roadStateOf(const std::string& stage)
{
    for (const char* built : {"竣工", "完工", "已建成", "建成", "通车", "验收"})
        if (stage.find(built) != std::string::npos)
            return RoadState::Built;
    if (stage.find("在建") != std::string::npos || stage.find("施工") != std::string::npos)
        return RoadState::Building;
    return RoadState::None;
}

/// The land that no plot covers, in the order the pieces take it: roads built or being built,
/// protected areas, acquisition batches (each in layer order: where two overlap, the earlier row
/// takes the land), then the rest. A piece of a layer is its feature within the approved area,
/// less the plots and the features before it that touch it: computed feature by feature from
/// the neighbours an envelope index finds, so that the work splits across threads and no union
/// of the whole park is ever built. Batches and the rest are then cut by the plan zones (in
/// zone order, the earlier zone taking an overlap).
struct Overlay {
    /// One layer that takes land: its features' geometry (built in the caller's context) and
    /// envelopes; a feature that takes nothing has an empty envelope.
    struct Source {
        std::vector<Envelope> envelopes;
        std::function<GeosGeomPtr(GeosContext&, std::size_t)> build;
        EnvelopeIndex index;
    };
    /// A piece found by a worker, as WKB (the worker's GEOS context is its own).
    struct Found {
        MonitoringPlot plot;
        std::vector<unsigned char> wkb;
    };
    struct Worker {
        GeosContext geos;
        GeosGeomPtr approved;
        GeosPreparedPtr preparedApproved;
        std::vector<std::uint32_t> candidates;
    };

    explicit Overlay(const Park& forPark) : park(forPark) {}

    const Park& park;
    unsigned threads = 1;
    std::vector<unsigned char> approvedWkb;
    std::vector<Source> sources; // in the order they take land: plots first
    const ParkLayer* zones = nullptr;
    Source zoneSource;
    LandUseSystems zoneSystems;
    std::vector<std::unique_ptr<Worker>> workers;

    Worker& worker(unsigned index)
    {
        Worker& w = *workers[index];
        if (!w.approved) {
            w.approved = w.geos.fromWkb(approvedWkb);
            if (w.approved)
                w.preparedApproved = w.geos.prepare(w.approved.get());
        }
        return w;
    }

    static Source makeSource(std::vector<Envelope> envelopes,
                             std::function<GeosGeomPtr(GeosContext&, std::size_t)> build)
    {
        Source source;
        source.index = EnvelopeIndex(envelopes);
        source.envelopes = std::move(envelopes);
        source.build = std::move(build);
        return source;
    }

    /// `g` within the approved area.
    GeosGeomPtr clip(Worker& w, GeosGeomPtr g)
    {
        if (!g || GEOSPreparedContains_r(w.geos.handle(), w.preparedApproved.get(), g.get()) == 1)
            return g;
        if (GEOSPreparedIntersects_r(w.geos.handle(), w.preparedApproved.get(), g.get()) != 1)
            return nullptr;
        return w.geos.componentsOfDimension(
            w.geos.own(GEOSIntersection_r(w.geos.handle(), g.get(), w.approved.get())).get(), 2);
    }

    /// `g` less the features of sources [0, sourceCount) that touch `envelope`, and of source
    /// `sourceCount` its rows before `before` (when sourceCount is a source).
    GeosGeomPtr subtract(Worker& w, GeosGeomPtr g, const Envelope& envelope,
                         std::size_t sourceCount, std::size_t before)
    {
        if (!g)
            return g;
        GEOSContextHandle_t h = w.geos.handle();
        std::vector<GEOSGeometry*> cutters;
        for (std::size_t s = 0; s <= sourceCount && s < sources.size(); ++s) {
            w.candidates.clear();
            sources[s].index.query(envelope, w.candidates);
            for (std::uint32_t row : w.candidates) {
                if (s == sourceCount && row >= before)
                    continue;
                if (GeosGeomPtr cutter = sources[s].build(w.geos, row);
                    cutter && GEOSIntersects_r(h, cutter.get(), g.get()) == 1)
                    cutters.push_back(cutter.release());
            }
        }
        if (cutters.empty())
            return g;
        GeosGeomPtr all = w.geos.own(GEOSGeom_createCollection_r(
            h, GEOS_GEOMETRYCOLLECTION, cutters.data(), static_cast<unsigned>(cutters.size())));
        GeosGeomPtr cut = w.geos.own(GEOSUnaryUnion_r(h, all.get()));
        if (!cut)
            return nullptr;
        return w.geos.componentsOfDimension(
            w.geos.own(GEOSDifference_r(h, g.get(), cut.get())).get(), 2);
    }

    /// Unbuilt land settled by its plan class: where the plan does not build (C1, C3) it is that
    /// class and cannot be supplied (F); else it is land still to supply (E, or E1/E21/E22 by
    /// the zone's use).
    static void classByPlan(MonitoringPlot& plot, const std::string& planClass)
    {
        if (planClass == "C1" || planClass == "C3") {
            plot.landClass = planClass;
            plot.b1.clear();
            plot.b2.clear();
            plot.supplyClass = "F";
        } else {
            plot.supplyClass = planClass.empty() ? "E" : planClass;
        }
    }

    /// The pieces of `piece` by plan zone (each zone's part, in zone order, then what lies in no
    /// zone), each finished as B land still to supply (E1/E21/E22 by the zone's use) or, where
    /// the plan does not build, C1/C3 and F.
    void splitByZones(Worker& w, const MonitoringPlot& base, GeosGeomPtr piece,
                      std::vector<Found>& out)
    {
        auto finish = [&](MonitoringPlot plot, const GEOSGeometry* g,
                          const std::string& planClass) {
            if (plot.landClass == "B")
                classByPlan(plot, planClass);
            out.push_back({std::move(plot), w.geos.toWkb(g)});
        };
        if (zones && hasArea(w.geos, piece.get())) {
            const Envelope envelope = envelopeOf(w, piece.get());
            std::vector<std::uint32_t> near;
            zoneSource.index.query(envelope, near);
            std::sort(near.begin(), near.end());
            for (std::uint32_t z : near) {
                if (!hasArea(w.geos, piece.get()))
                    break;
                GeosGeomPtr zone = zoneSource.build(w.geos, z);
                if (!zone || GEOSIntersects_r(w.geos.handle(), zone.get(), piece.get()) != 1)
                    continue;
                GeosGeomPtr part = w.geos.componentsOfDimension(
                    w.geos.own(GEOSIntersection_r(w.geos.handle(), piece.get(), zone.get()))
                        .get(),
                    2);
                if (!hasArea(w.geos, part.get()))
                    continue;
                MonitoringPlot plot = base;
                fillZone(plot, z);
                const std::string planClass = planClassOfZone(plot, z);
                finish(std::move(plot), part.get(), planClass);
                piece = w.geos.own(GEOSDifference_r(w.geos.handle(), piece.get(), zone.get()));
            }
        }
        if (hasArea(w.geos, piece.get())) {
            MonitoringPlot plot = base;
            plot.farMax = kNaN;
            if (plot.landClass == "B")
                plot.why.push_back(message("monitor_no_plan_zone",
                                           "no plan zone: the kind of land still to supply "
                                           "(E1/E21/E22) is unknown"));
            finish(std::move(plot), w.geos.componentsOfDimension(piece.get(), 2).get(), "");
        }
    }

    void fillZone(MonitoringPlot& plot, std::size_t z) const
    {
        plot.zoneId = textOf(*zones, z, "zone_id").value_or("");
        plot.farMax = numberOf(*zones, z, "far_max").value_or(kNaN);
        plot.landUse = textOf(*zones, z, "land_use").value_or("");
    }

    std::string planClassOfZone(MonitoringPlot& plot, std::size_t z) const
    {
        const auto use = textOf(*zones, z, "land_use");
        const std::string planClass = use ? planClassOf(*use, zoneSystems) : "";
        if (planClass.empty() && plot.landClass == "B")
            plot.why.push_back(message("monitor_plan_use_unknown",
                                       "plan zone {zone} use \"{code}\" unknown: the kind of "
                                       "land still to supply (E1/E21/E22) is unknown",
                                       {{"zone", plot.zoneId}, {"code", plot.landUse}}));
        return planClass;
    }

    static Envelope envelopeOf(Worker& w, const GEOSGeometry* g)
    {
        Envelope e;
        double minX = 0, minY = 0, maxX = 0, maxY = 0;
        if (g && GEOSGeom_getXMin_r(w.geos.handle(), g, &minX) == 1 &&
            GEOSGeom_getYMin_r(w.geos.handle(), g, &minY) == 1 &&
            GEOSGeom_getXMax_r(w.geos.handle(), g, &maxX) == 1 &&
            GEOSGeom_getYMax_r(w.geos.handle(), g, &maxY) == 1) {
            e.expand(minX, minY);
            e.expand(maxX, maxY);
        }
        return e;
    }

    /// Runs take(worker, row, out) for every row of `count` on the workers, and returns the
    /// pieces in row order.
    template <typename Take>
    std::vector<Found> perRow(std::size_t count, Take take)
    {
        std::vector<std::vector<Found>> found(count);
        ParallelOptions parallel;
        parallel.threads = threads;
        parallel.chunk = 64;
        parallelFor(count, parallel, [&](unsigned index, std::size_t begin, std::size_t end) {
            Worker& w = worker(index);
            for (std::size_t row = begin; row < end; ++row)
                take(w, row, found[row]);
        });
        std::vector<Found> all;
        for (std::vector<Found>& pieces : found)
            for (Found& f : pieces)
                all.push_back(std::move(f));
        return all;
    }

    /// The pieces source `s` takes: each feature within the approved area less the plots and
    /// what the sources before it (and its own earlier rows) took; classed by `base`, and cut
    /// by the plan zones when `byZones`.
    template <typename Base>
    std::vector<Found> take(std::size_t s, bool byZones, Base base)
    {
        return perRow(sources[s].envelopes.size(),
                      [&](Worker& w, std::size_t row, std::vector<Found>& out) {
                          const Envelope& envelope = sources[s].envelopes[row];
                          if (envelope.isEmpty())
                              return;
                          GeosGeomPtr piece = clip(w, sources[s].build(w.geos, row));
                          piece = subtract(w, std::move(piece), envelope, s, row);
                          if (!hasArea(w.geos, piece.get()))
                              return;
                          MonitoringPlot plot = base(row);
                          if (byZones)
                              splitByZones(w, plot, std::move(piece), out);
                          else
                              out.push_back({std::move(plot), w.geos.toWkb(piece.get())});
                      });
    }

    /// The rest of the approved area (taken by no source), classed by `base` and cut by the plan
    /// zones: zone by zone, then what lies in no zone as one piece.
    std::vector<Found> rest(const MonitoringPlot& base, std::vector<Found>& outside)
    {
        std::vector<Found> inZones;
        if (zones)
            inZones = perRow(zoneSource.envelopes.size(), [&](Worker& w, std::size_t z,
                                                              std::vector<Found>& out) {
                const Envelope& envelope = zoneSource.envelopes[z];
                if (envelope.isEmpty())
                    return;
                GeosGeomPtr piece = clip(w, zoneSource.build(w.geos, z));
                piece = subtract(w, std::move(piece), envelope, sources.size(), 0);
                if (!piece || !hasArea(w.geos, piece.get()))
                    return;
                // The earlier zones that overlap this one took their share.
                std::vector<std::uint32_t> near;
                zoneSource.index.query(envelope, near);
                for (std::uint32_t other : near) {
                    if (other >= z || !hasArea(w.geos, piece.get()))
                        continue;
                    if (GeosGeomPtr earlier = zoneSource.build(w.geos, other);
                        earlier && GEOSIntersects_r(w.geos.handle(), earlier.get(), piece.get()) == 1)
                        piece = w.geos.componentsOfDimension(
                            w.geos.own(GEOSDifference_r(w.geos.handle(), piece.get(),
                                                        earlier.get()))
                                .get(),
                            2);
                }
                if (!hasArea(w.geos, piece.get()))
                    return;
                MonitoringPlot plot = base;
                fillZone(plot, z);
                classByPlan(plot, planClassOfZone(plot, z));
                out.push_back({std::move(plot), w.geos.toWkb(piece.get())});
            });
        // What lies in no zone: the approved area less every zone, then, part by part, less
        // what the sources took there.
        Worker& w = worker(0);
        GeosGeomPtr noZone = w.geos.own(GEOSGeom_clone_r(w.geos.handle(), w.approved.get()));
        if (zones) {
            std::vector<std::uint32_t> all;
            zoneSource.index.query(envelopeOf(w, noZone.get()), all);
            std::vector<GEOSGeometry*> parts;
            for (std::uint32_t z : all)
                if (GeosGeomPtr zone = zoneSource.build(w.geos, z))
                    parts.push_back(zone.release());
            if (!parts.empty()) {
                GeosGeomPtr collection = w.geos.own(GEOSGeom_createCollection_r(
                    w.geos.handle(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                    static_cast<unsigned>(parts.size())));
                GeosGeomPtr covered = w.geos.own(GEOSUnaryUnion_r(w.geos.handle(), collection.get()));
                if (covered)
                    noZone = w.geos.componentsOfDimension(
                        w.geos.own(GEOSDifference_r(w.geos.handle(), noZone.get(), covered.get()))
                            .get(),
                        2);
            }
        }
        if (!hasArea(w.geos, noZone.get()))
            return inZones;
        const int partCount = GEOSGetNumGeometries_r(w.geos.handle(), noZone.get());
        std::vector<std::vector<unsigned char>> partWkb(static_cast<std::size_t>(partCount));
        for (int i = 0; i < partCount; ++i)
            partWkb[static_cast<std::size_t>(i)] =
                w.geos.toWkb(GEOSGetGeometryN_r(w.geos.handle(), noZone.get(), i));
        std::vector<Found> left = perRow(partWkb.size(), [&](Worker& pw, std::size_t i,
                                                             std::vector<Found>& out) {
            GeosGeomPtr part = pw.geos.fromWkb(partWkb[i]);
            part = subtract(pw, std::move(part), envelopeOf(pw, part.get()), sources.size(), 0);
            if (hasArea(pw.geos, part.get()))
                out.push_back({base, pw.geos.toWkb(part.get())});
        });
        if (!left.empty()) {
            // One piece, as before the split: its parts are disjoint.
            std::vector<GEOSGeometry*> polygons;
            for (const Found& f : left) {
                GeosGeomPtr g = w.geos.fromWkb(f.wkb);
                const int n = g ? GEOSGetNumGeometries_r(w.geos.handle(), g.get()) : 0;
                for (int i = 0; i < n; ++i)
                    polygons.push_back(
                        GEOSGeom_clone_r(w.geos.handle(), GEOSGetGeometryN_r(w.geos.handle(), g.get(), i)));
            }
            GeosGeomPtr merged = w.geos.own(GEOSGeom_createCollection_r(
                w.geos.handle(), GEOS_MULTIPOLYGON, polygons.data(),
                static_cast<unsigned>(polygons.size())));
            MonitoringPlot plot = base;
            plot.farMax = kNaN;
            if (zones || true)
                plot.why.push_back(message("monitor_no_plan_zone",
                                           "no plan zone: the kind of land still to supply "
                                           "(E1/E21/E22) is unknown"));
            plot.supplyClass = "E";
            outside.push_back({std::move(plot), w.geos.toWkb(merged.get())});
        }
        return inZones;
    }
};

struct Builder {
    const Park& park;
    const MonitoringOptions& options;
    IssueSink& issues;
    MonitoringReport& out;
    GeosContext geos;
    std::optional<AreaCalculator> calculator;

    double measure(std::size_t feature)
    {
        if (!calculator)
            return kNaN;
        return calculator->areaM2(out.geometry, feature);
    }

    void classParcels(const ParkLayer& parcels, const std::vector<double>& areas);
    void classRest(const ParkLayer* parcels);
    void zoneOfParcels(const ParkLayer& parcels);
};

void Builder::classParcels(const ParkLayer& parcels, const std::vector<double>& areas)
{
    const Layer& layer = *parcels.layer;
    const LandUseSystems systems =
        landUseSystemsOf(parcels, LandUseClassification::standard()).systems;
    std::map<std::string, std::string> builtClasses;
    // Idle cases: 认定 and not disposed, by the plot they name.
    std::set<std::string> idleIds;
    if (const ParkLayer* idle = park.layer(Role::IdleLand)) {
        std::set<std::string> parcelIds;
        for (std::size_t row = 0; row < layer.featureCount(); ++row)
            if (auto id = textOf(parcels, row, "parcel_id"))
                parcelIds.insert(*id);
        for (std::size_t row = 0; row < idle->layer->featureCount(); ++row) {
            const auto kind = textOf(*idle, row, "kind");
            if (!kind || (*kind != "供而未用" && *kind != "供多建少"))
                continue;
            const auto stage = textOf(*idle, row, "stage");
            if (!stage || *stage == "调查" || isDisposedStage(*stage))
                continue;
            const auto id = textOf(*idle, row, "parcel_id");
            if (!id || !parcelIds.count(*id)) {
                report(issues, idle, idle->layer->fids[row],
                       message("monitor_idle_no_plot",
                               "idle case names plot \"{parcel_id}\", which is not in the "
                               "parcels layer: not counted in G (闲置土地)",
                               {{"parcel_id", id.value_or("")}}));
                continue;
            }
            idleIds.insert(*id);
        }
    }
    const bool hasSupplyType = parcels.field("supply_tp") >= 0;
    const bool hasTermEnd = parcels.field("term_end") >= 0;
    std::vector<PlotCoverage> coverage;
    if (const ParkLayer* buildings = park.layer(Role::Buildings))
        coverage = plotCoverage(layer, *buildings->layer, issues, options.threads);
    for (std::size_t row = 0; row < layer.featureCount(); ++row) {
        MonitoringPlot plot;
        plot.source = Role::Parcels;
        plot.row = row;
        plot.fid = layer.fids[row];
        plot.id = textOf(parcels, row, "parcel_id").value_or("");
        plot.areaM2 = row < areas.size() ? areas[row] : kNaN;
        plot.farMax = kNaN;
        const double floor = numberOf(parcels, row, "floor_area").value_or(kNaN);
        plot.floorAreaM2 = floor;
        plot.footprintM2 = row < coverage.size() && !std::isnan(coverage[row].share)
                               ? coverage[row].share * plot.areaM2
                               : kNaN;
        // Land class: built (A) or not (B), by status.
        const auto status = textOf(parcels, row, "status");
        const auto landUse = textOf(parcels, row, "land_use");
        const int landUseField = parcels.field("land_use");
        plot.landUse = landUseField < 0 ? std::string()
                                        : trim(layer.attributes.text(row, landUseField));
        if (!status) {
            plot.why.push_back(message("monitor_status_unknown",
                                       "status unknown: cannot tell built (A) from not built (B)"));
        } else if (isBuiltStatus(*status)) {
            if (landUse) {
                // Plots share a few codes: each judged once.
                auto known = builtClasses.find(*landUse);
                if (known == builtClasses.end())
                    known = builtClasses.emplace(*landUse, builtClassOf(*landUse, systems)).first;
                plot.landClass = known->second;
            } else {
                plot.landClass.clear();
            }
            if (plot.landClass.empty()) {
                plot.landClass = "A";
                plot.why.push_back(message(
                    "monitor_land_use_unknown",
                    "land use \"{code}\" unknown or not decidable in its classification: the "
                    "kind of built land (A1–A6) is unknown",
                    {{"code", plot.landUse}}));
            }
        } else {
            // Supplied, not built: ready for supply by definition.
            plot.landClass = "B";
            plot.b1 = "B11";
            plot.b2 = "B21";
        }
        // Supply class: every plot of the parcels layer is supplied.
        const auto supplyType = textOf(parcels, row, "supply_tp");
        const std::optional<bool> allocated =
            supplyType ? isAllocated(*supplyType) : std::optional<bool>();
        if (!allocated) {
            plot.supplyClass = "D";
            if (hasSupplyType)
                plot.why.push_back(message(
                    "monitor_supply_type_unknown",
                    "supply type \"{value}\" unknown: D1 划拨 or D2 有偿 cannot be said",
                    {{"value", supplyType.value_or("")}}));
        } else if (*allocated) {
            plot.supplyClass = "D1";
        } else {
            const auto termEnd = dateOf(parcels, row, "term_end");
            if (!termEnd) {
                plot.supplyClass = "D2";
                if (hasTermEnd)
                    plot.why.push_back(message(
                        "monitor_term_unknown",
                        "term_end unknown: whether the paid term has expired (D21/D22) "
                        "cannot be said"));
            } else {
                plot.supplyClass = *termEnd < options.statisticsDate ? "D22" : "D21";
            }
        }
        plot.idle = !plot.id.empty() && idleIds.count(plot.id);
        if (auto override = textOf(parcels, row, "mon_class"); override && !override->empty())
            applyOverride(plot, *override, parcels, issues);
        for (const Message& said : plot.why)
            report(issues, &parcels, plot.fid, said);
        out.plots.push_back(std::move(plot));
    }
    out.geometry.append(layer.geometry);
    if (!hasSupplyType && layer.featureCount() > 0)
        out.notes.push_back(
            "宗地图层无供地方式字段 supply_tp：已供应土地不分划拨（D1）与有偿（D2）/ parcels have "
            "no supply_tp: D1 and D2 unknown");
    else if (!hasTermEnd && layer.featureCount() > 0)
        out.notes.push_back("宗地图层无使用权终止日期字段 term_end：有偿用地不分未到期（D21）与已到期"
                            "（D22）/ parcels have no term_end: D21 and D22 unknown");
}

void Builder::zoneOfParcels(const ParkLayer& parcels)
{
    const ParkLayer* zones = park.layer(Role::PlanZones);
    if (!zones || zones->layer->geometry.kind() != GeometryKind::Polygon)
        return;
    const GeometryStore& zoneStore = zones->layer->geometry;
    const GeometryStore& store = parcels.layer->geometry;
    EnvelopeIndex index(zoneStore, [](std::size_t) { return true; });
    // Each plot's zone (largest overlap), plot by plot on the workers; each worker builds the
    // zones it meets once.
    std::vector<std::int64_t> zoneOf(out.plots.size(), -1);
    ParallelOptions parallel;
    parallel.threads = workerCount(out.plots.size(), options.threads, 2000);
    parallel.chunk = 256;
    struct ZoneWorker {
        GeosContext geos;
        std::vector<GeosGeomPtr> zones;
        std::vector<std::uint32_t> candidates;
    };
    std::vector<std::unique_ptr<ZoneWorker>> workers;
    for (unsigned i = 0; i < std::max(1u, parallel.threads); ++i)
        workers.push_back(std::make_unique<ZoneWorker>());
    parallelFor(out.plots.size(), parallel, [&](unsigned w, std::size_t begin, std::size_t end) {
        ZoneWorker& worker = *workers[w];
        if (worker.zones.empty())
            worker.zones.resize(zoneStore.featureCount());
        for (std::size_t i = begin; i < end; ++i) {
            const MonitoringPlot& plot = out.plots[i];
            if (plot.source != Role::Parcels || store.featureCount() <= plot.row ||
                store.envelope(plot.row).isEmpty())
                continue;
            GeosGeomPtr g = validPolygon(worker.geos, store, plot.row);
            if (!g)
                continue;
            worker.candidates.clear();
            index.query(store.envelope(plot.row), worker.candidates);
            double best = 0;
            for (std::uint32_t z : worker.candidates) {
                if (!worker.zones[z])
                    worker.zones[z] = validPolygon(worker.geos, zoneStore, z);
                if (!worker.zones[z])
                    continue;
                GeosGeomPtr common = worker.geos.own(
                    GEOSIntersection_r(worker.geos.handle(), g.get(), worker.zones[z].get()));
                double area = 0;
                if (common && GEOSArea_r(worker.geos.handle(), common.get(), &area) == 1 &&
                    area > best) {
                    best = area;
                    zoneOf[i] = z;
                }
            }
        }
    });
    for (std::size_t i = 0; i < out.plots.size(); ++i) {
        if (zoneOf[i] < 0)
            continue;
        const auto z = static_cast<std::size_t>(zoneOf[i]);
        out.plots[i].zoneId = textOf(*zones, z, "zone_id").value_or("");
        out.plots[i].farMax = numberOf(*zones, z, "far_max").value_or(kNaN);
    }
}

/// The approved area no plot covers: roads built or being built (A5, B), protected areas (C),
/// acquisition batches (B, ready by stage), the rest (B22); batches and the rest cut by the plan
/// zones. See Overlay.
void Builder::classRest(const ParkLayer* parcels)
{
    const ParkLayer* boundary = park.layer(Role::Boundary);
    if (!boundary || boundary->layer->geometry.kind() != GeometryKind::Polygon) {
        out.notes.push_back("无边界图层：只计宗地，未覆盖宗地的土地未知 / no boundary layer: "
                            "only the plots are classed");
        return;
    }
    std::vector<GeosGeomPtr> approvedParts;
    for (std::size_t row = 0; row < boundary->layer->featureCount(); ++row)
        if (textOf(*boundary, row, "kind").value_or("") == options.boundaryKind)
            approvedParts.push_back(validPolygon(geos, boundary->layer->geometry, row));
    if (approvedParts.empty()) {
        out.notes.push_back("边界图层无 " + options.boundaryKind +
                            " 范围：只计宗地 / no boundary of that kind: only the plots are "
                            "classed");
        return;
    }
    GeosGeomPtr approved = unionOf(geos, std::move(approvedParts));
    if (!approved) {
        out.notes.push_back("GEOS: " + geos.takeLastError());
        return;
    }

    Overlay overlay(park);
    overlay.threads = workerCount(parcels ? parcels->layer->featureCount() : 0, options.threads,
                                  2000);
    for (unsigned i = 0; i < std::max(1u, overlay.threads); ++i)
        overlay.workers.push_back(std::make_unique<Overlay::Worker>());
    overlay.approvedWkb = geos.toWkb(approved.get());
    auto polygonSource = [&](const ParkLayer* layer, auto&& takes) {
        std::vector<Envelope> envelopes;
        if (layer && layer->layer->geometry.kind() == GeometryKind::Polygon)
            for (std::size_t row = 0; row < layer->layer->featureCount(); ++row)
                envelopes.push_back(takes(row) ? layer->layer->geometry.envelope(row) : Envelope{});
        const GeometryStore* store = layer ? &layer->layer->geometry : nullptr;
        return Overlay::makeSource(std::move(envelopes), [store](GeosContext& g, std::size_t row) {
            return validPolygon(g, *store, row);
        });
    };
    auto everyRow = [](std::size_t) { return true; };
    overlay.sources.push_back(polygonSource(parcels, everyRow));

    // Roads: the red line (the centre line buffered by half of width_m; a polygon as drawn);
    // the built ones take their land first (a junction of a built road and one being built is
    // built), then those being built.
    const ParkLayer* roads = park.layer(Role::Roads);
    std::vector<RoadState> roadStates;
    std::vector<Envelope> builtEnvelopes, buildingEnvelopes;
    if (roads) {
        const Layer& layer = *roads->layer;
        roadStates.assign(layer.featureCount(), RoadState::None);
        const bool lines = layer.geometry.kind() == GeometryKind::Line;
        const bool polygons = layer.geometry.kind() == GeometryKind::Polygon;
        const double unitM = park.crs.linearUnitM() > 0 ? park.crs.linearUnitM() : 1.0;
        std::vector<double> halfWidth(layer.featureCount(), 0);
        builtEnvelopes.resize(layer.featureCount());
        buildingEnvelopes.resize(layer.featureCount());
        if (roads->field("stage") < 0) {
            out.notes.push_back("道路图层无 stage 字段：道路未计入 A5 / the roads layer has no stage: "
                                "roads are not classed A5");
        } else if (lines && park.crs.isGeographic()) {
            out.notes.push_back("工作坐标系为地理坐标，道路红线（米）无法生成：道路未计入 A5 / a "
                                "geographic CRS: road red lines are not drawn");
        } else if (lines || polygons) {
            for (std::size_t row = 0; row < layer.featureCount(); ++row) {
                const RoadState state = roadStateOf(textOf(*roads, row, "stage").value_or(""));
                if (state == RoadState::None || layer.geometry.isEmpty(row))
                    continue;
                Envelope e = layer.geometry.envelope(row);
                if (lines) {
                    const auto width = numberOf(*roads, row, "width_m");
                    if (!width || !std::isfinite(*width) || *width <= 0) {
                        report(issues, roads, layer.fids[row],
                               message("monitor_road_width_unknown",
                                       "road width_m unknown: its red line cannot be drawn, its "
                                       "land is not classed as a road (A5)"));
                        continue;
                    }
                    halfWidth[row] = *width / 2 / unitM;
                    e.minX -= halfWidth[row];
                    e.minY -= halfWidth[row];
                    e.maxX += halfWidth[row];
                    e.maxY += halfWidth[row];
                }
                roadStates[row] = state;
                (state == RoadState::Built ? builtEnvelopes : buildingEnvelopes)[row] = e;
            }
        }
        auto build = [store = &layer.geometry, lines,
                      halfWidth = std::move(halfWidth)](GeosContext& g, std::size_t row) {
            if (!lines)
                return validPolygon(g, *store, row);
            GeosGeomPtr line = g.fromStore(*store, row);
            if (!line)
                return line;
            return g.own(GEOSBuffer_r(g.handle(), line.get(), halfWidth[row], 8));
        };
        overlay.sources.push_back(Overlay::makeSource(std::move(builtEnvelopes), build));
        overlay.sources.push_back(Overlay::makeSource(std::move(buildingEnvelopes), build));
    } else {
        overlay.sources.push_back(Overlay::makeSource({}, {}));
        overlay.sources.push_back(Overlay::makeSource({}, {}));
    }
    const ParkLayer* protectedAreas = park.layer(Role::Protected);
    overlay.sources.push_back(polygonSource(protectedAreas, everyRow));
    const ParkLayer* acquisition = park.layer(Role::Acquisition);
    overlay.sources.push_back(polygonSource(acquisition, everyRow));
    overlay.zones = park.layer(Role::PlanZones);
    if (overlay.zones && overlay.zones->layer->geometry.kind() != GeometryKind::Polygon)
        overlay.zones = nullptr;
    if (overlay.zones) {
        overlay.zoneSource = polygonSource(overlay.zones, everyRow);
        overlay.zoneSystems =
            landUseSystemsOf(*overlay.zones, LandUseClassification::standard()).systems;
    }

    auto roadPiece = [&](std::size_t row) {
        MonitoringPlot plot;
        plot.source = Role::Roads;
        plot.row = row;
        plot.fid = roads->layer->fids[row];
        plot.id = textOf(*roads, row, "name").value_or("");
        plot.landUse = textOf(*roads, row, "stage").value_or("");
        plot.farMax = kNaN;
        // A road carries no floor area and no building.
        plot.floorAreaM2 = plot.footprintM2 = 0;
        plot.supplyClass = "D1";
        if (roadStates[row] == RoadState::Built) {
            plot.landClass = "A5";
        } else {
            plot.landClass = "B";
            plot.b1 = "B11";
            plot.b2 = "B21";
        }
        return plot;
    };
    std::vector<Overlay::Found> pieces = overlay.take(1, false, roadPiece);
    auto append = [&](std::vector<Overlay::Found>& more) {
        for (Overlay::Found& f : more)
            pieces.push_back(std::move(f));
    };
    std::vector<Overlay::Found> more = overlay.take(2, false, roadPiece);
    append(more);
    more = overlay.take(3, false, [&](std::size_t row) {
        MonitoringPlot plot;
        plot.source = Role::Protected;
        plot.row = row;
        plot.fid = protectedAreas->layer->fids[row];
        const auto kind = textOf(*protectedAreas, row, "kind");
        plot.id = kind.value_or("");
        plot.landClass = protectedClassOf(kind.value_or(""));
        plot.supplyClass = "F";
        plot.farMax = kNaN;
        plot.floorAreaM2 = plot.footprintM2 = kNaN;
        return plot;
    });
    append(more);
    std::vector<char> stageReported(acquisition ? acquisition->layer->featureCount() : 0, 0);
    more = overlay.take(4, true, [&](std::size_t row) {
        MonitoringPlot plot;
        plot.source = Role::Acquisition;
        plot.row = row;
        plot.fid = acquisition->layer->fids[row];
        plot.id = textOf(*acquisition, row, "batch_id").value_or("");
        plot.landClass = "B";
        plot.b1 = "B12";
        plot.floorAreaM2 = plot.footprintM2 = kNaN;
        const auto stage = textOf(*acquisition, row, "stage");
        if (!stage)
            plot.why.push_back(message("monitor_stage_unknown",
                                       "acquisition stage unknown: whether the land is ready "
                                       "for supply (B21/B22) cannot be said"));
        else
            plot.b2 = (*stage == "场平" || *stage == "已供地") ? "B21" : "B22";
        return plot;
    });
    for (const Overlay::Found& f : more)
        if (f.plot.b2.empty() && !stageReported[f.plot.row]) {
            stageReported[f.plot.row] = 1;
            report(issues, acquisition, f.plot.fid, f.plot.why.front());
        }
    append(more);
    MonitoringPlot restBase;
    restBase.source = Role::Boundary;
    restBase.landClass = "B";
    restBase.b1 = "B12";
    restBase.b2 = "B22"; // no acquisition: not acquired, so not ready for supply
    restBase.floorAreaM2 = restBase.footprintM2 = kNaN;
    std::vector<Overlay::Found> outside;
    more = overlay.rest(restBase, outside);
    append(more);
    append(outside);

    for (Overlay::Found& f : pieces) {
        const char* problem = nullptr;
        if (!out.geometry.appendWkb(f.wkb.data(), f.wkb.size(), &problem))
            out.geometry.appendEmpty();
        f.plot.areaM2 = measure(out.geometry.featureCount() - 1);
        out.plots.push_back(std::move(f.plot));
    }
}

std::string fixed2(double value)
{
    return std::isnan(value) ? std::string("unknown") : formatForDisplay(value, 2);
}

std::string mu(double areaM2)
{
    return fixed2(muFromM2(areaM2)) + " 亩";
}

/// A sum over plots whose value may be unknown, with the area of the plots counted.
struct KnownSum {
    double value = 0, areaM2 = 0;
    std::size_t count = 0, unknown = 0;
};

} // namespace

MonitoringReport computeMonitoring(const Park& park, int year, const MonitoringOptions& options,
                                   const Economy& economy, IssueSink& issues,
                                   const MonitoringReport* previous)
{
    MonitoringReport out;
    out.park = park.name;
    out.year = year;
    out.options = options;
    out.economy = economy;
    out.geometry.setKind(GeometryKind::Polygon);
    out.notes.push_back("统计时点 " + options.statisticsDate.toIso() + "；面积按图形计算（" +
                        toString(options.areaMethod) + "）/ areas from geometry");
    Builder builder{park, options, issues, out, {}, {}};
    if (!park.crs.isEmpty())
        builder.calculator.emplace(park.crs, options.areaMethod);
    const ParkLayer* parcels = park.layer(Role::Parcels);
    if (parcels && parcels->layer->geometry.kind() != GeometryKind::Polygon)
        parcels = nullptr;
    if (parcels) {
        const LayerMeasure measured =
            measureLayer(*parcels->layer, options.areaMethod, issues, {}, options.threads);
        builder.classParcels(*parcels, measured.areaM2);
        builder.zoneOfParcels(*parcels);
    } else {
        out.notes.push_back("无宗地图层：已供应土地未知 / no parcels layer: supplied land unknown");
    }
    out.buildingsPresent = park.layer(Role::Buildings) != nullptr;
    builder.classRest(parcels);

    // Sums by class.
    Sums sums;
    for (const MonitoringPlot& plot : out.plots) {
        if (std::isnan(plot.areaM2))
            continue;
        if (plot.landClass.empty()) {
            out.unclassedLandM2 += plot.areaM2;
            ++out.unclassedLand;
        } else {
            for (const std::string& code : withParents(plot.landClass))
                sums.add(code, plot.areaM2);
            for (const std::string* sub : {&plot.b1, &plot.b2})
                if (!sub->empty())
                    sums.add(*sub, plot.areaM2), sums.add(sub->substr(0, 2), plot.areaM2);
        }
        if (plot.supplyClass.empty()) {
            out.unclassedSupplyM2 += plot.areaM2;
            ++out.unclassedSupply;
        } else {
            for (const std::string& code : withParents(plot.supplyClass))
                sums.add(code, plot.areaM2);
        }
        if (plot.idle)
            sums.add("G", plot.areaM2);
        // Buildings and potential.
        const bool isA = !plot.landClass.empty() && plot.landClass[0] == 'A';
        const bool isA2 = plot.landClass == "A2";
        if (isA) {
            if (std::isnan(plot.floorAreaM2)) {
                ++out.floorAUnknown;
            } else {
                out.floorA += plot.floorAreaM2;
                out.floorAKnownM2 += plot.areaM2;
            }
            if (std::isnan(plot.footprintM2)) {
                ++out.footprintAUnknown;
            } else {
                out.footprintA += plot.footprintM2;
                out.footprintAKnownM2 += plot.areaM2;
            }
        }
        if (isA2) {
            if (std::isnan(plot.floorAreaM2)) {
                ++out.floorA2Unknown;
            } else {
                out.floorA2 += plot.floorAreaM2;
                out.floorA2KnownM2 += plot.areaM2;
            }
            if (std::isnan(plot.footprintM2)) {
                ++out.footprintA2Unknown;
            } else {
                out.footprintA2 += plot.footprintM2;
                out.footprintA2KnownM2 += plot.areaM2;
            }
        }
        // What the plot could still take: supplied plots and unsupplied ready land (B21) at the
        // zone's far_max, less what is built.
        const bool counts = plot.source == Role::Parcels ||
                            (plot.b2 == "B21" && plot.source != Role::Roads);
        if (counts && !plot.landClass.empty() && plot.landClass[0] != 'C') {
            const double built = plot.source == Role::Parcels ? plot.floorAreaM2 : 0.0;
            if (std::isnan(plot.farMax) || std::isnan(built)) {
                ++out.floorPotentialUnknown;
            } else {
                out.floorPotentialM2 += std::max(0.0, plot.farMax * plot.areaM2 - built);
                ++out.floorPotentialCount;
            }
        }
    }
    out.areaM2ByClass = sums.area;
    out.countByClass = sums.count;

    const double a = out.areaM2("A"), b = out.areaM2("B"), b21 = out.areaM2("B21"),
                 d = out.areaM2("D"), a2 = out.areaM2("A2"), a1 = out.areaM2("A1"),
                 g = out.areaM2("G");
    out.industrialSharePercent = a > 0 ? 100.0 * a2 / a : kNaN;
    out.residentialSharePercent = a > 0 ? 100.0 * a1 / a : kNaN;
    out.zoneType = zoneTypeOf(out.industrialSharePercent, out.residentialSharePercent);
    const std::size_t aUnknownKind = out.countByClass.count("A") ? out.countByClass.at("A") : 0;
    std::size_t aKnownKind = 0;
    for (const char* code : {"A1", "A2", "A3", "A4", "A5", "A6"})
        aKnownKind += out.countByClass.count(code) ? out.countByClass.at(code) : 0;

    auto count = [&](const char* code) {
        const auto found = out.countByClass.find(code);
        return std::to_string(found == out.countByClass.end() ? 0 : found->second);
    };
    std::vector<std::string> landUnknown;
    if (out.unclassedLand)
        landUnknown.push_back(std::to_string(out.unclassedLand) + " 块（" +
                              mu(out.unclassedLandM2) +
                              "）地类未能判定，未计入 A、B、C / land class unknown: in none");
    std::vector<std::string> supplyUnknown = landUnknown;
    if (out.unclassedSupply)
        supplyUnknown.push_back(std::to_string(out.unclassedSupply) + " 块供应类未能判定 / supply "
                                                                      "class unknown");
    std::vector<std::string> kindUnknown = landUnknown;
    if (aKnownKind < aUnknownKind)
        kindUnknown.push_back(std::to_string(aUnknownKind - aKnownKind) +
                              " 宗已建成宗地用途未能判定，未计入 A2 / built plots of unknown kind: "
                              "not in A2");

    auto percentOf = [](double numerator, double denominator) {
        const double r = ratio(numerator, denominator);
        return std::isnan(r) ? kNaN : 100.0 * r;
    };
    auto figure = [&](const char* key, const char* name, const char* formula, double value,
                      const char* unit, std::string inputs, std::string plots,
                      std::vector<std::string> unknowns) {
        MonitoringFigure f;
        f.key = key;
        f.nameZh = name;
        f.formula = formula;
        f.value = value;
        f.unit = unit;
        f.valuePerMu = kNaN;
        f.inputs = std::move(inputs);
        f.plots = std::move(plots);
        f.unknowns = std::move(unknowns);
        f.previous = kNaN;
        f.change = kNaN;
        out.figures.push_back(std::move(f));
        return &out.figures.back();
    };
    figure("land_development_rate", "土地开发率", "(A + B21) / (A + B) × 100%",
           percentOf(a + b21, a + b), "%",
           "A = " + mu(a) + "; B21 = " + mu(b21) + "; B = " + mu(b),
           "A: " + count("A") + "; B21: " + count("B21") + "; B: " + count("B"), landUnknown);
    figure("land_supply_rate", "土地供应率", "D / (A + B21) × 100%", percentOf(d, a + b21), "%",
           "D = " + mu(d) + "; A = " + mu(a) + "; B21 = " + mu(b21),
           "D: " + count("D") + "; A: " + count("A") + "; B21: " + count("B21"), supplyUnknown);
    figure("land_built_rate", "土地建成率", "A / D × 100%", percentOf(a, d), "%",
           "A = " + mu(a) + "; D = " + mu(d), "A: " + count("A") + "; D: " + count("D"),
           supplyUnknown);
    figure("industrial_land_rate", "工业用地率", "A2 / A × 100%", percentOf(a2, a), "%",
           "A2 = " + mu(a2) + "; A = " + mu(a), "A2: " + count("A2") + "; A: " + count("A"),
           kindUnknown);
    auto plotUnknown = [](std::size_t unknown, const char* what) {
        std::vector<std::string> list;
        if (unknown)
            list.push_back(std::to_string(unknown) + " 宗" + what +
                           "未知：不计入分子，其面积也不计入分母 / unknown: left out of both");
        return list;
    };
    figure("floor_area_ratio", "综合容积率", "总建筑面积 / A",
           ratio(out.floorA, out.floorAKnownM2), "",
           "总建筑面积 = " + fixed2(out.floorA) + " m²（parcels.floor_area）; A（建筑面积已知） = " +
               mu(out.floorAKnownM2),
           "A: " + count("A"), plotUnknown(out.floorAUnknown, "建筑面积"));
    std::vector<std::string> footprintUnknown =
        out.buildingsPresent ? plotUnknown(out.footprintAUnknown, "图形无效，建筑基底")
                             : std::vector<std::string>{"无建筑物图层：建筑基底未知 / no "
                                                        "buildings layer"};
    figure("building_density", "建筑密度", "建筑基底面积 / A × 100%",
           out.buildingsPresent ? percentOf(out.footprintA, out.footprintAKnownM2) : kNaN, "%",
           "建筑基底 = " + fixed2(out.footprintA) + " m²（buildings ∩ 宗地）; A = " +
               mu(out.footprintAKnownM2),
           "A: " + count("A"), footprintUnknown);
    figure("industrial_floor_area_ratio", "工业用地综合容积率", "工矿仓储建筑面积 / A2",
           ratio(out.floorA2, out.floorA2KnownM2), "",
           "工矿仓储建筑面积 = " + fixed2(out.floorA2) + " m²; A2（建筑面积已知） = " +
               mu(out.floorA2KnownM2),
           "A2: " + count("A2"), plotUnknown(out.floorA2Unknown, "建筑面积"));
    {
        std::vector<std::string> unknowns =
            out.buildingsPresent ? plotUnknown(out.footprintA2Unknown, "图形无效，建构筑物基底")
                                 : std::vector<std::string>{"无建筑物图层：建构筑物基底未知 / no "
                                                            "buildings layer"};
        unknowns.push_back("堆场基底：图层中没有堆场，此值只含建构筑物，是下限 / open yards are "
                           "not in the layers: a lower bound");
        figure("industrial_building_coefficient", "工业用地建筑系数",
               "(工矿建构筑物基底 + 堆场基底) / A2 × 100%",
               out.buildingsPresent ? percentOf(out.footprintA2, out.footprintA2KnownM2) : kNaN,
               "%",
               "工矿建构筑物基底 = " + fixed2(out.footprintA2) + " m²; 堆场基底 = unknown; A2 = " +
                   mu(out.footprintA2KnownM2),
               "A2: " + count("A2"), unknowns);
    }
    // Money per area: the economy file's zone-level figure, else the plots' own fields.
    auto perArea = [&](const char* key, const char* name, const char* formula,
                       const std::vector<const char*>& economyKeys, const char* plotField,
                       const std::string& classCode, double areaM2) {
        double numerator = 0;
        bool fromEconomy = !economyKeys.empty() && !economy.path.empty();
        std::string inputs;
        std::vector<std::string> unknowns = classCode == "A2" ? kindUnknown : landUnknown;
        double denominatorM2 = areaM2;
        if (fromEconomy) {
            for (const char* k : economyKeys) {
                const double v = economy.value(k);
                numerator += v;
                inputs += std::string(inputs.empty() ? "" : "; ") + k + " = " + fixed2(v) +
                          (economyFigure(k) ? std::string(" ") + economyFigure(k)->unit : "");
                if (std::isnan(v))
                    unknowns.push_back(std::string(k) + " 未知（经济数据文件未给出或已遮蔽）/ "
                                                        "unknown in the economy file");
            }
            inputs += "（" + economy.path + "）";
        } else if (plotField) {
            KnownSum sum;
            for (const MonitoringPlot& plot : out.plots) {
                const bool in = classCode == "A" ? !plot.landClass.empty() &&
                                                       plot.landClass[0] == 'A'
                                                 : plot.landClass == classCode;
                if (!in || std::isnan(plot.areaM2))
                    continue;
                if (plot.source == Role::Roads) {
                    // A road pays no tax and holds no investment: its land counts, with 0.
                    sum.areaM2 += plot.areaM2;
                    continue;
                }
                if (plot.source != Role::Parcels)
                    continue;
                const auto v = numberOf(*parcels, plot.row, plotField);
                if (!v) {
                    ++sum.unknown;
                    continue;
                }
                sum.value += *v;
                sum.areaM2 += plot.areaM2;
                ++sum.count;
            }
            numerator = sum.value;
            denominatorM2 = sum.areaM2;
            inputs = std::string("parcels.") + plotField + " = " + fixed2(sum.value) +
                     " 万元（无经济数据文件：按宗地字段合计 / no economy file: the plots' field）";
            for (const std::string& u : plotUnknown(sum.unknown, plotField))
                unknowns.push_back(u);
        } else {
            numerator = kNaN;
            unknowns.push_back("无经济数据文件 / no economy file (--economy)");
        }
        inputs += (inputs.empty() ? "" : "; ") + classCode + " = " + mu(denominatorM2);
        const double perM2 = ratio(numerator, denominatorM2);
        MonitoringFigure* f =
            figure(key, name, formula, perM2 * kSquareMetresPerHectare,
                   economyKeys.size() == 1 && std::string(economyKeys[0]) == "population"
                       ? "人/公顷"
                       : "万元/公顷",
                   inputs, classCode + ": " + count(classCode.c_str()), unknowns);
        f->valuePerMu = perM2 * kSquareMetresPerMu;
    };
    perArea("industrial_investment_intensity", "工业用地固定资产投入强度",
            "工业（物流）企业累计固定资产投资总额 / A2", {"industrial_investment"}, "invested",
            "A2", a2);
    perArea("industrial_tax_per_area", "工业用地地均税收", "工业企业税收总额 / A2",
            {"tax_industry"}, "tax", "A2", a2);
    figure("idle_land_rate", "土地闲置率", "G / D × 100%", percentOf(g, d), "%",
           "G = " + mu(g) + "; D = " + mu(d), "G: " + count("G") + "; D: " + count("D"),
           supplyUnknown);
    perArea("tax_per_area", "综合地均税收（产城融合型）", "二三产业税收总额 / A",
            {"tax_secondary", "tax_tertiary"}, "tax", "A", a);
    perArea("population_density", "人口密度（产城融合型）", "常住人口 / A", {"population"},
            nullptr, "A", a);

    if (previous) {
        for (MonitoringFigure& f : out.figures)
            for (const MonitoringFigure& before : previous->figures)
                if (before.key == f.key) {
                    f.previous = before.value;
                    f.change = f.value - before.value;
                }
    }
    return out;
}

// --- the tables -------------------------------------------------------------------------------------

namespace {

using Kind = LedgerColumn::Kind;

LedgerCell number(double value)
{
    return std::isnan(value) ? LedgerCell{} : LedgerCell{value};
}

} // namespace

Ledger monitoringLedger(const MonitoringReport& report, bool withPlots, bool chinese)
{
    auto say = [chinese](const char* zh, const char* en) { return std::string(chinese ? zh : en); };
    auto className = [&](const std::string& code) {
        const MonitoringClassDef* def = monitoringClass(code);
        return def ? say(def->nameZh, def->nameEn) : code;
    };
    Ledger ledger;
    ledger.kind = "monitor";
    ledger.title = say("开发区土地集约利用监测统计", "Land-use monitoring of the development zone") +
                   " " + std::to_string(report.year);
    ledger.park = report.park;
    ledger.notes = report.notes;

    auto areaTable = [&](const char* id, std::string title,
                         const std::vector<std::pair<std::string, std::string>>& rows) {
        LedgerTable table;
        table.id = id;
        table.title = std::move(title);
        table.columns = {{"code", say("代码", "code"), Kind::Text},
                         {"class", say("地类", "class"), Kind::Text},
                         {"area_mu", say("面积（亩）", "area (mu)"), Kind::Union, 2},
                         {"area_m2", say("面积（m²）", "area (m²)"), Kind::Union, 2},
                         {"count", say("块数", "pieces"), Kind::Count}};
        for (const auto& [code, name] : rows) {
            const auto found = report.areaM2ByClass.find(code);
            const double m2 = found == report.areaM2ByClass.end() ? 0.0 : found->second;
            const auto counted = report.countByClass.find(code);
            table.rows.push_back({code, name, muFromM2(m2), m2,
                                  static_cast<std::int64_t>(
                                      counted == report.countByClass.end() ? 0 : counted->second)});
        }
        return table;
    };
    auto withNames = [&](std::initializer_list<const char*> codes) {
        std::vector<std::pair<std::string, std::string>> rows;
        for (const char* code : codes)
            rows.emplace_back(code, className(code));
        return rows;
    };
    // Parent rows whose children do not add up (a plot of unknown kind) get a row of their own.
    auto unsplit = [&](const char* parent, std::initializer_list<const char*> children) {
        double rest = report.areaM2(parent);
        std::size_t restCount =
            report.countByClass.count(parent) ? report.countByClass.at(parent) : 0;
        for (const char* child : children) {
            rest -= report.areaM2(child);
            restCount -= report.countByClass.count(child) ? report.countByClass.at(child) : 0;
        }
        return std::make_pair(rest, restCount);
    };

    // 1. Area by class.
    LedgerTable land = areaTable(
        "land", say("表一 土地利用状况（按地类）", "1. Land by class"),
        withNames({"A", "A1", "A2", "A3", "A4", "A5", "A6", "B", "B11", "B12", "B21", "B22", "C",
                   "C1", "C2", "C3"}));
    const auto [aRest, aRestCount] = unsplit("A", {"A1", "A2", "A3", "A4", "A5", "A6"});
    if (aRestCount > 0)
        land.rows.insert(land.rows.begin() + 7,
                         {std::string("A"), say("已建成，用途未能判定", "built, kind unknown"),
                          muFromM2(aRest), aRest, static_cast<std::int64_t>(aRestCount)});
    if (report.unclassedLand > 0)
        land.rows.push_back({std::string(), say("地类未能判定", "class unknown"),
                             muFromM2(report.unclassedLandM2), report.unclassedLandM2,
                             static_cast<std::int64_t>(report.unclassedLand)});
    {
        double total = report.unclassedLandM2;
        std::size_t pieces = report.unclassedLand;
        for (const char* code : {"A", "B", "C"}) {
            total += report.areaM2(code);
            pieces += report.countByClass.count(code) ? report.countByClass.at(code) : 0;
        }
        land.total = {say("合计", "total"), std::string(), muFromM2(total), total,
                      static_cast<std::int64_t>(pieces)};
        land.notes.push_back(say("B 按供应分为 B11、B12，按供地条件分为 B21、B22（两种分法各自合计为 B）",
                                 "B splits by supply into B11, B12 and by readiness into B21, B22 "
                                 "(each pair adds up to B)"));
    }
    ledger.tables.push_back(std::move(land));

    // 2. Supply.
    LedgerTable supply =
        areaTable("supply", say("表二 土地供应状况", "2. Supply"),
                  withNames({"D", "D1", "D2", "D21", "D22", "E", "E1", "E2", "E21", "E22", "F",
                             "G"}));
    if (const auto [dRest, dCount] = unsplit("D", {"D1", "D2"}); dCount > 0)
        supply.rows.insert(supply.rows.begin() + 5,
                           {std::string("D"),
                            say("已供应，供地方式未知", "supplied, supply type unknown"),
                            muFromM2(dRest), dRest, static_cast<std::int64_t>(dCount)});
    if (report.unclassedSupply > 0)
        supply.rows.push_back({std::string(), say("供应类未能判定", "supply class unknown"),
                               muFromM2(report.unclassedSupplyM2), report.unclassedSupplyM2,
                               static_cast<std::int64_t>(report.unclassedSupply)});
    supply.notes.push_back(say("G 闲置土地含于 D；D2 未细分者为到期日期未知，E 未细分者为规划用途未知",
                               "G lies within D; D2 not split: expiry unknown; E not split: plan "
                               "use unknown"));
    ledger.tables.push_back(std::move(supply));

    // 3. Buildings.
    {
        LedgerTable table;
        table.id = "buildings";
        table.title = say("表三 建筑状况", "3. Buildings");
        table.columns = {{"item", say("项目", "item"), Kind::Text},
                         {"area_m2", say("面积（m²）", "area (m²)"), Kind::Ratio, 2},
                         {"counted", say("计入宗数", "plots counted"), Kind::Count},
                         {"unknown", say("未知宗数", "plots unknown"), Kind::Count}};
        auto counted = [&](const char* code, std::size_t unknown) {
            const auto found = report.countByClass.find(code);
            const std::size_t all = found == report.countByClass.end() ? 0 : found->second;
            return static_cast<std::int64_t>(all >= unknown ? all - unknown : 0);
        };
        std::size_t allA = 0;
        for (const auto& [code, n] : report.countByClass)
            if (code == "A")
                allA = n;
        (void)allA;
        table.rows.push_back({say("总建筑面积（A）", "floor area on A"), report.floorA,
                              counted("A", report.floorAUnknown),
                              static_cast<std::int64_t>(report.floorAUnknown)});
        table.rows.push_back({say("工矿仓储建筑面积（A2）", "floor area on A2"), report.floorA2,
                              counted("A2", report.floorA2Unknown),
                              static_cast<std::int64_t>(report.floorA2Unknown)});
        table.rows.push_back(
            {say("建筑基底面积（A）", "building footprint on A"),
             report.buildingsPresent ? number(report.footprintA) : LedgerCell{},
             counted("A", report.footprintAUnknown),
             static_cast<std::int64_t>(report.footprintAUnknown)});
        table.rows.push_back(
            {say("工矿建构筑物基底面积（A2）", "building footprint on A2"),
             report.buildingsPresent ? number(report.footprintA2) : LedgerCell{},
             counted("A2", report.footprintA2Unknown),
             static_cast<std::int64_t>(report.footprintA2Unknown)});
        table.rows.push_back({say("堆场基底面积（A2）", "open yards on A2"), LedgerCell{},
                              LedgerCell{}, LedgerCell{}});
        table.notes.push_back(say("建筑面积取宗地 floor_area；基底取建筑物图层与宗地相交后合并的面积；"
                                  "堆场不在图层中，未知",
                                  "floor area from parcels.floor_area; footprints from the "
                                  "buildings within each plot; yards are not in the layers"));
        ledger.tables.push_back(std::move(table));
    }

    // 4. Economy.
    {
        LedgerTable table;
        table.id = "economy";
        table.title = say("表四 经济状况", "4. Economy");
        table.columns = {{"key", say("代码", "key"), Kind::Text},
                         {"item", say("项目", "item"), Kind::Text},
                         {"value", say("数值", "value"), Kind::Ratio, 2},
                         {"unit", say("单位", "unit"), Kind::Text}};
        for (const EconomyFigureDef& def : economyFigures())
            table.rows.push_back({std::string(def.key), std::string(def.nameZh),
                                  number(report.economy.value(def.key)), std::string(def.unit)});
        table.notes.push_back(report.economy.path.empty()
                                  ? say("无经济数据文件（--economy）：各项未知",
                                        "no economy file (--economy): every figure unknown")
                                  : say("来源：", "from ") + report.economy.path);
        ledger.tables.push_back(std::move(table));
    }

    // 5. Indicators, with the zone type.
    {
        LedgerTable table;
        table.id = "indicators";
        table.title = say("表五 土地集约利用指标", "5. Indicators");
        table.columns = {{"key", say("代码", "key"), Kind::Text},
                         {"indicator", say("指标", "indicator"), Kind::Text},
                         {"value", say("数值", "value"), Kind::Ratio, 2},
                         {"unit", say("单位", "unit"), Kind::Text},
                         {"value_per_mu", say("万元/亩", "per mu"), Kind::Ratio, 2},
                         {"previous", say("上年", "last year"), Kind::Ratio, 2},
                         {"change", say("同比变化", "change"), Kind::Ratio, 2},
                         {"formula", say("公式", "formula"), Kind::Text},
                         {"inputs", say("输入", "inputs"), Kind::Text},
                         {"plots", say("地块", "plots"), Kind::Text},
                         {"unknowns", say("未知", "unknown"), Kind::Text}};
        table.rows.push_back({std::string("industrial_share"),
                              say("工矿仓储用地占已建成用地比例", "A2 / A"),
                              number(report.industrialSharePercent), std::string("%"),
                              LedgerCell{}, LedgerCell{}, LedgerCell{}, std::string("A2 / A"),
                              std::string(), std::string(), std::string()});
        table.rows.push_back({std::string("residential_share"),
                              say("住宅用地占已建成用地比例", "A1 / A"),
                              number(report.residentialSharePercent), std::string("%"),
                              LedgerCell{}, LedgerCell{}, LedgerCell{}, std::string("A1 / A"),
                              std::string(), std::string(), std::string()});
        table.rows.push_back({std::string("zone_type"), say("开发区类型", "zone type"),
                              std::string(zoneTypeNameZh(report.zoneType)), std::string(),
                              LedgerCell{}, LedgerCell{}, LedgerCell{},
                              std::string("A2/A > 30% 且 A1/A < 25% → 工业主导型；A2/A ≤ 30% 且 "
                                          "A1/A ≥ 25% → 产城融合型；其余 → 其他"),
                              std::string(), std::string(), std::string()});
        for (const MonitoringFigure& f : report.figures) {
            std::string unknowns;
            for (const std::string& u : f.unknowns)
                unknowns += (unknowns.empty() ? "" : "；") + u;
            table.rows.push_back({f.key, f.nameZh, number(f.value), f.unit, number(f.valuePerMu),
                                  number(f.previous), number(f.change), f.formula, f.inputs,
                                  f.plots, unknowns});
        }
        table.notes.push_back(say("同比变化：百分比指标为百分点，其余为差值；无历史时未知",
                                  "change: percentage points for a %, else the difference; "
                                  "unknown without history"));
        ledger.tables.push_back(std::move(table));
    }

    // 6. Potential.
    {
        LedgerTable table;
        table.id = "potential";
        table.title = say("表六 土地利用潜力", "6. Potential");
        table.columns = {{"item", say("项目", "item"), Kind::Text},
                         {"value", say("数值", "value"), Kind::Ratio, 2},
                         {"unit", say("单位", "unit"), Kind::Text},
                         {"note", say("说明", "note"), Kind::Text}};
        const double b21 = report.areaM2("B21");
        const double developable = report.areaM2("A") + report.areaM2("B");
        table.rows.push_back({say("待建地规模（B21）", "land ready to build (B21)"),
                              muFromM2(b21), std::string("亩"), std::string()});
        table.rows.push_back({say("待建地规模（B21）", "land ready to build (B21)"), b21,
                              std::string("m²"), std::string()});
        table.rows.push_back({say("待建地占可开发建设土地比例", "share of A + B"),
                              number(developable > 0 ? 100.0 * b21 / developable : std::nan("")),
                              std::string("%"), std::string("B21 / (A + B)")});
        table.rows.push_back(
            {say("按规划容积率尚可建设建筑面积", "floor area still allowed by the plan FAR"),
             report.floorPotentialM2, std::string("m²"),
             std::to_string(report.floorPotentialCount) +
                 say(" 块计入；", " pieces counted; ") +
                 std::to_string(report.floorPotentialUnknown) +
                 say(" 块容积率上限或建筑面积未知，未计入",
                     " with unknown far_max or floor area left out")});
        table.notes.push_back(say("尚可建设建筑面积 = Σ max(0, 控规 far_max × 面积 − 已建建筑面积)，"
                                  "对宗地与未供应的 B21 土地",
                                  "Σ max(0, far_max × area − floor area) over the plots and the "
                                  "unsupplied B21 land"));
        ledger.tables.push_back(std::move(table));
    }

    if (withPlots) {
        LedgerTable table;
        table.id = "plots";
        table.title = say("表七 地块分类", "7. Plots by class");
        table.columns = {{"source", say("来源", "source"), Kind::Text},
                         {"fid", "fid", Kind::Text},
                         {"id", say("编号", "id"), Kind::Text},
                         {"area_mu", say("面积（亩）", "area (mu)"), Kind::Amount, 2},
                         {"land_class", say("地类", "land class"), Kind::Text},
                         {"b1", "B1", Kind::Text},
                         {"b2", "B2", Kind::Text},
                         {"supply_class", say("供应", "supply"), Kind::Text},
                         {"idle", "G", Kind::Text},
                         {"land_use", say("用途", "land use"), Kind::Text},
                         {"zone_id", say("控规地块", "plan zone"), Kind::Text},
                         {"override", say("字段指定", "overridden"), Kind::Text},
                         {"why", say("未能判定原因", "why unknown"), Kind::Text}};
        double total = 0;
        for (const MonitoringPlot& plot : report.plots) {
            std::string why;
            for (const Message& said : plot.why)
                why += (why.empty() ? "" : "; ") + said.english;
            table.rows.push_back(
                {std::string(toString(plot.source)),
                 plot.fid < 0 ? std::string() : std::to_string(plot.fid), plot.id,
                 number(muFromM2(plot.areaM2)), plot.landClass, plot.b1, plot.b2,
                 plot.supplyClass, std::string(plot.idle ? "G" : ""), plot.landUse, plot.zoneId,
                 std::string(plot.overridden ? "mon_class" : ""), why});
            if (!std::isnan(plot.areaM2))
                total += muFromM2(plot.areaM2);
        }
        table.total = {say("合计", "total"), std::string(), std::string(), total, std::string(),
                       std::string(), std::string(), std::string(), std::string(), std::string(),
                       std::string(), std::string(), std::string()};
        ledger.tables.push_back(std::move(table));
    }
    return ledger;
}

} // namespace parkatlas::geo
