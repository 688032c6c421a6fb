#include "app/render/page_tables.h"

#include "geo/error.h"
#include "geo/model/land_use_classification.h"

#include "app/render/role_style_book.h"
#include "geo/measure/layer_measure.h"
#include "geo/model/display_names.h"
#include "geo/model/park.h"
#include "geo/rules/findings_total.h"
#include "geo/units.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace parkatlas::render {

namespace {

constexpr double kSquareMetresPerMu = 10000.0 / 15.0;

const char* methodChineseName(geo::AreaMethod method)
{
    switch (method) {
    case geo::AreaMethod::Ellipsoidal:
        return "椭球面积";
    case geo::AreaMethod::Survey:
        return "三调椭球面积";
    case geo::AreaMethod::Planar:
        return "平面面积";
    }
    return "";
}

} // namespace

geo::LedgerTable landUseTable(const geo::ParkLayer& parcels, const geo::Envelope& frame,
                              const RoleStyleBook& book, geo::AreaMethod method,
                              geo::IssueSink& issues)
{
    const geo::Layer& layer = *parcels.layer;
    const int field = parcels.field("land_use");
    const geo::LayerMeasure measure = geo::measureLayer(layer, method, issues);

    struct Sum {
        std::int64_t count = 0;
        double areaM2 = 0;
        std::int64_t unmeasured = 0;
    };
    std::map<std::string, Sum> byCode; // "" sorts first; shown last as 未知
    double totalM2 = 0;
    std::int64_t totalCount = 0, unmeasured = 0;
    for (std::size_t feature = 0; feature < layer.featureCount(); ++feature) {
        if (layer.geometry.isEmpty(feature))
            continue;
        const geo::Envelope& envelope = layer.geometry.envelope(feature);
        const double centreX = (envelope.minX + envelope.maxX) / 2;
        const double centreY = (envelope.minY + envelope.maxY) / 2;
        if (centreX < frame.minX || centreX > frame.maxX || centreY < frame.minY ||
            centreY > frame.maxY)
            continue;
        std::string code;
        if (field >= 0 && !layer.attributes.isUnknown(feature, field))
            code = normaliseLandUseCode(layer.attributes.text(feature, field));
        Sum& sum = byCode[code];
        ++sum.count;
        ++totalCount;
        const double areaM2 = feature < measure.areaM2.size() ? measure.areaM2[feature] : NAN;
        if (std::isnan(areaM2)) {
            ++sum.unmeasured;
            ++unmeasured;
            continue;
        }
        sum.areaM2 += areaM2;
        totalM2 += areaM2;
    }

    geo::LedgerTable table;
    table.id = "land_use";
    table.title = "用地汇总表";
    using Kind = geo::LedgerColumn::Kind;
    table.columns = {{"code", "代码", Kind::Text, 0},
                     {"name", "用地名称", Kind::Text, 0},
                     {"count", "宗数", Kind::Count, 0},
                     {"area_mu", "面积（亩）", Kind::Amount, 2},
                     {"share", "比例（%）", Kind::Ratio, 1}};
    auto addRow = [&](const std::string& code, const std::string& name, const Sum& sum) {
        table.rows.push_back({code, name, sum.count, sum.areaM2 / kSquareMetresPerMu,
                              totalM2 > 0 ? 100.0 * sum.areaM2 / totalM2 : 0.0});
    };
    // Names in the parcels' own classification (0601 is 工业用地 in a cadastre, 乡村道路用地 in
    // the 2023 guide); the style book's first-match name only when the tables cannot be read.
    const geo::LandUseClassification* classification = nullptr;
    geo::LandUseDetection systems;
    try {
        classification = &geo::LandUseClassification::standard();
        systems = geo::landUseSystemsOf(parcels, *classification);
    } catch (const geo::Error&) {
        classification = nullptr;
    }
    // One row a class: codes of two systems that the crosswalk makes one class (M1 and 100101,
    // B1 and 0901) are summed into one row naming both. Each parcel is in one row only.
    struct Row {
        std::string codes;
        std::string name;
        Sum sum;
    };
    std::vector<Row> rows;
    std::map<std::string, std::size_t> rowOfClass;
    bool merged = false;
    for (const auto& [code, sum] : byCode) {
        if (code.empty())
            continue;
        const bool known = classification && !systems.systems.empty();
        const std::string key =
            known ? classification->sameClassKey(code, systems.systems) : "? " + code;
        if (const auto found = rowOfClass.find(key); found != rowOfClass.end()) {
            Row& row = rows[found->second];
            row.codes += " / " + code;
            row.sum.count += sum.count;
            row.sum.areaM2 += sum.areaM2;
            row.sum.unmeasured += sum.unmeasured;
            merged = true;
            continue;
        }
        std::string name = known ? classification->nameOf(code, systems.systems)
                                 : book.landUseName(code).toStdString();
        rowOfClass.emplace(key, rows.size());
        rows.push_back({code, name.empty() ? std::string("—") : name, sum});
    }
    for (const Row& row : rows)
        addRow(row.codes, row.name, row.sum);
    if (const auto unknown = byCode.find(std::string()); unknown != byCode.end())
        addRow("—", "未知用地", unknown->second);
    table.total = {std::string("合计"), std::string(), totalCount, totalM2 / kSquareMetresPerMu,
                   totalM2 > 0 ? 100.0 : 0.0};
    table.notes.push_back(std::string("按宗地中心落在图框内统计；") + methodChineseName(method) +
                          "，1 亩 = 10000/15 m²");
    if (unmeasured > 0)
        table.notes.push_back(std::to_string(unmeasured) + " 宗坐标异常，面积未计入");
    if (systems.systems.size() > 1)
        table.notes.push_back(
            "本表混用 " + systems.label() + " 用地分类，名称按各代码所属分类" +
            (merged ? "，同类两码合一行" : "") +
            (systems.warning.empty() ? std::string() : "；部分代码分类不明，未定名称"));
    else if (!systems.systems.empty())
        table.notes.push_back("用地分类：" + systems.label());
    return table;
}

geo::LedgerTable findingsTable(const std::vector<geo::Finding>& findings, const geo::Crs& crs)
{
    const geo::FindingsTotals totals = geo::totalsOfFindings(findings, crs);
    geo::LedgerTable table;
    table.id = "findings";
    table.title = "问题汇总表（按规则）";
    using Kind = geo::LedgerColumn::Kind;
    table.columns = {{"rule", "问题", Kind::Text, 0},
                     {"count", "处数", Kind::Count, 0},
                     {"area_mu", "面积（亩）", Kind::Union, 2}};
    auto areaCell = [](const geo::FindingsTotal& total) -> geo::LedgerCell {
        return total.withArea > 0 ? geo::LedgerCell(total.areaMu) : geo::LedgerCell(0.0);
    };
    bool overlaps = totals.measured.hasOverlaps();
    for (const geo::RuleTotal& entry : totals.byRule) {
        if (entry.rule == geo::kCannotDecide)
            continue;
        overlaps |= entry.total.hasOverlaps();
        table.rows.push_back(
            {geo::displayName(geo::NameGroup::Rule, entry.rule, geo::Language::Chinese),
             static_cast<std::int64_t>(entry.total.findings), areaCell(entry.total)});
    }
    table.total = {std::string("合计"), static_cast<std::int64_t>(totals.measured.findings),
                   areaCell(totals.measured)};
    if (overlaps)
        table.notes.push_back("面积为问题所涉土地的并集：同一地块涉及多条规则只计一次，"
                              "各行面积之和可大于合计");
    if (totals.measured.withoutArea > 0)
        table.notes.push_back(std::to_string(totals.measured.withoutArea) +
                              " 处无面积（线、点或编号问题），只计处数");
    if (totals.undecided.findings > 0)
        table.notes.push_back(
            geo::displayName(geo::NameGroup::Rule, geo::kCannotDecide, geo::Language::Chinese) +
            " " + std::to_string(totals.undecided.findings) + " 处（" +
            std::to_string(totals.undecided.features) + " 宗" +
            (totals.undecided.withArea > 0
                 ? "，" + geo::formatForDisplay(totals.undecided.areaMu, 2) + " 亩"
                 : std::string()) +
            "）另列，不计入合计");
    return table;
}

} // namespace parkatlas::render
