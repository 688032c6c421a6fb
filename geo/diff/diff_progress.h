#pragma once

#include "geo/diff/park_diff.h"
#include "geo/ledger/ledger_table.h"
#include "geo/model/layer.h"
#include "geo/rules/audit_rules.h"
#include "geo/rules/compliance_settings.h"

#include <optional>

namespace parkatlas::geo {

class IssueSink;
struct Park;

struct ProgressOptions {
    AreaMethod areaMethod = AreaMethod::Ellipsoidal;
    /// The idle-land audit's date for both parks (findings new and resolved); nullopt: the
    /// audit is not run.
    std::optional<Date> auditAsOf;
    /// Run the plan check and the audit on both parks and compare their findings.
    bool findings = true;
    /// When set, a project counts as started / stopped in the period only when its act_start /
    /// stopped date lies in [from, to] (both inclusive), and land as supplied only when its
    /// supply_dt does; else any date that is new in the new park counts.
    std::optional<Date> from, to;
    /// The plan check's and the audit's settings (the new park's project file).
    ComplianceSettings complianceSettings;
    AuditRules auditRules;
    unsigned threads = 0;
};

/// The period's work between two parks in the data contract's terms, as a Ledger whose tables
/// each list the ids of the features they sum (column `ids`), so every figure can be traced:
/// - `acquisition_by_stage`: mu and batches by 征地 stage then and now (the acquisition
///   ledger's by_stage of each park) and the change;
/// - `acquisition_moves`: batches that moved from one stage to another (or were added), mu,
///   households, persons;
/// - `settled`: households and persons newly settled (batches that reached 补偿 or a later stage);
/// - `supply_by_land_use`: land newly supplied (supply_dt newly known) by land use, mu;
/// - `projects`: projects started (act_start newly known), stopped (stopped newly known) and
///   completed (status newly 已投产 / 投产 / 竣工 / 已竣工), parcels and mu;
/// - `works_by_class`: km built by road class and pipeline kind then and now, and the
///   contract-price-weighted progress then and now (the works ledger of each park);
/// - `idle`: idle-land cases identified (new cases, and cases that left 调查) and disposed of
///   (isDisposedStage newly true), cases and mu;
/// - `findings`: per rule, findings of the plan check and the audit that are new and that are
///   resolved (a finding is the same when its rule, layer and feature id are).
/// Tables of roles neither park has are left out.
Ledger diffProgress(const Park& oldPark, const Park& newPark, const ParkDiff& diff,
                    const ProgressOptions& options, IssueSink& issues);

/// True for a parcel status that says the project is complete (已投产, 投产, 竣工, 已竣工).
bool isCompletedStatus(std::string_view status);

} // namespace parkatlas::geo
