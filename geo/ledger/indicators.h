#pragma once

#include "geo/measure/area.h"
#include "geo/model/role.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
struct Park;

/// One input of an indicator, with where it comes from.
struct IndicatorInput {
    std::string key;    // "built_area_mu"
    std::string nameZh; // "已建成城镇建设用地面积"
    double value = 0;   // NaN when unknown
    std::string unit;   // "亩", "万元", "m²"
    std::string source; // "parcels: status ∈ {已投产, 竣工, 已建成}, area from geometry"
    std::size_t count = 0;        // features counted
    std::size_t unknownCount = 0; // features left out because a value was unknown
};

/// One indicator of TD/T 1029 (开发区土地集约利用评价), with its formula and inputs.
struct Indicator {
    std::string key;       // "land_development_rate"
    std::string nameZh;    // "土地开发率"
    std::string formula;   // "已达到供地条件的土地面积 / 开发区土地总面积"
    double value = 0;      // NaN when it cannot be computed
    std::string unit;      // "%", "", "万元/公顷"
    double valuePerMu = 0; // for per-area intensities: the value per mu (万元/亩); NaN otherwise
    std::vector<IndicatorInput> inputs;
    std::vector<std::string> unknowns; // what was unknown, in words
    std::string reading;               // how the standard was read where it is ambiguous
};

struct IndicatorReport {
    std::string park;
    AreaMethod areaMethod = AreaMethod::Ellipsoidal;
    std::vector<Indicator> indicators;
    std::vector<std::string> notes;
};

struct IndicatorOptions {
    AreaMethod areaMethod = AreaMethod::Ellipsoidal;
    std::string boundaryKind = "核准范围"; // the evaluation area (评价范围)
    unsigned threads = 0;
};

/// The roles the indicators read.
std::vector<Role> indicatorRoles();

/// 土地开发率, 土地供应率, 土地建成率, 工业用地率, 综合容积率, 建筑密度, 工业用地综合容积率,
/// 工业用地固定资产投入强度, 工业用地地均税收, 综合地均税收, 闲置土地处置率, from the park's
/// layers. Readings (each indicator repeats its own):
/// - 开发区土地总面积: the boundary features of kind `boundaryKind` (核准范围), by geometry.
/// - 已达到供地条件的土地: acquisition batches at stage 场平 or 已供地 (acquired and levelled).
/// - 已供应国有建设用地: every plot of the parcels layer.
/// - 已建成城镇建设用地: plots whose status is 已投产, 竣工 or 已建成 (plots only: roads and
///   public land are not in the parcels layer, which the standard would count).
/// - 工业用地: land_use M, M1–M3 (GB 50137) or 1001… (2023 classification).
/// - Money (invested, tax) and floor area: summed over the plots that have them; the area of a
///   plot whose value is unknown is left out of the denominator too, and counted.
/// - 闲置土地处置率: area of idle_land cases of kind 供而未用 / 供多建少 (闲置土地 proper) at a
///   disposed stage over the area of all such cases.
IndicatorReport computeIndicators(const Park& park, const IndicatorOptions& options,
                                  IssueSink& issues);

/// True for a plot status that means built (已投产, 竣工, 已建成, 投产, 达产): 已建成城镇建设用地.
bool isBuiltStatus(const std::string& status);

/// True for industrial land-use codes: M, M1, M2, M3 (GB 50137-2011), 1001 and its children
/// (100101 …, 2023 classification). Reads numbers as GTKJ-2023 only: a caller that knows the
/// layer's classification uses industrialLandUse().
bool isIndustrialLandUse(const std::string& code);

/// Whether a code read in `systems` is industrial (within GTKJ-2023's 1001 工业用地: 0601 of
/// GB/T 21010-2017 is, its 1001 铁路用地 is not); nullopt when that cannot be said (a code in
/// no class, coarser than 工业用地 such as 06 工矿仓储用地, or one whose meaning differs
/// between the candidate systems).
std::optional<bool> industrialLandUse(const std::string& code,
                                      const std::vector<std::string>& systems);

} // namespace parkatlas::geo
