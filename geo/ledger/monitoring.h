#pragma once

#include "geo/ledger/ledger_table.h"
#include "geo/measure/area.h"
#include "geo/message.h"
#include "geo/model/geometry_store.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
struct Park;

// The annual 开发区土地集约利用监测统计 (land-use monitoring of development zones, reported to the
// Ministry of Natural Resources): the land classes of every piece of the approved area, the
// ministry's indicators, the zone type and the potential. How each class is derived:
// styles/README.md, "监测统计".

/// The monitoring land classes, by code: "A1" … "A6", "B11", "B12", "B21", "B22", "C1" … "C3",
/// "D1", "D21", "D22", "E1", "E21", "E22", "F", "G", and the parents "A", "B", "B1", "B2",
/// "C", "D", "D2", "E", "E2". Empty: not a class.
struct MonitoringClassDef {
    const char* code;
    const char* nameZh;
    const char* nameEn;
};
const std::vector<MonitoringClassDef>& monitoringClasses();
/// The class of `code` (case-insensitive), or nullptr.
const MonitoringClassDef* monitoringClass(std::string_view code);

/// The classes of one piece of land. A piece is a plot of the parcels layer, or a part of the
/// approved area no plot covers (cut by the protected areas, the acquisition batches and the
/// plan zones). A class that cannot be derived is "" and `why` says why (message ids).
struct MonitoringPlot {
    Role source = Role::Parcels; // Parcels, Protected, Acquisition, or Boundary (the rest)
    std::size_t row = 0;         // row of the source layer (Boundary: 0)
    std::int64_t fid = -1;       // the source feature's fid (-1 for the rest)
    std::string id;              // parcel_id, batch_id, the protected kind …
    double areaM2 = 0;           // NaN when unknown
    /// A1 … A6; "A" when built but its kind is unknown; "B" for not built (see b1, b2);
    /// C1 … C3; "" unknown.
    std::string landClass;
    std::string b1; // for B: B11 supplied, B12 not supplied ("" unknown)
    std::string b2; // for B: B21 ready for supply, B22 not ready ("" unknown)
    /// D1, D21, D22; "D2" (有偿, expiry unknown) or "D" (supply type unknown); E1, E21, E22,
    /// "E" (kind unknown); F; "" unknown.
    std::string supplyClass;
    bool idle = false;       // G: a 认定 idle case not disposed names this plot
    bool overridden = false; // the parcel's mon_class field set a class
    std::string landUse;     // the code the class was read from (plot's, else the plan zone's)
    std::string zoneId;      // the plan zone it lies in (largest overlap)
    double farMax = 0;       // the zone's far_max; NaN unknown or no zone
    /// Parcels: floor_area (m²), the buildings' footprint inside the plot (m²); NaN unknown.
    double floorAreaM2 = 0;
    double footprintM2 = 0;
    std::vector<Message> why; // why a class is unknown or was not derived
};

/// Zone-level economic figures (开发区经济数据), from the economy file. Each figure is NaN when
/// the file does not give it or masks it.
struct EconomyFigureDef {
    const char* key;
    const char* nameZh;
    const char* unit;
};
/// industrial_investment, fixed_investment, tax_total, tax_industry, tax_secondary,
/// tax_tertiary, population.
const std::vector<EconomyFigureDef>& economyFigures();

struct Economy {
    std::string path; // "" when there is no file
    std::optional<int> year;
    std::map<std::string, double> values; // key → value (NaN: masked, unknown)
    /// The figure, NaN when unknown or not given.
    double value(const std::string& key) const;
};

/// Reads an economy file: JSON {"year": 2026, "figures": {"population": 52000, …}} (a flat
/// object of keys works too) or an XLSX workbook whose first sheet has the columns key (or 项目)
/// and value (or 数值), one figure a row. Keys are the ids of economyFigures() or their Chinese
/// names. An unknown key, a value that is not a number, a negative value, and a masked one
/// (empty, xx, **, 无数据) go to `issues` (file, key, what is wrong) and leave the figure
/// unknown; never zero. Throws IoError naming the file when it cannot be read at all.
Economy readEconomy(const std::string& path, IssueSink& issues);

/// 工业主导型, 产城融合型 or 其他, by the ministry's rule on the shares (in %) of 工矿仓储 and 住宅
/// in A: industrial > 30 and residential < 25 → 工业主导型; industrial ≤ 30 and residential ≥
/// 25 → 产城融合型; anything else (or an unknown share) → 其他. The shares are compared
/// unrounded.
enum class ZoneType { IndustryLed, IndustryCity, Other };
ZoneType zoneTypeOf(double industrialSharePercent, double residentialSharePercent);
const char* zoneTypeNameZh(ZoneType type);
const char* zoneTypeKey(ZoneType type); // "industry_led", "industry_city", "other"

/// One figure of the monitoring, with its formula, inputs and what was unknown.
struct MonitoringFigure {
    std::string key;     // "land_development_rate"
    std::string nameZh;  // "土地开发率"
    std::string formula; // "(A + B21) / (A + B) × 100%"
    double value = 0;    // NaN when it cannot be computed
    std::string unit;    // "%", "", "万元/公顷", "人/公顷"
    double valuePerMu = 0; // money per area: per mu (万元/亩); NaN otherwise
    std::string inputs;  // "A = 120.00 亩; B21 = 30.00 亩; …"
    std::string plots;   // the classes behind it and how many pieces: "A: 437; B21: 61"
    std::vector<std::string> unknowns;
    /// The same figure a year before (NaN: no history), and the change: percentage points for
    /// a %, the plain difference otherwise.
    double previous = 0;
    double change = 0;
};

struct MonitoringOptions {
    AreaMethod areaMethod = AreaMethod::Ellipsoidal;
    std::string boundaryKind = "核准范围"; // the approved area (核准范围)
    Date statisticsDate;                  // 统计时点: expiries and idle cases as of this day
    unsigned threads = 0;
};

struct MonitoringReport {
    std::string park;
    int year = 0;
    MonitoringOptions options;
    std::vector<MonitoringPlot> plots;
    /// The plots' geometry, one feature per plot (row order of `plots`), in the park's CRS: the
    /// parts of the approved area no plot covers are only here.
    GeometryStore geometry;
    std::map<std::string, double> areaM2ByClass; // every code and parent → m²
    std::map<std::string, std::size_t> countByClass;
    double unclassedLandM2 = 0, unclassedSupplyM2 = 0;
    std::size_t unclassedLand = 0, unclassedSupply = 0;
    /// Buildings (m²): floor area on A and on A2, footprint on A and on A2, with the number of
    /// plots whose value was unknown.
    double floorA = 0, floorA2 = 0, footprintA = 0, footprintA2 = 0;
    double floorAKnownM2 = 0, floorA2KnownM2 = 0, footprintAKnownM2 = 0, footprintA2KnownM2 = 0;
    std::size_t floorAUnknown = 0, floorA2Unknown = 0, footprintAUnknown = 0,
                footprintA2Unknown = 0;
    bool buildingsPresent = false;
    /// Potential: 待建地 (B21) and the floor area the plots could still take at their zone's
    /// far_max (max(0, far_max × area − floor_area)), with what was unknown.
    double floorPotentialM2 = 0;
    std::size_t floorPotentialCount = 0, floorPotentialUnknown = 0;
    Economy economy;
    double industrialSharePercent = 0, residentialSharePercent = 0;
    ZoneType zoneType = ZoneType::Other;
    std::vector<MonitoringFigure> figures;
    std::vector<std::string> notes;

    double areaM2(const std::string& code) const;
};

/// The roles the monitoring reads.
std::vector<Role> monitoringRoles();

/// Classes every piece of the approved area (boundary features of options.boundaryKind) and
/// computes the ministry's indicators with `economy`. Plots that cannot be classed, a class
/// override that names no class, idle cases naming no plot: to `issues` (file, layer, fid,
/// message id). `previous` (the report a year before, when the park keeps history) fills each
/// figure's previous value and change.
MonitoringReport computeMonitoring(const Park& park, int year, const MonitoringOptions& options,
                                   const Economy& economy, IssueSink& issues,
                                   const MonitoringReport* previous = nullptr);

/// The report's tables in the ministry's order as a Ledger (kind "monitor"): area by class,
/// supply, buildings, economy, indicators, potential, and with `withPlots` the plots one by
/// one. Headers and class names in `chinese` or English.
Ledger monitoringLedger(const MonitoringReport& report, bool withPlots, bool chinese);

} // namespace parkatlas::geo
