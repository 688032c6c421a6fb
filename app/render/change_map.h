#pragma once

#include "app/render/layer_snapshot.h"
#include "geo/diff/park_diff.h"
#include "geo/ledger/ledger_table.h"
#include "geo/model/park.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace parkatlas::render {

/// The changes of a 变化图 drawn over the park, in the conventional colours: 新增 (added) green,
/// 变更 (changed: the new shape) orange, 灭失 (removed: the old shape) red hatched; one layer
/// each for polygons and for lines, named by the kind so the legend says it. Features are
/// copied from `park` (added, changed) and `previous` (removed), both in one CRS (diffParks()
/// made them so). Only the changes of `roles` (all when empty): the map shows what its layers
/// are about, the table counts every role. Empty kinds are left out.
/// Where `places` (when given) says each item is drawn: (*places)[l][i] is item i of
/// diff.layers[l], in snapshot `snapshot` of the result as features `features` (an added or
/// changed item's new rows, a removed item's old rows); snapshot -1 where it is not drawn.
struct ChangePlace {
    int snapshot = -1;
    std::vector<std::uint32_t> features;
};
std::vector<LayerSnapshot> changeOverlays(const geo::Park& park, const geo::Park& previous,
                                          const geo::ParkDiff& diff,
                                          const std::vector<geo::Role>& roles = {},
                                          std::vector<std::vector<ChangePlace>>* places = nullptr);

/// The change table of a 变化图: per role with changes, the number of items and the mu (km for
/// roads and pipelines) added, changed and removed.
geo::LedgerTable changesTable(const geo::ParkDiff& diff);

} // namespace parkatlas::render
