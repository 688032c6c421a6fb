#include "geo/diff/work_summary.h"

#include "geo/decimal_text.h"
#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/measure/layer_measure.h"
#include "geo/model/park.h"
#include "geo/units.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <cpl_json.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace parkatlas::geo {

namespace {

Date lastDayOfMonth(int year, unsigned month)
{
    const Date next = month == 12 ? Date::fromYmd(year + 1, 1, 1) : Date::fromYmd(year, month + 1, 1);
    return Date{next.daysSinceEpoch - 1};
}

bool allDigits(std::string_view text)
{
    if (text.empty())
        return false;
    for (char c : text)
        if (c < '0' || c > '9')
            return false;
    return true;
}

} // namespace

std::optional<Period> Period::parse(std::string_view text)
{
    if (text.size() < 6 || !allDigits(text.substr(0, 4)))
        return std::nullopt;
    const int year = std::stoi(std::string(text.substr(0, 4)));
    if (year < 1900 || year > 2200)
        return std::nullopt;
    const std::string_view rest = text.substr(4);
    Period period;
    char buffer[16];
    if (rest.size() == 2 && (rest[0] == 'H' || rest[0] == 'h') && (rest[1] == '1' || rest[1] == '2')) {
        const unsigned half = rest[1] - '0';
        period.from = Date::fromYmd(year, half == 1 ? 1 : 7, 1);
        period.to = lastDayOfMonth(year, half == 1 ? 6 : 12);
        std::snprintf(buffer, sizeof buffer, "%dH%u", year, half);
    } else if (rest.size() == 2 && (rest[0] == 'Q' || rest[0] == 'q') && rest[1] >= '1' &&
               rest[1] <= '4') {
        const unsigned quarter = rest[1] - '0';
        period.from = Date::fromYmd(year, 3 * quarter - 2, 1);
        period.to = lastDayOfMonth(year, 3 * quarter);
        std::snprintf(buffer, sizeof buffer, "%dQ%u", year, quarter);
    } else if (rest.size() == 3 && rest[0] == '-' && allDigits(rest.substr(1))) {
        const unsigned month = std::stoi(std::string(rest.substr(1)));
        if (month < 1 || month > 12)
            return std::nullopt;
        period.from = Date::fromYmd(year, month, 1);
        period.to = lastDayOfMonth(year, month);
        std::snprintf(buffer, sizeof buffer, "%d-%02u", year, month);
    } else {
        return std::nullopt;
    }
    period.label = buffer;
    return period;
}

Period Period::yearToDate() const
{
    Period out;
    out.from = Date::fromYmd(from.year(), 1, 1);
    out.to = to;
    out.label = std::to_string(from.year()) + " 1–" + std::to_string(to.month()) + "月";
    return out;
}

Period Period::yearBefore() const
{
    Period out;
    out.from = Date::fromYmd(from.year() - 1, from.month(), from.day());
    out.to = lastDayOfMonth(to.year() - 1, to.month());
    out.label = std::to_string(from.year() - 1) + label.substr(4);
    return out;
}

const std::vector<SummaryIndicatorDef>& summaryIndicators()
{
    static const std::vector<SummaryIndicatorDef> list = {
        {"supplied_mu", "供地面积", "亩"},
        {"supplied_parcels", "供地宗数", "宗"},
        {"started_projects", "新开工项目", "个"},
        {"started_mu", "新开工项目用地", "亩"},
        {"stopped_projects", "停工项目", "个"},
        {"completed_projects", "竣工投产项目", "个"},
        {"acquisition_advanced_mu", "征地推进面积", "亩"},
        {"settled_households", "新安置户数", "户"},
        {"settled_persons", "新安置人数", "人"},
        {"road_km_built", "道路建成", "km"},
        {"pipeline_km_built", "管网建成", "km"},
        {"idle_identified_mu", "闲置土地认定", "亩"},
        {"idle_disposed_mu", "闲置土地处置", "亩"},
    };
    return list;
}

namespace {

std::string knownIds()
{
    std::string out;
    for (const SummaryIndicatorDef& def : summaryIndicators())
        out += (out.empty() ? "" : ", ") + std::string(def.id);
    return out;
}

bool isIndicator(const std::string& id)
{
    for (const SummaryIndicatorDef& def : summaryIndicators())
        if (id == def.id)
            return true;
    return false;
}

void addTarget(Targets& targets, const std::string& id, std::optional<double> value,
               const std::string& where)
{
    if (!isIndicator(id))
        throw IoError("unknown indicator \"" + id + "\"" + where + " (known: " + knownIds() + ")",
                      {targets.path, {}, -1, {}});
    if (!value || !std::isfinite(*value))
        throw IoError("the target of \"" + id + "\"" + where + " is not a number",
                      {targets.path, {}, -1, {}});
    targets.values[id] = *value;
}

Targets readJsonTargets(const std::string& path)
{
    Targets targets;
    targets.path = path;
    CPLJSONDocument document;
    {
        GdalErrorCapture errors;
        if (!document.Load(path))
            throw IoError("cannot read the targets file: " + (errors.lastFailure().empty()
                                                                  ? std::string("not valid JSON")
                                                                  : errors.lastFailure()),
                          {path, {}, -1, {}});
    }
    const CPLJSONObject root = document.GetRoot();
    if (root.GetType() != CPLJSONObject::Type::Object)
        throw IoError("not a JSON object ({\"year\": 2026, \"targets\": {\"supplied_mu\": 1500}})",
                      {path, {}, -1, {}});
    const CPLJSONObject year = root.GetObj("year");
    if (year.IsValid()) {
        if (year.GetType() != CPLJSONObject::Type::Integer)
            throw IoError("\"year\" is not a whole number", {path, {}, -1, {}});
        targets.year = year.ToInteger();
    }
    const CPLJSONObject values = root.GetObj("targets");
    if (!values.IsValid() || values.GetType() != CPLJSONObject::Type::Object)
        throw IoError("no \"targets\" object ({\"supplied_mu\": 1500, …})", {path, {}, -1, {}});
    for (const CPLJSONObject& child : values.GetChildren()) {
        std::optional<double> number;
        const auto type = child.GetType();
        if (type == CPLJSONObject::Type::Integer || type == CPLJSONObject::Type::Long ||
            type == CPLJSONObject::Type::Double)
            number = child.ToDouble();
        addTarget(targets, child.GetName(), number, "");
    }
    return targets;
}

Targets readXlsxTargets(const std::string& path)
{
    ensureGdal();
    Targets targets;
    targets.path = path;
    const char* drivers[] = {"XLSX", nullptr};
    const char* options[] = {"HEADERS=FORCE", "FIELD_TYPES=AUTO", nullptr};
    // The first row is the header even when every cell below is text too (GDAL 3.6 reads the
    // configuration option; later versions the open option).
    // The sheet is parsed when first read, so the option stays set until the end.
    struct HeadersForced {
        HeadersForced() { CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "FORCE"); }
        ~HeadersForced() { CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", nullptr); }
    } headersForced;
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                                   drivers, options, nullptr));
    if (!dataset || dataset->GetLayerCount() == 0)
        throw IoError(std::string("cannot open the workbook: ") + CPLGetLastErrorMsg(),
                      {path, {}, -1, {}});
    OGRLayer* sheet = dataset->GetLayer(0);
    OGRFeatureDefn* defn = sheet->GetLayerDefn();
    int indicator = -1, target = -1;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const std::string name = defn->GetFieldDefn(i)->GetNameRef();
        if (name == "indicator" || name == "指标")
            indicator = i;
        if (name == "target" || name == "目标")
            target = i;
    }
    if (indicator < 0 || target < 0)
        throw IoError("the first sheet needs the columns indicator (指标) and target (目标)",
                      {path, sheet->GetName(), -1, {}});
    for (auto& feature : *sheet) {
        if (!feature->IsFieldSetAndNotNull(indicator))
            continue;
        const std::string id = feature->GetFieldAsString(indicator);
        std::optional<double> value;
        if (feature->IsFieldSetAndNotNull(target)) {
            // Whatever LC_NUMERIC says (strtod reads "1.5" as 1 under a decimal-comma locale).
            value = parseDecimal(feature->GetFieldAsString(target));
        }
        addTarget(targets, id, value,
                  " (sheet " + std::string(sheet->GetName()) + ", row " +
                      std::to_string(feature->GetFID() + 1) + ")");
    }
    return targets;
}

std::string lower(std::string text)
{
    for (char& c : text)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return text;
}

} // namespace

Targets readTargets(const std::string& path)
{
    const std::string name = lower(path);
    if (name.size() > 5 && name.substr(name.size() - 5) == ".xlsx")
        return readXlsxTargets(path);
    return readJsonTargets(path);
}

namespace {

using Kind = LedgerColumn::Kind;

struct Figure {
    std::optional<double> value;
    std::vector<std::string> ids;
};

struct DateFigures {
    Figure suppliedMu, suppliedParcels, startedProjects, startedMu, stoppedProjects;
};

/// What the parcels' own dates say about a stretch of time.
DateFigures dateFigures(const ParkLayer* parcels, const std::vector<double>& areaM2,
                        const Period& period)
{
    DateFigures out;
    if (!parcels)
        return out;
    const Layer& layer = *parcels->layer;
    const int idField = parcels->field("parcel_id");
    auto dateOf = [&](std::size_t row, const char* field) -> std::optional<Date> {
        const int index = parcels->field(field);
        if (index < 0 || layer.attributes.isUnknown(row, index))
            return std::nullopt;
        if (auto date = layer.attributes.date(row, index))
            return date;
        return Date::parse(layer.attributes.text(row, index));
    };
    const bool hasSupply = parcels->field("supply_dt") >= 0;
    const bool hasStart = parcels->field("act_start") >= 0;
    const bool hasStopped = parcels->field("stopped") >= 0;
    for (Figure* f : {&out.suppliedMu, &out.suppliedParcels})
        if (hasSupply)
            f->value = 0;
    for (Figure* f : {&out.startedProjects, &out.startedMu})
        if (hasStart)
            f->value = 0;
    if (hasStopped)
        out.stoppedProjects.value = 0;
    for (std::size_t row = 0; row < layer.featureCount(); ++row) {
        const std::string id = idField >= 0 && !layer.attributes.isUnknown(row, idField)
                                   ? layer.attributes.text(row, idField)
                                   : "fid " + std::to_string(layer.fids[row]);
        const double mu = row < areaM2.size() ? areaM2[row] / kSquareMetresPerMu : std::nan("");
        auto add = [&](Figure& count, Figure* area) {
            *count.value += 1;
            count.ids.push_back(id);
            if (area && std::isfinite(mu)) {
                *area->value += mu;
                area->ids.push_back(id);
            }
        };
        if (const auto d = dateOf(row, "supply_dt"); d && period.contains(*d))
            add(out.suppliedParcels, &out.suppliedMu);
        if (const auto d = dateOf(row, "act_start"); d && period.contains(*d))
            add(out.startedProjects, &out.startedMu);
        if (const auto d = dateOf(row, "stopped"); d && period.contains(*d))
            add(out.stoppedProjects, nullptr);
    }
    return out;
}

const LedgerTable* tableOf(const Ledger& ledger, const std::string& id)
{
    for (const LedgerTable& table : ledger.tables)
        if (table.id == id)
            return &table;
    return nullptr;
}

std::optional<double> cellValue(const LedgerCell& cell)
{
    if (const double* d = std::get_if<double>(&cell))
        return *d;
    if (const std::int64_t* i = std::get_if<std::int64_t>(&cell))
        return static_cast<double>(*i);
    return std::nullopt;
}

std::size_t columnOf(const LedgerTable& table, const std::string& key)
{
    for (std::size_t c = 0; c < table.columns.size(); ++c)
        if (table.columns[c].key == key)
            return c;
    return table.columns.size();
}

/// Σ of column `key` over the rows of `tableId` whose first cell starts with `prefix` (all
/// rows when ""), with the ids in `idsKey` of those rows.
Figure sumOf(const Ledger& progress, const std::string& tableId, const std::string& key,
             const std::string& prefix = "", const std::string& idsKey = "ids")
{
    Figure figure;
    const LedgerTable* table = tableOf(progress, tableId);
    if (!table)
        return figure;
    const std::size_t column = columnOf(*table, key), ids = columnOf(*table, idsKey);
    if (column == table->columns.size())
        return figure;
    figure.value = 0;
    for (const auto& row : table->rows) {
        const std::string* label = std::get_if<std::string>(&row[0]);
        if (!label || label->rfind(prefix, 0) != 0)
            continue;
        if (const auto v = cellValue(row[column]))
            *figure.value += *v;
        if (ids < row.size())
            if (const std::string* text = std::get_if<std::string>(&row[ids]); text && !text->empty())
                figure.ids.push_back(*text);
    }
    return figure;
}

} // namespace

Ledger buildWorkSummary(const Park& park, const Period& period, const Park* previous,
                        const ParkDiff* diff, const Targets* targets,
                        const SummaryOptions& options, IssueSink& issues)
{
    Ledger ledger{"summary", "工作总结主要指标 / work summary " + period.label, park.name, {}, {}};
    ledger.notes.push_back("期间 period " + period.from.toIso() + " – " + period.to.toIso() +
                           "；累计 year to date " + period.yearToDate().from.toIso() + " – " +
                           period.to.toIso() + "；同比 " + period.yearBefore().from.toIso() +
                           " – " + period.yearBefore().to.toIso());
    const ParkLayer* parcels = park.layer(Role::Parcels);
    std::vector<double> areaM2;
    if (parcels)
        areaM2 = measureLayer(*parcels->layer, options.areaMethod, issues).areaM2;
    const DateFigures now = dateFigures(parcels, areaM2, period);
    const DateFigures ytd = dateFigures(parcels, areaM2, period.yearToDate());
    const DateFigures lastYear = dateFigures(parcels, areaM2, period.yearBefore());

    std::map<std::string, Figure> diffFigures;
    if (previous && diff) {
        ProgressOptions progressOptions = options.progress;
        progressOptions.areaMethod = options.areaMethod;
        progressOptions.findings = false;
        progressOptions.from = period.from;
        progressOptions.to = period.to;
        const Ledger progress = diffProgress(*previous, park, *diff, progressOptions, issues);
        diffFigures["completed_projects"] = sumOf(progress, "projects", "parcels", "竣工");
        diffFigures["acquisition_advanced_mu"] = sumOf(progress, "acquisition_moves", "area_mu");
        diffFigures["settled_households"] = sumOf(progress, "settled", "households");
        diffFigures["settled_persons"] = sumOf(progress, "settled", "persons");
        diffFigures["road_km_built"] = sumOf(progress, "works_by_class", "km_built_period", "道路");
        diffFigures["pipeline_km_built"] =
            sumOf(progress, "works_by_class", "km_built_period", "管网");
        diffFigures["idle_identified_mu"] = sumOf(progress, "idle", "area_mu", "新认定");
        diffFigures["idle_disposed_mu"] = sumOf(progress, "idle", "area_mu", "新处置");
        ledger.notes.push_back("征地、安置、工程、闲置土地与竣工按期初 " + previous->name +
                               " 与期末的对比得出 / from the comparison with the previous park");
    } else {
        ledger.notes.push_back("没有期初数据（--previous），征地、安置、工程、闲置土地与竣工指标未知 / "
                               "without --previous those figures are unknown");
    }
    if (targets && targets->year && *targets->year != period.from.year())
        throw IoError("the targets are for " + std::to_string(*targets->year) + ", the period " +
                          period.label + " is in " + std::to_string(period.from.year()),
                      {targets->path, {}, -1, {}});
    const bool periodStartsTheYear = period.from.month() == 1 && period.from.day() == 1;

    LedgerTable table{"summary", "主要指标完成情况", {}, {}, {}, {}};
    table.columns = {{"indicator", "指标代码", Kind::Text},
                     {"name", "指标", Kind::Text},
                     {"unit", "单位", Kind::Text},
                     {"period", "本期", Kind::Ratio, 2},
                     {"year_to_date", "年累计", Kind::Ratio, 2},
                     {"target", "年度目标", Kind::Ratio, 2},
                     {"completion_pct", "完成率（%）", Kind::Ratio, 1},
                     {"same_period_last_year", "上年同期", Kind::Ratio, 2},
                     {"yoy_pct", "同比（%）", Kind::Ratio, 1},
                     {"ids", "所计要素", Kind::Text}};
    auto dateFigure = [](const DateFigures& f, const std::string& id) -> const Figure* {
        if (id == "supplied_mu")
            return &f.suppliedMu;
        if (id == "supplied_parcels")
            return &f.suppliedParcels;
        if (id == "started_projects")
            return &f.startedProjects;
        if (id == "started_mu")
            return &f.startedMu;
        if (id == "stopped_projects")
            return &f.stoppedProjects;
        return nullptr;
    };
    auto cell = [](std::optional<double> v) -> LedgerCell {
        if (!v || !std::isfinite(*v))
            return std::monostate{};
        return *v;
    };
    // Counts (宗, 个, 户, 人) as whole numbers where they are whole.
    auto countOrCell = [&](const SummaryIndicatorDef& def, std::optional<double> v) -> LedgerCell {
        const std::string unit = def.unit;
        if (v && (unit == "宗" || unit == "个" || unit == "户" || unit == "人") &&
            *v == std::floor(*v) && std::fabs(*v) < 1e15)
            return static_cast<std::int64_t>(*v);
        return cell(v);
    };
    for (const SummaryIndicatorDef& def : summaryIndicators()) {
        std::optional<double> value, yearToDate, target, lastYearValue;
        std::vector<std::string> ids;
        if (const Figure* f = dateFigure(now, def.id)) {
            value = f->value;
            ids = f->ids;
            yearToDate = dateFigure(ytd, def.id)->value;
            lastYearValue = dateFigure(lastYear, def.id)->value;
        } else if (diffFigures.count(def.id)) {
            value = diffFigures[def.id].value;
            ids = diffFigures[def.id].ids;
            if (periodStartsTheYear)
                yearToDate = value;
        }
        if (targets) {
            const auto it = targets->values.find(def.id);
            if (it != targets->values.end())
                target = it->second;
        }
        std::optional<double> completion, yoy;
        if (yearToDate && target && *target != 0)
            completion = 100.0 * *yearToDate / *target;
        if (value && lastYearValue && *lastYearValue != 0)
            yoy = 100.0 * (*value - *lastYearValue) / *lastYearValue;
        std::string idText;
        for (const std::string& id : ids)
            idText += (idText.empty() ? "" : "、") + id;
        table.rows.push_back({std::string(def.id), std::string(def.name), std::string(def.unit),
                              countOrCell(def, value), countOrCell(def, yearToDate),
                              countOrCell(def, target), cell(completion),
                              countOrCell(def, lastYearValue), cell(yoy), idText});
    }
    table.notes.push_back("完成率 = 年累计 / 年度目标；同比 = (本期 − 上年同期) / 上年同期；"
                          "空白为未知（缺期初数据或历史）/ blank: unknown");
    if (!periodStartsTheYear && previous)
        table.notes.push_back("对比得出的指标只有本期值：年累计需要年初的数据 / year to date of "
                              "the compared figures needs the park as of 1 January");
    ledger.tables.push_back(std::move(table));
    return ledger;
}

} // namespace parkatlas::geo
