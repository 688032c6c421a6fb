#pragma once

#include "geo/ledger/ledger_table.h"
#include "geo/measure/area.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"
#include "geo/rules/audit_rules.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
struct Park;

/// The ledgers (台账) of DESIGN.md, "Outputs".
enum class LedgerKind { Acquisition, Idle, Works, Supply, StandardLand };

const char* toString(LedgerKind kind);
std::optional<LedgerKind> ledgerKindFromString(std::string_view text);
/// The roles a ledger reads (for loading only what it needs).
std::vector<Role> rolesFor(LedgerKind kind);

struct LedgerOptions {
    AreaMethod areaMethod = AreaMethod::Ellipsoidal; // areas in mu from geometry
    unsigned threads = 0;
    /// standard_land: the date the initial operating periods are counted to (nullopt: today),
    /// and the audit's settings (the period's default and the field it is counted from).
    std::optional<Date> asOf = std::nullopt;
    AuditRules rules = {};
};

/// Builds a ledger from the park's layers. Every area is from geometry (AreaCalculator, in each
/// layer's CRS), every length geodesic unless the method is planar. Amounts are summed
/// unrounded; unknown values (null, empty, xx, **) are left out of the sums and counted in the
/// table's notes, never taken as 0.
/// - acquisition: by batch (batch, name, village, group, stage, dispute, 亩, 户, 人, 补偿款),
///   by village, by stage (the contract's stage order).
/// - idle: cases (kind, stage, 亩, 闲置费, disposed), by kind with the disposal rate (处置率 =
///   disposed cases / all cases, and by area), by stage. Disposed: stage 依法收回 / 无偿收回 /
///   协议收回 / 收回 / 盘活 / 已处置 / 处置完毕 / 置换; 征缴闲置费 is not disposal (the land is
///   still idle when the fee is paid).
/// - works: by lot (标段) over roads and pipelines: features, km planned (every feature), km
///   built (Σ length × progress), contract (万元) and contract-weighted progress; by road class
///   and pipeline kind likewise. A lot left empty (not tendered) and a masked lot (xx) are
///   separate rows.
/// - supply: per plot (亩, 投资, 亩均投资, 税收, 亩均税收, FAR = floor_area / plot area, building
///   coverage from footprints when there is a buildings layer), and by year of supply.
/// - standard_land (标准地履约台账): every 标准地 contract plot (a plot naming a target or its
///   initial operating period, geo/rules/standard_land.h) with its period (from, years, end,
///   inside or past as of options.asOf) and per target the contract value, the actual figure
///   and met / missed / unknown; and the plots by where they stand.
/// Throws IoError when the park lacks the layer the ledger is about.
Ledger buildLedger(const Park& park, LedgerKind kind, const LedgerOptions& options,
                   IssueSink& issues);

/// The stages of 征地 in the order they happen (DESIGN.md): 调查摸底勘丈 … 已供地.
const std::vector<std::string>& acquisitionStageOrder();
/// True when an idle-land case at `stage` counts as disposed.
bool isDisposedStage(std::string_view stage);

} // namespace parkatlas::geo
