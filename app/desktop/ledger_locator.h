#pragma once

#include "geo/ledger/ledgers.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace parkatlas::desktop {

/// A layer of the map as the ledger locator sees it: its place in the canvas, its data, its role
/// and its field mapping (contract field → source field).
struct LocatableLayer {
    std::size_t index = 0;
    std::shared_ptr<const geo::Layer> layer;
    geo::Role role = geo::Role::Parcels;
    std::map<std::string, std::string> fieldMap;
};

/// What a ledger row stands for on the map.
struct LedgerRowFeatures {
    std::map<std::size_t, std::vector<std::uint32_t>> features; // canvas layer → features
    geo::Envelope extent;
    /// Why nothing could be found ("" when something was).
    QString problem;
};

/// The features ledger row `row` of `table` (a ledger of `kind`) sums: those of the ledger's
/// layers (acquisition batches; idle-land cases; roads and pipelines; parcels) whose contract
/// field named by the table's first column (batch_id, village, stage, case_id, kind, lot,
/// parcel_id; a works class "道路·主干路" is road_class of the roads, "管网·雨水" kind of the
/// pipelines) holds the row's value, through each layer's field mapping; an unknown value
/// ("（未知）") finds the features where the field is empty or unknown, "（未分标段）" those with
/// no lot, "（标段未知：xx）" those whose lot is written xx. `row` == table.rows.size() is the
/// total row: every feature of those layers. A table grouped by something no field holds
/// (years of supply) finds nothing and says so in `problem`.
/// O(features of the ledger's layers); GUI thread.
LedgerRowFeatures ledgerRowFeatures(const geo::LedgerTable& table, std::size_t row,
                                    geo::LedgerKind kind,
                                    const std::vector<LocatableLayer>& layers);

} // namespace parkatlas::desktop
