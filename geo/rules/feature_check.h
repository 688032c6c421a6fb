#pragma once

#include "geo/model/field_values.h"
#include "geo/model/role.h"
#include "geo/progress.h"
#include "geo/rules/compliance.h"

#include <cstdint>
#include <vector>

namespace parkatlas::geo {

/// One feature to check on its own: a shape a planner has just drawn or changed, with the
/// values of its attribute form. It replaces the park's feature of the same fid in its role's
/// layer (an edit), or is added to it (a new feature: any fid the layer does not have, e.g.
/// negative).
struct CheckedFeature {
    Role role = Role::Expansion;
    std::int64_t fid = -1;
    std::vector<unsigned char> geometryWkb; // ISO WKB in the park's CRS
    /// Contract field names (land_use, parcel_id …) or source field names → value as text.
    FieldValues values;
    /// Features of the role's layer to leave out (deleted by the editor, not yet saved).
    std::vector<std::int64_t> removedFids;
};

/// The instant conflict check of an edit: runs the plan-compliance rules that concern a feature
/// of `feature.role` (plan fit, boundary, road red lines, protected areas, acquisition,
/// overlaps, duplicate ids, validity) on that one feature against the rest of the park, and
/// returns only the findings about it (its fid in Finding::fids). Reads only the park features
/// near the feature, so it takes milliseconds on a park of a million parcels. Same findings as
/// checkCompliance on the park with the feature in it. Throws Cancelled as checkCompliance does.
ComplianceResult checkFeature(const Park& park, const CheckedFeature& feature,
                              const ComplianceOptions& options, IssueSink& issues);

} // namespace parkatlas::geo
