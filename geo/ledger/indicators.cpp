#include "geo/ledger/indicators.h"

#include "geo/issue.h"
#include "geo/ledger/ledgers.h"
#include "geo/measure/coverage.h"
#include "geo/measure/layer_measure.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/park.h"
#include "geo/units.h"

#include <cmath>
#include <limits>

namespace parkatlas::geo {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double numerator, double denominator)
{
    return denominator > 0 && !std::isnan(numerator) ? numerator / denominator : kNaN;
}

/// A sum over plots with the plots' area alongside, for ratios whose numerator may be unknown.
struct PlotSum {
    double value = 0;
    double areaM2 = 0; // area of the plots whose value is known
    std::size_t count = 0, unknown = 0;
    void add(std::optional<double> v, double plotAreaM2)
    {
        if (v && !std::isnan(plotAreaM2)) {
            value += *v;
            areaM2 += plotAreaM2;
            ++count;
        } else {
            ++unknown;
        }
    }
};

std::string trim(std::string text)
{
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    while (!text.empty() && text.front() == ' ')
        text.erase(text.begin());
    return text;
}

/// What the indicators are computed from, gathered layer by layer.
struct Inputs {
    IndicatorInput total, ready, supplied, built, industrial, idleAll, idleDisposed;
    PlotSum floorAll, floorIndustrial, investedIndustrial, taxIndustrial, taxAll, footprintAll;
    std::size_t landUseUnknown = 0;
    bool buildingsPresent = false;
    std::vector<std::string> idleNotes;
    std::string boundaryKind;
};

/// How an indicator is computed: a share (× 100 %) of two inputs, or from a sum over plots with
/// the area of the plots whose value is known: a ratio, a share, or money per area (万元/公顷,
/// and 万元/亩 beside it).
enum class Shape { ShareOfInputs, PlotRatio, PlotShare, PlotPerArea };

/// One indicator of TD/T 1029: one row of kIndicators.
struct IndicatorRow {
    const char* key;
    const char* nameZh;
    const char* formula;
    Shape shape;
    // ShareOfInputs: numerator / denominator.
    IndicatorInput Inputs::*numerator = nullptr;
    IndicatorInput Inputs::*denominator = nullptr;
    // Plot…: the sum, its input (key, name, unit, source) and its known area's (key, name,
    // source), and what is unknown where a plot is left out.
    PlotSum Inputs::*sum = nullptr;
    const char* sumKey = "";
    const char* sumName = "";
    const char* sumUnit = "";
    const char* sumSource = "";
    const char* areaKey = "";
    const char* areaName = "";
    const char* areaSource = "";
    const char* unknownWhat = "";
    /// What was unknown, in words (null: for a sum, unknownWhat's count; else nothing).
    std::vector<std::string> (*notes)(const Inputs&) = nullptr;
    const char* reading = "";
    /// How the standard was read, where it depends on the options (null: `reading`).
    std::string (*readingOf)(const Inputs&) = nullptr;
};

std::vector<std::string> unknownNote(const PlotSum& sum, const char* what)
{
    std::vector<std::string> out;
    if (sum.unknown)
        out.push_back(std::to_string(sum.unknown) + " 宗" + what +
                      "未知：不计入分子，其面积也不计入分母 / unknown: left out of both");
    return out;
}

const IndicatorRow kIndicators[] = {
    {"land_development_rate", "土地开发率", "已达到供地条件的土地面积 / 开发区土地总面积 × 100%",
     Shape::ShareOfInputs, &Inputs::ready, &Inputs::total, nullptr, "", "", "", "", "", "", "", "",
     [](const Inputs& in) {
         return in.ready.unknownCount
                    ? std::vector<std::string>{std::to_string(in.ready.unknownCount) +
                                               " 个征地批次阶段未知 / batches with unknown stage"}
                    : std::vector<std::string>{};
     },
     "",
     [](const Inputs& in) {
         return "已达到供地条件 = 征地阶段为场平或已供地的批次（征收补偿完成并场平）；开发区土地"
                "总面积 = " +
                in.boundaryKind + "边界面积";
     }},
    {"land_supply_rate", "土地供应率", "已供应国有建设用地面积 / 已达到供地条件的土地面积 × 100%",
     Shape::ShareOfInputs, &Inputs::supplied, &Inputs::ready, nullptr, "", "", "", "", "", "", "",
     "", nullptr, "已供应 = 宗地图层全部宗地（含范围外宗地；parkatlas check 报告范围外宗地）"},
    {"land_built_rate", "土地建成率", "已建成城镇建设用地面积 / 已供应国有建设用地面积 × 100%",
     Shape::ShareOfInputs, &Inputs::built, &Inputs::supplied, nullptr, "", "", "", "", "", "", "",
     "",
     [](const Inputs& in) {
         std::vector<std::string> out;
         if (in.built.unknownCount)
             out.push_back(std::to_string(in.built.unknownCount) +
                           " 宗状态未知，未计入已建成 / status unknown: not counted as built");
         return out;
     },
     "已建成 = 状态为已投产、竣工或已建成的宗地；标准中的城镇建设用地还含道路等公共用地，"
     "此处只计宗地"},
    {"industrial_land_rate", "工业用地率", "已建成工业用地面积 / 已建成城镇建设用地面积 × 100%",
     Shape::ShareOfInputs, &Inputs::industrial, &Inputs::built, nullptr, "", "", "", "", "", "", "",
     "",
     [](const Inputs& in) {
         return in.landUseUnknown
                    ? std::vector<std::string>{std::to_string(in.landUseUnknown) +
                                               " 宗已建成宗地用途未知或无法判定（分类不明、地类过"
                                               "粗），未计入工业 / land use unknown or undecidable"}
                    : std::vector<std::string>{};
     },
     "工业用地 = M、M1–M3（GB 50137）、1001 及其子类（2023 分类）或 0601（GB/T 21010、"
     "三调），按宗地图层的用地分类判读"},
    {"floor_area_ratio", "综合容积率", "已建成城镇建设用地上的总建筑面积 / 已建成城镇建设用地面积",
     Shape::PlotRatio, nullptr, nullptr, &Inputs::floorAll, "floor_area_m2", "总建筑面积", "m²",
     "parcels.floor_area, built plots", "built_area_known_mu", "已建成用地面积（建筑面积已知）",
     "parcels: built plots with floor_area", "总建筑面积", nullptr, "以宗地 floor_area 之和计"},
    {"building_density", "建筑密度",
     "已建成城镇建设用地上的建筑基底面积 / 已建成城镇建设用地面积 × 100%", Shape::PlotShare,
     nullptr, nullptr, &Inputs::footprintAll, "footprint_m2", "建筑基底面积", "m²",
     "buildings: footprints united within each built plot", "built_area_valid_mu",
     "已建成用地面积（图形有效）", "parcels: built plots with a valid geometry",
     "图形无效，建筑基底",
     [](const Inputs& in) {
         return in.buildingsPresent ? unknownNote(in.footprintAll, "图形无效，建筑基底")
                                    : std::vector<std::string>{"no buildings layer: 建筑基底未知"};
     },
     "建筑基底取 buildings 图层与宗地求交后合并的面积"},
    {"industrial_floor_area_ratio", "工业用地综合容积率",
     "已建成工业用地上的总建筑面积 / 已建成工业用地面积", Shape::PlotRatio, nullptr, nullptr,
     &Inputs::floorIndustrial, "industrial_floor_area_m2", "工业用地总建筑面积", "m²",
     "parcels.floor_area, built industrial plots", "industrial_area_known_mu",
     "已建成工业用地面积（建筑面积已知）", "parcels: built industrial plots with floor_area",
     "总建筑面积", nullptr, ""},
    {"industrial_investment_intensity", "工业用地固定资产投入强度",
     "工业（物流）企业累计固定资产投资总额 / 已建成工业用地面积", Shape::PlotPerArea, nullptr,
     nullptr, &Inputs::investedIndustrial, "industrial_invested_wan", "累计固定资产投资", "万元",
     "parcels.invested, built industrial plots", "industrial_area_invest_known_mu",
     "已建成工业用地面积（投资已知）", "parcels: built industrial plots with invested", "投资",
     nullptr, "以宗地已完成投资（invested）计固定资产投资；标准单位万元/公顷，另给万元/亩"},
    {"industrial_tax_per_area", "工业用地地均税收", "工业企业税收总额 / 已建成工业用地面积",
     Shape::PlotPerArea, nullptr, nullptr, &Inputs::taxIndustrial, "industrial_tax_wan",
     "工业企业税收总额", "万元", "parcels.tax, built industrial plots",
     "industrial_area_tax_known_mu", "已建成工业用地面积（税收已知）",
     "parcels: built industrial plots with tax", "税收", nullptr, "年税收（tax）"},
    {"tax_per_area", "综合地均税收", "开发区企业税收总额 / 已建成城镇建设用地面积",
     Shape::PlotPerArea, nullptr, nullptr, &Inputs::taxAll, "tax_wan", "企业税收总额", "万元",
     "parcels.tax, built plots", "built_area_tax_known_mu", "已建成用地面积（税收已知）",
     "parcels: built plots with tax", "税收", nullptr, ""},
    {"idle_disposal_rate", "闲置土地处置率", "已处置闲置土地面积 / 闲置土地总面积 × 100%",
     Shape::ShareOfInputs, &Inputs::idleDisposed, &Inputs::idleAll, nullptr, "", "", "", "", "", "",
     "", "", [](const Inputs& in) { return in.idleNotes; },
     "闲置土地 = "
     "供而未用、供多建少两类案件（批而未供、低效用地不是闲置土地处置办法所称闲置土地）；"
     "已处置 = 依法收回、无偿收回、协议收回、盘活、已处置、置换；按面积计，件数见 ledger "
     "--kind idle"},
};

Indicator indicatorOf(const IndicatorRow& row, const Inputs& in)
{
    auto percent = [](double share) { return std::isnan(share) ? kNaN : 100.0 * share; };
    double value = kNaN, valuePerMu = kNaN;
    const char* unit = "%";
    std::vector<IndicatorInput> inputs;
    if (row.shape == Shape::ShareOfInputs) {
        const IndicatorInput& numerator = in.*row.numerator;
        const IndicatorInput& denominator = in.*row.denominator;
        value = percent(ratio(numerator.value, denominator.value));
        inputs = {numerator, denominator};
    } else {
        const PlotSum& sum = in.*row.sum;
        const double perM2 = ratio(sum.value, sum.areaM2);
        if (row.shape == Shape::PlotRatio) {
            value = perM2;
            unit = "";
        } else if (row.shape == Shape::PlotShare) {
            value = percent(perM2);
        } else {
            value = perM2 * kSquareMetresPerHectare;
            valuePerMu = perM2 * kSquareMetresPerMu;
            unit = "万元/公顷";
        }
        inputs = {IndicatorInput{row.sumKey, row.sumName, sum.count ? sum.value : kNaN, row.sumUnit,
                                 row.sumSource, sum.count, sum.unknown},
                  IndicatorInput{row.areaKey, row.areaName, muFromM2(sum.areaM2), "亩",
                                 row.areaSource, sum.count, 0}};
    }
    Indicator indicator{row.key,    row.nameZh,        row.formula, value, unit,
                        valuePerMu, std::move(inputs), {},          {}};
    if (row.notes)
        indicator.unknowns = row.notes(in);
    else if (row.sum)
        indicator.unknowns = unknownNote(in.*row.sum, row.unknownWhat);
    indicator.reading = row.readingOf ? row.readingOf(in) : std::string(row.reading);
    for (const IndicatorInput& input : indicator.inputs)
        if (std::isnan(input.value))
            indicator.unknowns.push_back(input.nameZh + " 未知 / unknown");
    return indicator;
}

} // namespace

bool isBuiltStatus(const std::string& status)
{
    return status == "已投产" || status == "竣工" || status == "已建成" || status == "投产" ||
           status == "达产";
}

bool isIndustrialLandUse(const std::string& code)
{
    if (code == "M" || code == "M1" || code == "M2" || code == "M3")
        return true;
    return code.size() >= 4 && code.compare(0, 4, "1001") == 0;
}

std::optional<bool> industrialLandUse(const std::string& code,
                                      const std::vector<std::string>& systems)
{
    const LandUseJudgement j =
        LandUseClassification::standard().judge(code, systems, "1001", {kGtkj2023});
    if (j.verdict == LandUseVerdict::Fits)
        return true;
    if (j.verdict == LandUseVerdict::Mismatch)
        return false;
    return std::nullopt;
}

std::vector<Role> indicatorRoles()
{
    return {Role::Boundary, Role::Parcels, Role::Acquisition, Role::IdleLand, Role::Buildings};
}

IndicatorReport computeIndicators(const Park& park, const IndicatorOptions& options,
                                  IssueSink& issues)
{
    IndicatorReport report;
    report.park = park.name;
    report.areaMethod = options.areaMethod;
    report.notes.push_back(std::string("面积按图形计算（") + toString(options.areaMethod) +
                           "）/ areas from geometry");

    auto measure = [&](Role role) -> std::pair<const ParkLayer*, std::vector<double>> {
        const ParkLayer* layer = park.layer(role);
        if (!layer || layer->layer->geometry.kind() != GeometryKind::Polygon) {
            if (!layer)
                report.notes.push_back(std::string("no ") + toString(role) + " layer (" +
                                       chineseName(role) + "): what needs it is unknown");
            return {nullptr, {}};
        }
        return {
            layer,
            measureLayer(*layer->layer, options.areaMethod, issues, {}, options.threads).areaM2};
    };

    // 开发区土地总面积
    IndicatorInput total{"park_area_mu",
                         "开发区土地总面积",
                         kNaN,
                         "亩",
                         "boundary: kind = " + options.boundaryKind + ", area from geometry",
                         0,
                         0};
    if (auto [layer, areas] = measure(Role::Boundary); layer) {
        const int kind = layer->field("kind");
        double sum = 0;
        for (std::size_t row = 0; row < areas.size(); ++row) {
            if (kind < 0 || layer->layer->attributes.isUnknown(row, kind) ||
                trim(layer->layer->attributes.text(row, kind)) != options.boundaryKind)
                continue;
            if (std::isnan(areas[row])) {
                ++total.unknownCount;
                continue;
            }
            sum += areas[row];
            ++total.count;
        }
        if (total.count > 0)
            total.value = muFromM2(sum);
    }

    // 已达到供地条件的土地
    IndicatorInput ready{"ready_area_mu",
                         "已达到供地条件的土地面积",
                         kNaN,
                         "亩",
                         "acquisition: stage ∈ {场平, 已供地}, area from geometry",
                         0,
                         0};
    if (auto [layer, areas] = measure(Role::Acquisition); layer) {
        const int stage = layer->field("stage");
        double sum = 0;
        for (std::size_t row = 0; row < areas.size(); ++row) {
            if (stage < 0 || layer->layer->attributes.isUnknown(row, stage)) {
                ++ready.unknownCount;
                continue;
            }
            const std::string s = trim(layer->layer->attributes.text(row, stage));
            if (s != "场平" && s != "已供地")
                continue;
            if (std::isnan(areas[row])) {
                ++ready.unknownCount;
                continue;
            }
            sum += areas[row];
            ++ready.count;
        }
        ready.value = muFromM2(sum);
    }

    // Plots: supplied, built, industrial; money and floor area.
    IndicatorInput supplied{"supplied_area_mu",
                            "已供应国有建设用地面积",
                            kNaN,
                            "亩",
                            "parcels: every plot, area from geometry",
                            0,
                            0};
    IndicatorInput built{"built_area_mu",
                         "已建成城镇建设用地面积",
                         kNaN,
                         "亩",
                         "parcels: status ∈ {已投产, 竣工, 已建成}",
                         0,
                         0};
    IndicatorInput industrial{
        "industrial_built_area_mu",
        "已建成工业用地面积",
        kNaN,
        "亩",
        "parcels: built, land_use industrial in its classification (M, M1–M3; "
        "1001… of GTKJ-2023; 0601 of GB/T 21010-2017)",
        0,
        0};
    PlotSum floorAll, floorIndustrial, investedIndustrial, taxIndustrial, taxAll, footprintAll;
    std::size_t landUseUnknown = 0;
    const ParkLayer* buildings = park.layer(Role::Buildings);
    if (auto [layer, areas] = measure(Role::Parcels); layer) {
        std::vector<PlotCoverage> coverage;
        if (buildings)
            coverage = plotCoverage(*layer->layer, *buildings->layer, issues, options.threads);
        const AttributeTable& a = layer->layer->attributes;
        // A plain pointer for the lambdas: clang 14 (the fuzz build) cannot capture a
        // structured binding.
        const ParkLayer* parcels = layer;
        auto number = [&](std::size_t row, const char* name) -> std::optional<double> {
            const int field = parcels->field(name);
            return field < 0 ? std::nullopt : a.number(row, field);
        };
        auto text = [&](std::size_t row, const char* name) -> std::optional<std::string> {
            const int field = parcels->field(name);
            if (field < 0 || a.isUnknown(row, field))
                return std::nullopt;
            return trim(a.text(row, field));
        };
        // The parcels' codes in their own classification (0601 is industry in a cadastre).
        const LandUseSystems systems =
            landUseSystemsOf(*parcels, LandUseClassification::standard()).systems;
        double suppliedM2 = 0, builtM2 = 0, industrialM2 = 0;
        for (std::size_t row = 0; row < areas.size(); ++row) {
            const double areaM2 = areas[row];
            if (std::isnan(areaM2)) {
                ++supplied.unknownCount;
                continue;
            }
            suppliedM2 += areaM2;
            ++supplied.count;
            const auto status = text(row, "status");
            if (!status) {
                ++built.unknownCount;
                continue;
            }
            if (!isBuiltStatus(*status))
                continue;
            builtM2 += areaM2;
            ++built.count;
            floorAll.add(number(row, "floor_area"), areaM2);
            taxAll.add(number(row, "tax"), areaM2);
            if (buildings)
                footprintAll.add(std::isnan(coverage[row].share)
                                     ? std::nullopt
                                     : std::optional<double>(coverage[row].share * areaM2),
                                 areaM2);
            const auto landUse = text(row, "land_use");
            if (!landUse) {
                ++landUseUnknown;
                ++industrial.unknownCount;
                continue;
            }
            const std::optional<bool> isIndustrial = industrialLandUse(*landUse, systems);
            if (!isIndustrial) {
                ++landUseUnknown;
                ++industrial.unknownCount;
                continue;
            }
            if (!*isIndustrial)
                continue;
            industrialM2 += areaM2;
            ++industrial.count;
            floorIndustrial.add(number(row, "floor_area"), areaM2);
            investedIndustrial.add(number(row, "invested"), areaM2);
            taxIndustrial.add(number(row, "tax"), areaM2);
        }
        supplied.value = muFromM2(suppliedM2);
        built.value = muFromM2(builtM2);
        industrial.value = muFromM2(industrialM2);
    }

    // 闲置土地处置率
    IndicatorInput idleAll{"idle_area_mu",
                           "闲置土地总面积",
                           kNaN,
                           "亩",
                           "idle_land: kind ∈ {供而未用, 供多建少}, area from geometry",
                           0,
                           0};
    IndicatorInput idleDisposed{"idle_disposed_area_mu",
                                "已处置闲置土地面积",
                                kNaN,
                                "亩",
                                "idle_land: those at a disposed stage (依法收回, 盘活 …)",
                                0,
                                0};
    std::size_t kindUnknown = 0;
    if (auto [layer, areas] = measure(Role::IdleLand); layer) {
        const AttributeTable& a = layer->layer->attributes;
        const int kind = layer->field("kind");
        const int stage = layer->field("stage");
        double all = 0, disposed = 0;
        for (std::size_t row = 0; row < areas.size(); ++row) {
            if (kind < 0 || a.isUnknown(row, kind)) {
                ++kindUnknown;
                continue;
            }
            const std::string k = trim(a.text(row, kind));
            if (k != "供而未用" && k != "供多建少")
                continue;
            if (std::isnan(areas[row])) {
                ++idleAll.unknownCount;
                continue;
            }
            all += areas[row];
            ++idleAll.count;
            if (stage >= 0 && !a.isUnknown(row, stage) &&
                isDisposedStage(trim(a.text(row, stage)))) {
                disposed += areas[row];
                ++idleDisposed.count;
            } else if (stage < 0 || a.isUnknown(row, stage)) {
                ++idleDisposed.unknownCount;
            }
        }
        idleAll.value = muFromM2(all);
        idleDisposed.value = muFromM2(disposed);
    }
    std::vector<std::string> idleNotes;
    if (kindUnknown)
        idleNotes.push_back(std::to_string(kindUnknown) + " 件类型未知，未计入 / kind unknown");
    if (idleDisposed.unknownCount)
        idleNotes.push_back(std::to_string(idleDisposed.unknownCount) +
                            " 件处置阶段未知，按未处置计 / stage unknown: counted as not disposed");

    Inputs in{total,
              ready,
              supplied,
              built,
              industrial,
              idleAll,
              idleDisposed,
              floorAll,
              floorIndustrial,
              investedIndustrial,
              taxIndustrial,
              taxAll,
              footprintAll,
              landUseUnknown,
              buildings != nullptr,
              idleNotes,
              options.boundaryKind};
    for (const IndicatorRow& row : kIndicators)
        report.indicators.push_back(indicatorOf(row, in));
    return report;
}

} // namespace parkatlas::geo
